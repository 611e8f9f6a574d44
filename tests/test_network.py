"""The MLP: layer gradients by central differences, and training that actually learns."""

from collections import UserDict
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb
import softmaxbook.network


def test_dense_backward_matches_central_differences():
    rng = np.random.default_rng(0)
    x, W, b, dout = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 2))
    dx, dW, db = sb.dense_backward(dout, x, W)
    loss = lambda x, W, b: float(np.sum(sb.dense_forward(x, W, b) * dout))  # noqa: E731
    assert sb.relative_error(dx, sb.numerical_gradient(lambda v: loss(v, W, b), x)) < 1e-8
    assert sb.relative_error(dW, sb.numerical_gradient(lambda v: loss(x, v, b), W)) < 1e-8
    assert sb.relative_error(db, sb.numerical_gradient(lambda v: loss(x, W, v), b)) < 1e-8


def test_relu_backward():
    x = np.array([-1.0, 0.5, 2.0])
    assert_array_equal(sb.relu(x), [0.0, 0.5, 2.0])
    assert_array_equal(sb.relu_backward(np.ones(3), x), [0.0, 1.0, 1.0])


@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_full_backward_pass_matches_central_differences(name):
    X, y = sb.make_spirals(n_per_class=5, n_classes=3, seed=1)
    params = sb.init_mlp(2, 6, 3, seed=1)
    params["W2"] *= 100  # away from the near-uniform start, so every gradient is sizeable
    _, grads = sb.mlp_loss_and_grads(params, X, y)

    def loss_at(value):
        return sb.mlp_loss_and_grads({**params, name: value}, X, y)[0]

    numeric = sb.numerical_gradient(loss_at, params[name])
    assert sb.relative_error(grads[name], numeric) < 1e-7


def test_sgd_step_moves_against_the_gradient():
    params = {"w": np.array([1.0, -1.0])}
    sb.sgd_step(params, {"w": np.array([0.5, -0.5])}, lr=0.1)
    assert_allclose(params["w"], [0.95, -0.95], rtol=1e-15)


def test_training_learns_the_spirals():
    X, y = sb.make_spirals(n_per_class=100, n_classes=3, seed=0)
    params, history = sb.train_mlp(X, y, n_hidden=64, lr=1.0, epochs=1500, seed=0)
    assert_allclose(history[0], np.log(3), rtol=0.02)  # a near-uniform start
    assert history[-1] < 0.3 * history[0]
    accuracy = np.mean(sb.predict(params, X) == y)
    assert accuracy >= 0.9, accuracy


def test_training_is_deterministic():
    X, y = sb.make_spirals(n_per_class=20, n_classes=3, seed=0)
    a = sb.train_mlp(X, y, n_hidden=8, epochs=20, seed=3)
    b = sb.train_mlp(X, y, n_hidden=8, epochs=20, seed=3)
    assert_array_equal(a[1], b[1])


def test_different_seeds_give_different_networks():
    # so that test_training_is_deterministic would notice a seed that is ignored
    a, b = sb.init_mlp(2, 8, 3, seed=0), sb.init_mlp(2, 8, 3, seed=1)
    assert not np.array_equal(a["W1"], b["W1"])
    assert_array_equal(sb.init_mlp(2, 8, 3, seed=np.int64(1))["W1"], b["W1"])


def test_init_scales():
    params = sb.init_mlp(50, 400, 3, seed=0)
    assert_allclose(params["W1"].std(), np.sqrt(2 / 50), rtol=0.05)  # He scale
    assert_allclose(params["W2"].std(), 0.01 * np.sqrt(2 / 400), rtol=0.1)
    assert_array_equal(params["b1"], 0)
    assert_array_equal(params["b2"], 0)


def test_forward_backward_and_predict_against_numpy_and_central_differences():
    # Each public route against one that does not go through the package's private helpers
    # (_forward, _backward, _loss): the network and its mean cross-entropy written out in
    # NumPy, and their gradients by central differences of those NumPy functions.
    X, y = sb.make_spirals(n_per_class=6, n_classes=3, seed=2)
    rng = np.random.default_rng(2)
    params = sb.init_mlp(2, 5, 3, seed=2)
    params["W2"] *= 50
    params["b1"] = rng.normal(0, 0.5, 5)  # b1 = 0 puts the spirals' centre (X = 0) on relu's kink
    G = rng.normal(size=(X.shape[0], 3))  # an upstream gradient for mlp_backward

    def logits_of(p):
        return np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def mean_nll(Z):
        m = Z.max(axis=1)
        return np.mean(m + np.log(np.exp(Z - m[:, None]).sum(axis=1)) - Z[np.arange(y.size), y])

    logits, cache = sb.mlp_forward(params, X)
    assert_allclose(logits, logits_of(params), rtol=1e-14)
    loss, grads = sb.mlp_loss_and_grads(params, X, y)
    assert_allclose(loss, mean_nll(logits_of(params)), rtol=1e-14)
    backward = sb.mlp_backward(params, cache, G)
    for name in params:
        def moved(v, name=name):
            return logits_of({**params, name: v})

        numeric_loss = sb.numerical_gradient(lambda v: mean_nll(moved(v)), params[name])
        numeric_G = sb.numerical_gradient(lambda v: np.sum(moved(v) * G), params[name])
        assert sb.relative_error(grads[name], numeric_loss) < 1e-7, name
        assert sb.relative_error(backward[name], numeric_G) < 1e-7, name
    assert_array_equal(sb.predict(params, X), np.argmax(logits_of(params), axis=1))


def test_layers_on_integer_input_compute_in_float64():
    out = sb.dense_forward(np.array([[1, 2]]), np.array([[1], [1]]), np.array([1]))
    assert out.dtype == np.float64 and out[0, 0] == 4.0
    assert sb.relu(np.array([-1, 2])).dtype == np.float64
    assert sb.relu(np.array([-1, 2], np.float32)).dtype == np.float32


def test_sgd_step_updates_only_the_given_keys_in_place():
    w, v = np.array([1.0, 2.0]), np.array([3.0])
    params = {"w": w, "v": v}
    sb.sgd_step(params, {"w": [1.0, 1.0]}, lr=0.5)
    assert params["w"] is w  # the same array, changed in place
    assert_array_equal(w, [0.5, 1.5])
    assert_array_equal(v, [3.0])


def test_train_mlp_is_the_loop_of_the_book():
    # full batch (the default): train_mlp = init_mlp, then mlp_loss_and_grads + sgd_step, one step an epoch
    X, y = sb.make_spirals(n_per_class=10, n_classes=3, seed=4)
    params, history = sb.train_mlp(X, y, n_hidden=6, lr=0.7, epochs=25, seed=5)
    p = sb.init_mlp(2, 6, 3, seed=5)
    expected = []
    for _ in range(25):
        loss, grads = sb.mlp_loss_and_grads(p, X, y)
        expected.append(loss)
        sb.sgd_step(p, grads, 0.7)
    assert_array_equal(history, expected)
    for name in p:
        assert_array_equal(params[name], p[name])


def test_batch_size_n_or_more_is_full_batch_gradient_descent():
    # one batch of all N rows in a shuffled order: the same sums, added in another order
    X, y = sb.make_spirals(n_per_class=10, n_classes=3, seed=4)
    params, history = sb.train_mlp(X, y, n_hidden=6, lr=0.7, epochs=25, seed=5)
    for batch_size in (30, 31, 1000):
        p, h = sb.train_mlp(X, y, n_hidden=6, lr=0.7, epochs=25, seed=5, batch_size=batch_size)
        assert_allclose(h, history, rtol=1e-12)
        for name in params:
            assert_allclose(p[name], params[name], rtol=1e-10, atol=1e-13)


def test_minibatch_train_mlp_is_a_hand_written_sgd_loop():
    # the reference draws its own permutations and slices them, and updates without sgd_step:
    # one generator seeded once draws the weights and then one order of the rows per epoch
    X, y = sb.make_spirals(n_per_class=7, n_classes=3, seed=2)
    params, history = sb.train_mlp(X, y, n_hidden=5, lr=0.4, epochs=6, seed=9, batch_size=4)
    rng = np.random.default_rng(9)
    p = sb.init_mlp(2, 5, 3, seed=rng)
    expected = []
    for _ in range(6):
        expected.append(sb.mlp_loss_and_grads(p, X, y)[0])
        order = rng.permutation(21)
        for start in range(0, 21, 4):
            rows = order[start:start + 4]
            grads = sb.mlp_loss_and_grads(p, X[rows], y[rows])[1]
            p = {name: p[name] - 0.4 * grads[name] for name in p}
    assert_allclose(history, expected, rtol=1e-13)
    for name in p:
        assert_allclose(params[name], p[name], rtol=1e-12, atol=1e-15)


def test_minibatch_history_is_the_whole_sets_loss_before_each_epoch():
    X, y = sb.make_spirals(n_per_class=10, n_classes=3, seed=1)
    _, history = sb.train_mlp(X, y, n_hidden=8, epochs=4, seed=0, batch_size=7)
    for epochs in range(4):
        params, _ = sb.train_mlp(X, y, n_hidden=8, epochs=epochs, seed=0, batch_size=7)
        assert_allclose(history[epochs], sb.cross_entropy(sb.mlp_forward(params, X)[0], y), rtol=1e-14)


@pytest.mark.parametrize("n, batch_size", [(30, 1), (30, 7), (30, 10), (30, 29), (30, 30), (30, 64), (1, 1)])
def test_steps_per_epoch_are_ceil_n_over_b(monkeypatch, n, batch_size):
    # count the updates and the rows each gradient saw, by wrapping the module's own helpers
    steps, rows = [], []
    sgd, loss_and_grads = softmaxbook.network._sgd, softmaxbook.network._loss_and_grads
    monkeypatch.setattr(softmaxbook.network, "_sgd", lambda *a: (steps.append(1), sgd(*a)))
    monkeypatch.setattr(softmaxbook.network, "_loss_and_grads",
                        lambda p, X, y: (rows.append(X.shape[0]), loss_and_grads(p, X, y))[1])
    X, y = sb.make_spirals(n_per_class=15, n_classes=2, seed=0)
    sb.train_mlp(X[:n], y[:n], n_hidden=3, epochs=3, seed=0, batch_size=batch_size)
    per_epoch = n // batch_size + (n % batch_size > 0)  # ceil(n / B) by integer arithmetic
    assert len(steps) == 3 * per_epoch
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert rows == 3 * sizes  # every row once per epoch; only the last batch is short


def test_full_batch_takes_one_step_an_epoch_on_all_rows(monkeypatch):
    steps = []
    sgd = softmaxbook.network._sgd
    monkeypatch.setattr(softmaxbook.network, "_sgd", lambda *a: (steps.append(1), sgd(*a)))
    X, y = sb.make_spirals(n_per_class=5, n_classes=3, seed=0)
    sb.train_mlp(X, y, n_hidden=3, epochs=4)
    assert len(steps) == 4


def test_minibatch_training_is_deterministic_and_learns_the_spirals():
    X, y = sb.make_spirals(n_per_class=100, n_classes=3, seed=0)
    params, history = sb.train_mlp(X, y, n_hidden=64, lr=1.0, epochs=150, seed=0, batch_size=30)
    again, history_again = sb.train_mlp(X, y, n_hidden=64, lr=1.0, epochs=150, seed=0, batch_size=30)
    assert_array_equal(history_again, history)
    for name in params:
        assert_array_equal(again[name], params[name])
    assert np.mean(sb.predict(params, X) == y) >= 0.95
    assert history[-1] < 0.1 * history[0]
    # another seed: other weights and another order of the batches
    _, other = sb.train_mlp(X, y, n_hidden=64, lr=1.0, epochs=3, seed=1, batch_size=30)
    assert not np.array_equal(other, history[:3])


@pytest.mark.parametrize("batch_size, error, message", [
    (0, ValueError, r"^`batch_size` must be an integer >= 1; got 0$"),
    (-3, ValueError, r"^`batch_size` must be an integer >= 1; got -3$"),
    (True, TypeError, r"^`batch_size` must be an integer; got True$"),
    ("8", TypeError, r"^`batch_size` must be an integer; got '8'$"),
])
def test_batch_size_must_be_none_or_a_positive_integer(batch_size, error, message):
    with pytest.raises(error, match=message):
        sb.train_mlp(np.eye(2), [0, 1], epochs=1, batch_size=batch_size)
    sb.train_mlp(np.eye(2), [0, 1], n_hidden=2, epochs=1, batch_size=np.int64(1))  # a NumPy integer is fine


def test_train_mlp_infers_the_classes_from_the_largest_label():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    params, history = sb.train_mlp(X, [0.0, 3.0, 3.0], n_hidden=4, epochs=3)  # integral floats are labels
    assert params["W2"].shape == (4, 4) and history.shape == (3,)
    params, history = sb.train_mlp(X, [0, 1, 1], epochs=0)
    assert history.shape == (0,)
    assert_array_equal(params["W1"], sb.init_mlp(2, 64, 2)["W1"])


class _ReadOnly(Mapping):
    """A read-only mapping that is not a dict, as a user's own container might be."""

    def __init__(self, d):
        self._d = d

    def __getitem__(self, key):
        return self._d[key]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)


def _as_npz(params, folder):
    np.savez(folder / "params.npz", **params)
    return np.load(folder / "params.npz")


@pytest.mark.parametrize("wrap", [MappingProxyType, _ReadOnly, _as_npz])
def test_params_may_be_any_read_only_mapping(wrap, tmp_path):
    # Bug story: the network's functions once demanded a dict, so np.load("params.npz") (an
    # NpzFile) and a MappingProxyType, both read-only mappings, were refused.
    X, y = sb.make_spirals(n_per_class=4, n_classes=3, seed=0)
    params = sb.init_mlp(2, 5, 3, seed=0)
    frozen = wrap(params, tmp_path) if wrap is _as_npz else wrap(params)
    logits, cache = sb.mlp_forward(params, X)
    got_logits, got_cache = sb.mlp_forward(frozen, X)
    assert_array_equal(got_logits, logits)
    loss, grads = sb.mlp_loss_and_grads(params, X, y)
    got_loss, got_grads = sb.mlp_loss_and_grads(frozen, X, y)
    assert got_loss == loss
    dlogits = sb.cross_entropy_grad(logits, y)
    for name in params:
        assert_array_equal(got_grads[name], grads[name])
        assert_array_equal(sb.mlp_backward(frozen, got_cache, dlogits)[name], grads[name])
    assert_array_equal(sb.predict(frozen, X), sb.predict(params, X))


def test_sgd_step_needs_a_mutable_mapping_but_grads_may_be_read_only():
    params = UserDict({"w": np.array([1.0, -1.0])})  # a MutableMapping that is not a dict
    sb.sgd_step(params, MappingProxyType({"w": np.array([0.5, -0.5])}), lr=0.1)
    assert_allclose(params["w"], [0.95, -0.95], rtol=1e-15)
    with pytest.raises(TypeError, match=r"^`params` must be a mutable mapping \(e.g. a dict\) of float arrays, "
                                        r"updated in place; got mappingproxy$"):
        sb.sgd_step(MappingProxyType({"w": np.ones(2)}), {"w": np.ones(2)}, lr=0.1)


@pytest.mark.parametrize("seed", [None, 0, np.uint8(3), 2**70])
def test_init_mlp_seeds(seed):
    params = sb.init_mlp(2, 3, 2, seed=seed)
    assert params["W1"].shape == (2, 3)
    if seed is not None:
        assert_array_equal(params["W1"], np.random.default_rng(seed).normal(0, 1, (2, 3)))


def test_init_mlp_takes_a_generator():
    # Bug story: init_mlp(..., seed=np.random.default_rng(0)), a valid call, was refused as
    # "`seed` must be an integer". A Generator is used as it is (and so advanced).
    rng = np.random.default_rng(0)
    assert_array_equal(sb.init_mlp(2, 8, 3, seed=rng)["W1"], sb.init_mlp(2, 8, 3, seed=0)["W1"])
    assert not np.array_equal(sb.init_mlp(2, 8, 3, seed=rng)["W1"], sb.init_mlp(2, 8, 3, seed=0)["W1"])
    params, _ = sb.train_mlp(np.eye(2), [0, 1], n_hidden=3, epochs=0, seed=np.random.default_rng(4))
    assert_array_equal(params["W1"], sb.init_mlp(2, 3, 2, seed=4)["W1"])


def test_relu_of_infinities():
    # Bug story: relu and relu_backward rejected ±inf, though no nan can arise from them.
    x = np.array([-np.inf, -1.0, 0.0, 2.0, np.inf])
    assert_array_equal(sb.relu(x), [0.0, 0.0, 0.0, 2.0, np.inf])
    assert_array_equal(sb.relu_backward(np.ones(5), x), [0.0, 0.0, 0.0, 1.0, 1.0])
    # an infinite upstream gradient is passed or blocked, never multiplied by 0 into nan
    assert_array_equal(sb.relu_backward([np.inf, -np.inf, np.inf], [-1.0, 1.0, 2.0]), [0.0, -np.inf, np.inf])
    for f in (lambda v: sb.relu(v), lambda v: sb.relu_backward(np.ones(2), v)):
        with pytest.raises(ValueError, match=r"^`x` must not contain nan$"):
            f([np.nan, 1.0])
    with pytest.raises(ValueError, match=r"^`dout` must not contain nan$"):
        sb.relu_backward([np.nan, 1.0], [1.0, 1.0])
