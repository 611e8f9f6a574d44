"""Seeded spirals: shape, balance, reproducibility."""

import numpy as np
from numpy.testing import assert_array_equal

import softmaxbook as sb


def test_shape_and_balance():
    X, y = sb.make_spirals(n_per_class=30, n_classes=4, seed=0)
    assert X.shape == (120, 2) and y.shape == (120,)
    assert_array_equal(np.bincount(y), [30] * 4)
    assert (np.hypot(X[:, 0], X[:, 1]) <= 1 + 1e-12).all()


def test_seeded():
    a, b, c = (sb.make_spirals(seed=s)[0] for s in (0, 0, 1))
    assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_not_linearly_separable():
    # The best linear softmax classifier (trained to convergence) stays far from perfect.
    X, y = sb.make_spirals(n_per_class=100, n_classes=3, seed=0)
    W, b = np.zeros((2, 3)), np.zeros(3)
    for _ in range(500):
        _, g = sb.cross_entropy_and_grad(X @ W + b, y)
        W -= 1.0 * X.T @ g
        b -= 1.0 * g.sum(axis=0)
    assert np.mean(np.argmax(X @ W + b, axis=1) == y) < 0.7


def test_noise_free_spirals_do_not_depend_on_the_seed():
    a, ya = sb.make_spirals(n_per_class=4, n_classes=2, noise=0.0, seed=0)
    b, yb = sb.make_spirals(n_per_class=4, n_classes=2, noise=0, seed=None)
    assert_array_equal(a, b)
    assert_array_equal(ya, [0, 0, 0, 0, 1, 1, 1, 1])
    # point i of class k: radius i/(n-1), angle 4(k + r)
    r, theta = 2 / 3, 4 * (1 + 2 / 3)
    np.testing.assert_allclose(a[6], [r * np.sin(theta), r * np.cos(theta)], rtol=1e-15)


def test_numpy_integers_are_accepted():
    X, y = sb.make_spirals(n_per_class=np.int64(3), n_classes=np.int32(2), noise=np.float32(0.1))
    assert X.shape == (6, 2) and y.shape == (6,)


def test_seed_may_be_a_generator():
    # Bug story: make_spirals(..., seed=np.random.default_rng(0)), a valid call, was refused
    # as "`seed` must be an integer". A Generator is used as it is (and so advanced).
    rng = np.random.default_rng(0)
    assert_array_equal(sb.make_spirals(5, 2, seed=rng)[0], sb.make_spirals(5, 2, seed=0)[0])
    assert not np.array_equal(sb.make_spirals(5, 2, seed=rng)[0], sb.make_spirals(5, 2, seed=0)[0])
    assert sb.make_spirals(5, 2, seed=None)[0].shape == (10, 2)
