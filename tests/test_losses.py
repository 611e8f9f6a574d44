"""Cross-entropy and its gradient: exact values, references, gradient checks."""

import tracemalloc

import ml_dtypes
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb


def test_large_logits_give_an_exact_finite_loss():
    # -log softmax([800, -800])[1] = 1600 + log(1 + e^-1600) = 1600 exactly in float64;
    # the naive route is -log(0) = inf.
    assert sb.cross_entropy(np.array([[800.0, -800.0]]), np.array([1])) == 1600.0
    loss, grad = sb.cross_entropy_and_grad(np.array([[800.0, -800.0]]), np.array([1]))
    assert loss == 1600.0
    assert_array_equal(grad, [[1.0, -1.0]])


def test_matches_mpmath_on_hard_rows(references):
    for z, _, ref_ls, _ in references:
        for label in np.flatnonzero(np.isfinite(z)):
            if np.isinf(ref_ls[label]):  # the true loss (2e308 for 1e308 against -1e308) is beyond float64
                with pytest.raises(ValueError, match=r"the loss of row 0 is beyond float64's range"):
                    sb.cross_entropy(z[None], [label])
            else:
                assert_allclose(sb.cross_entropy(z[None], [label]), -ref_ls[label], rtol=1e-13)


def test_labels_and_one_hot_targets_agree():
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(7, 4)), rng.integers(0, 4, 7)
    Y = sb.one_hot(y, 4)
    assert_allclose(sb.cross_entropy(Z, y), sb.cross_entropy(Z, Y), rtol=1e-15)
    assert_allclose(sb.cross_entropy_grad(Z, y), sb.cross_entropy_grad(Z, Y), rtol=1e-15)
    expected = -np.mean(scipy.special.log_softmax(Z, axis=1)[np.arange(7), y])
    assert_allclose(sb.cross_entropy(Z, y), expected, rtol=1e-14)


def test_soft_targets_match_scipy():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(5, 3))
    Y = scipy.special.softmax(rng.normal(size=(5, 3)), axis=1)
    expected = -np.mean(np.sum(Y * scipy.special.log_softmax(Z, axis=1), axis=1))
    assert_allclose(sb.cross_entropy(Z, Y), expected, rtol=1e-14)
    assert_allclose(sb.cross_entropy_grad(Z, Y), (scipy.special.softmax(Z, axis=1) - Y) / 5, rtol=1e-14)


def test_gradient_is_central_difference():
    rng = np.random.default_rng(2)
    Z, y = rng.normal(0, 2, size=(4, 5)), np.array([0, 4, 2, 2])
    numeric = sb.numerical_gradient(lambda z: sb.cross_entropy(z, y), Z)
    assert_allclose(sb.cross_entropy_grad(Z, y), numeric, rtol=1e-6, atol=1e-10)


def test_gradient_is_y_hat_minus_y_over_n():
    Z, y = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]]), np.array([0, 2])
    assert_allclose(sb.cross_entropy_grad(Z, y), (sb.softmax(Z) - sb.one_hot(y, 3)) / 2, rtol=1e-15)


def test_single_example_forms():
    z = np.array([2.0, 1.0, 0.1])
    assert sb.cross_entropy(z, 0) == sb.cross_entropy(z[None], [0])
    assert sb.cross_entropy_grad(z, 0).shape == (3,)
    assert_allclose(sb.cross_entropy_grad(z, [1.0, 0, 0]), sb.cross_entropy_grad(z, 0), rtol=1e-15)


@pytest.mark.parametrize("soft", [False, True])
def test_and_grad_matches_the_formulas_written_out_in_numpy(soft):
    # The fused pass against plain NumPy, not against cross_entropy and cross_entropy_grad
    # (all three share one private helper, so comparing them with each other proves nothing):
    # L = mean_n(logsumexp(Z_n) - sum_k Y_nk Z_nk) for rows Y_n summing to 1, G = (softmax(Z) - Y) / N.
    rng = np.random.default_rng(3)
    Z, y = rng.normal(0, 3, size=(6, 4)), rng.integers(0, 4, 6)
    Y = rng.dirichlet(np.ones(4), 6) if soft else np.eye(4)[y]
    m = Z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    loss, grad = sb.cross_entropy_and_grad(Z, Y if soft else y)
    assert_allclose(loss, np.mean(lse[:, 0] - np.sum(Y * Z, axis=1)), rtol=1e-14)
    assert_allclose(grad, (np.exp(Z - lse) - Y) / 6, rtol=1e-13, atol=1e-17)


def test_masked_class():
    z = np.array([[0.0, -np.inf, 0.0]])
    assert_allclose(sb.cross_entropy(z, [0]), np.log(2), rtol=1e-15)
    assert sb.cross_entropy(z, [1]) == np.inf  # the true class was masked out: infinite loss
    assert_array_equal(sb.cross_entropy_grad(z, [0]), [[-0.5, 0.0, 0.5]])
    assert_allclose(sb.cross_entropy(z, [[0.5, 0.0, 0.5]]), np.log(2), rtol=1e-15)


def test_float32():
    Z = np.array([[3e38, -3e38], [0.5, 0.25]], dtype=np.float32)
    loss, grad = sb.cross_entropy_and_grad(Z, [0, 1])
    assert grad.dtype == np.float32 and np.isfinite(loss) and np.isfinite(grad).all()


@pytest.mark.parametrize("p, label, expected", [
    # The article's H = 0.479 for prediction [0.228, 0.619, 0.153], true class B: -ln 0.619.
    ([0.228, 0.619, 0.153], 1, 0.47965000629754),  # mpmath: -log(mpf("0.619"))
    ([0.5, 0.5], 0, 0.69314718055995),
])
def test_from_probs(p, label, expected):
    assert_allclose(sb.cross_entropy_from_probs(label, p), expected, rtol=1e-13)
    assert_allclose(sb.cross_entropy_from_probs([label], [p]), -np.log(p[label]), rtol=1e-15)


def test_from_probs_agrees_with_logits_route():
    rng = np.random.default_rng(4)
    Z, y = rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    assert_allclose(sb.cross_entropy_from_probs(y, sb.softmax(Z)), sb.cross_entropy(Z, y), rtol=1e-14)
    Y = sb.softmax(rng.normal(size=(5, 3)))
    assert_allclose(sb.cross_entropy_from_probs(Y, sb.softmax(Z)), sb.cross_entropy(Z, Y), rtol=1e-14)


def test_from_probs_zero_probability():
    assert sb.cross_entropy_from_probs(0, [0.0, 1.0]) == np.inf  # an impossible true class
    assert sb.cross_entropy_from_probs([[0.0, 1.0]], [[0.0, 1.0]]) == 0.0  # 0 log 0 is 0, not nan


def test_one_hot():
    assert_array_equal(sb.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert sb.one_hot(np.array([1]), 2).dtype == np.float64


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 6)), elements=st.floats(-20, 20)), st.data())
def test_gradient_rows_sum_to_zero_and_loss_is_nonnegative(Z, data):
    y = data.draw(arrays(np.int64, Z.shape[0], elements=st.integers(0, Z.shape[1] - 1)))
    loss, grad = sb.cross_entropy_and_grad(Z, y)
    assert loss >= 0
    assert_allclose(grad.sum(axis=1), 0, atol=1e-16 * Z.shape[1])
    assert_allclose(grad, sb.numerical_gradient(lambda z: sb.cross_entropy(z, y), Z), rtol=1e-5, atol=1e-8)


def test_one_hot_builds_only_its_result():
    # Bug story: np.eye(K)[labels] made the K x K identity first: one_hot([3], 200_000)
    # asked for 298 GiB. Now the peak is the (N, K) result itself.
    tracemalloc.start()
    try:
        Y = sb.one_hot([3, 0], 20_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert Y.shape == (2, 20_000) and Y.dtype == np.float64
    assert_array_equal(np.flatnonzero(Y), [3, 20_000])
    assert Y.sum() == 2.0
    assert peak < 2 * Y.nbytes + 100_000, peak
    assert sb.one_hot([], 3).shape == (0, 3)


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
@pytest.mark.parametrize("row", [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4], np.full(7, 1 / 7), [1 / 3] * 3])
def test_float16_probability_rows_are_accepted(row, dtype):
    # Bug story: float16 rows were promoted to float32 before the tolerance was chosen, so it
    # was float32's: the row [0.1, 0.2, 0.7], whose float16 entries sum to 1.00012, was
    # rejected. The tolerance is now that of the precision the rows were given in (bfloat16's
    # eps, 2^-7, from ml_dtypes: NumPy's finfo does not know it).
    p = np.asarray(row, dtype=dtype)
    expected = -np.log(p.astype(np.float64)[0])
    assert_allclose(sb.cross_entropy_from_probs(0, p), expected, rtol=1e-6)
    assert_allclose(sb.cross_entropy_from_probs(p, p), -np.sum(p * np.log(p.astype(np.float64))), rtol=1e-3)
    z = np.zeros(p.size)
    assert_allclose(sb.cross_entropy(z, p), np.log(p.size) * p.astype(np.float64).sum(), rtol=1e-6)
    # ... but a float16 row that is not a distribution still is not one
    with pytest.raises(ValueError, match="`y_pred` rows must sum to 1"):
        sb.cross_entropy_from_probs(0, (p.astype(np.float32) * 1.1).astype(dtype))


@pytest.mark.parametrize("dtype", [ml_dtypes.int4, ml_dtypes.bfloat16, ml_dtypes.float8_e5m2])
def test_labels_in_ml_dtypes_types_are_read_as_numbers(dtype):
    # float8_e5m2 is NumPy kind 'f' and the others kind 'V': each is read by its value
    assert_array_equal(sb.one_hot(np.array([1, 2], dtype), 3), sb.one_hot([1, 2], 3))
    with pytest.raises(ValueError, match=r"`labels` must be integers in \[0, 3\); got 3 at position 0"):
        sb.one_hot(np.array([3, 0], dtype), 3)


# --- label smoothing ----------------------------------------------------------------------

@pytest.mark.parametrize("k, alpha", [(1, 0.3), (2, 0.1), (4, 0.1), (10, 0.05), (10, 1.0), (7, 1e-12)])
def test_smoothed_labels_are_the_mixture_written_out(k, alpha):
    import mpmath

    labels = np.arange(12) % k
    Y = sb.smooth_labels(labels, k, alpha)
    with mpmath.workdps(40):
        on, off = (1 - mpmath.mpf(alpha)) + mpmath.mpf(alpha) / k, mpmath.mpf(alpha) / k
    want = np.where(np.arange(k) == labels[:, None], float(on), float(off))
    assert Y.dtype == np.float64 and Y.shape == (12, k)
    assert_allclose(Y, want, rtol=1e-15)
    assert_allclose(Y.sum(axis=1), 1.0, rtol=1e-15)


def test_smoothing_zero_is_one_hot_and_one_is_uniform():
    assert_array_equal(sb.smooth_labels([2, 0, 1], 3, 0), sb.one_hot([2, 0, 1], 3))
    assert_array_equal(sb.smooth_labels([2, 0, 1], 4, 1.0), np.full((3, 4), 0.25))


@pytest.mark.parametrize("k, alpha", [(3, 0.1), (10, 0.1), (10, 0.01)])
def test_smoothed_cross_entropy_is_smallest_at_the_finite_logit_gap(k, alpha):
    # Müller et al.: the minimiser has softmax(z) = Y^alpha, a gap log((1 - alpha + alpha/K) / (alpha/K)).
    # Checked with the loss written out in SciPy: its central-difference gradient vanishes
    # there, and moving any logit away from it raises the loss.
    y = sb.smooth_labels([0], k, alpha)[0]
    gap = np.log((1 - alpha + alpha / k) / (alpha / k))
    z = np.where(np.arange(k) == 0, gap, 0.0)

    def loss(v):
        return -np.sum(y * scipy.special.log_softmax(v))

    assert np.abs(sb.numerical_gradient(loss, z)).max() < 1e-9
    rng = np.random.default_rng(k)
    for _ in range(20):
        assert loss(z + 1e-3 * rng.normal(size=k)) > loss(z)
    assert_allclose(sb.cross_entropy(z, y), loss(z), rtol=1e-14)


@pytest.mark.parametrize("loss", [sb.cross_entropy, lambda z, t: sb.cross_entropy_and_grad(z, t)[0]])
@pytest.mark.parametrize("z, targets, dtype", [
    ([1e308, -1e308], 1, np.float64),              # the true loss, 2e308, is beyond the range
    ([3e38, -3e38], 1, np.float32),
    ([1e308, -1e308], [0.5, 0.5], np.float64),     # a soft target on that class
])
def test_a_loss_beyond_the_float_range_is_an_error_not_inf(loss, z, targets, dtype):
    with pytest.raises(ValueError, match=rf"the loss of row 0 is beyond {np.dtype(dtype).name}'s range"):
        loss(np.array(z, dtype=dtype), targets)


def test_losses_in_range_average_without_overflow():
    # each row's loss is 1e308; their sum is not in range, their mean is
    z = np.array([[0.0, -1e308], [0.0, -1e308]])
    assert sb.cross_entropy(z, [1, 1]) == 1e308
    assert sb.cross_entropy(np.array([0.0, -np.inf]), 1) == np.inf  # a masked true class: infinite, rightly
