"""Every class of bad input raises ValueError/TypeError naming the argument and the problem."""

import numpy as np
import pytest

import softmaxbook as sb

Z = np.zeros((2, 3))
NAN_ROW = np.array([[0.0, np.nan, 1.0]])
INF_ROW = np.array([[0.0, np.inf, 1.0]])
MASKED_ROW = np.array([[-np.inf, -np.inf, -np.inf]])

LOGIT_FUNCTIONS = [
    ("z", sb.softmax),
    ("z", sb.log_softmax),
    ("z", sb.logsumexp),
    ("z", sb.softmax_jacobian),
    ("z", lambda z: sb.softmax_vjp(z, np.zeros(np.shape(z)))),
    ("logits", lambda z: sb.cross_entropy(z, np.zeros(np.shape(z)[0], int))),
    ("logits", lambda z: sb.cross_entropy_grad(z, np.zeros(np.shape(z)[0], int))),
    ("logits", lambda z: sb.cross_entropy_and_grad(z, np.zeros(np.shape(z)[0], int))),
]


@pytest.mark.parametrize("name, f", LOGIT_FUNCTIONS)
@pytest.mark.parametrize("z, error, message", [
    (np.zeros((0, 3)), ValueError, "must not be empty"),
    (NAN_ROW, ValueError, "must not contain nan"),
    (INF_ROW, ValueError, r"must not contain \+inf"),
    (MASKED_ROW, ValueError, "has a row of only -inf"),
    (np.array([["a", "b"]]), TypeError, "must hold real numbers; got dtype <U1"),
    (np.array([[1.0, None]], dtype=object), TypeError, "must hold real numbers; got dtype object"),
    (np.array([[True, False]]), TypeError, "must hold real numbers; got dtype bool"),
    (np.array([[1 + 2j, 0j]]), TypeError, "must hold real numbers; got dtype complex128"),
])
def test_bad_logits(name, f, z, error, message):
    with pytest.raises(error, match=f"`{name}` {message}"):
        f(z)


def test_ragged_logits():
    with pytest.raises(ValueError, match="`z` must be a rectangular array of numbers"):
        sb.softmax([[1.0, 2.0], [3.0]])


def test_scalar_logits():
    with pytest.raises(ValueError, match=r"`z` must have at least 1 dimension\(s\); got shape \(\)"):
        sb.softmax(3.0)


@pytest.mark.parametrize("f", [sb.cross_entropy, sb.cross_entropy_grad, sb.cross_entropy_and_grad])
@pytest.mark.parametrize("labels, message", [
    ([0, 3], r"`targets` must be integers in \[0, 3\); got 3 at position 1"),
    ([-1, 0], r"`targets` must be integers in \[0, 3\); got -1 at position 0"),
    ([0.5, 1.0], r"`targets` must be integers; got 0.5 at position 0"),
    ([0, np.nan], r"`targets` must be integers; got nan at position 1"),
    ([0, 1, 2], r"`targets` has 3 entries but the batch has 2 rows"),
    ([[0], [1]], r"`targets` must have shape \(2, 3\); got shape \(2, 1\)"),
    (np.zeros((2, 3, 1)), r"`targets` must have shape \(2,\); got shape \(2, 3, 1\)"),
    ([[0.5, 0.5, 0.5], [1, 0, 0]], r"`targets` rows must sum to 1; row 0 sums to 1.5"),
    ([[1.5, -0.5, 0], [1, 0, 0]], r"`targets` must be probabilities in \[0, 1\]"),
    ([[np.nan, 1, 0], [1, 0, 0]], r"`targets` must be finite probabilities"),
])
def test_bad_targets(f, labels, message):
    with pytest.raises(ValueError, match=message):
        f(Z, labels)


@pytest.mark.parametrize("labels, error", [(["a", "b"], TypeError), ([True, False], TypeError)])
def test_non_numeric_labels(labels, error):
    with pytest.raises(error, match="`targets` must be integer class labels"):
        sb.cross_entropy(Z, labels)


def test_logits_of_wrong_rank_for_a_loss():
    with pytest.raises(ValueError, match=r"`logits` must have shape \(N, K\) or \(K,\); got shape \(1, 2, 3\)"):
        sb.cross_entropy(np.zeros((1, 2, 3)), [0])


@pytest.mark.parametrize("y_true, y_pred, error, message", [
    ([0], [[0.5, 0.6]], ValueError, r"`y_pred` rows must sum to 1; row 0 sums to 1.1"),
    ([0], [[np.nan, 1.0]], ValueError, r"`y_pred` must be finite probabilities"),
    ([0], [[1.2, -0.2]], ValueError, r"`y_pred` must be probabilities in \[0, 1\]"),
    ([2], [[0.5, 0.5]], ValueError, r"`y_true` must be integers in \[0, 2\); got 2 at position 0"),
    ([0, 1], [[0.5, 0.5]], ValueError, r"`y_true` has 2 entries but the batch has 1 rows"),
    ([[1.0, 0.0, 0.0]], [[0.5, 0.5]], ValueError, r"`y_true` must have shape \(1, 2\)"),
    ([0], [["a", "b"]], TypeError, r"`y_pred` must hold real numbers"),
    ([0], np.zeros((1, 1, 2)), ValueError, r"`y_pred` must have shape \(N, K\) or \(K,\)"),
])
def test_bad_probabilities(y_true, y_pred, error, message):
    with pytest.raises(error, match=message):
        sb.cross_entropy_from_probs(y_true, y_pred)


def test_vjp_shape_mismatch():
    with pytest.raises(ValueError, match=r"`v` must have the shape of `z`, \(3,\); got \(2,\)"):
        sb.softmax_vjp(np.zeros(3), np.zeros(2))


@pytest.mark.parametrize("v", [[0.0, np.nan, 1.0], [0.0, -np.inf, 1.0]])
def test_vjp_needs_a_finite_upstream_gradient(v):
    with pytest.raises(ValueError, match="`v` must be finite"):
        sb.softmax_vjp(np.zeros(3), v)


@pytest.mark.parametrize("f", [sb.softmax, sb.log_softmax, sb.logsumexp, sb.naive_softmax])
@pytest.mark.parametrize("axis, error, message", [
    (None, TypeError, "`axis` must be an integer; got None"),
    (1.0, TypeError, "`axis` must be an integer; got 1.0"),
    (2, ValueError, r"`axis` must be in \[-2, 2\) for an array of 2 dimension\(s\); got 2"),
    (-3, ValueError, r"`axis` must be in \[-2, 2\)"),
])
def test_bad_axis(f, axis, error, message):
    with pytest.raises(error, match=message):
        f(np.zeros((2, 3)), axis=axis)


def test_jacobian_rank():
    with pytest.raises(ValueError, match=r"`z` must have shape \(K,\) or \(N, K\); got shape \(1, 2, 3\)"):
        sb.softmax_jacobian(np.zeros((1, 2, 3)))


@pytest.mark.parametrize("f", [sb.sigmoid, sb.sigmoid_grad])
def test_sigmoid_rejects_nan_and_strings(f):
    with pytest.raises(ValueError, match="`x` must not contain nan"):
        f(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="`x` must hold real numbers"):
        f("1.0")


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_one_hot_num_classes(k):
    with pytest.raises(ValueError, match="`num_classes` must be a positive integer"):
        sb.one_hot([0], k)


def test_one_hot_labels_out_of_range():
    with pytest.raises(ValueError, match=r"`labels` must be integers in \[0, 2\); got 2 at position 1"):
        sb.one_hot([0, 2], 2)


def test_numerical_gradient_needs_a_scalar_function():
    with pytest.raises(ValueError, match="`f` must return a scalar"):
        sb.numerical_gradient(sb.softmax, np.zeros(3))


def test_spirals_arguments():
    with pytest.raises(ValueError, match="`n_per_class` must be >= 2"):
        sb.make_spirals(n_per_class=1)
