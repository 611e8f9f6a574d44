"""The MLP: layer gradients by central differences, and training that actually learns."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb


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
