"""Seeded data: the spirals' shape, balance and reproducibility; mini-batches that cover
every index once."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
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


# --- minibatches -----------------------------------------------------------------------------

@given(n=st.integers(1, 300), batch_size=st.integers(1, 400), seed=st.integers(0, 2**32 - 1))
def test_minibatches_cover_every_index_once(n, batch_size, seed):
    batches = list(sb.minibatches(n, batch_size, np.random.default_rng(seed)))
    sizes = [batch.size for batch in batches]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else []), sizes
    assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    assert all(batch.dtype.kind == "i" for batch in batches)


def test_minibatches_are_seeded_and_shuffled():
    def order(rng):
        return np.concatenate(list(sb.minibatches(100, 16, rng)))

    assert_array_equal(order(np.random.default_rng(5)), order(np.random.default_rng(5)))
    assert not np.array_equal(order(np.random.default_rng(5)), order(np.random.default_rng(6)))
    assert not np.array_equal(order(np.random.default_rng(5)), np.arange(100))  # shuffled at all
    rng = np.random.default_rng(5)
    assert not np.array_equal(order(rng), order(rng))  # a fresh permutation on every call


@pytest.mark.parametrize("args, error, message", [
    ((0, 4, np.random.default_rng(0)), ValueError, r"^`n` must be an integer >= 1; got 0$"),
    ((10.0, 4, np.random.default_rng(0)), TypeError, r"^`n` must be an integer; got 10.0$"),
    ((10, 0, np.random.default_rng(0)), ValueError, r"^`batch_size` must be an integer >= 1; got 0$"),
    ((10, True, np.random.default_rng(0)), TypeError, r"^`batch_size` must be an integer; got True$"),
    ((10, 4, 0), TypeError, r"^`rng` must be a numpy Generator, e.g. np.random.default_rng\(0\); got int$"),
    ((10, 4, np.random.RandomState(0)), TypeError, r"^`rng` must be a numpy Generator.*; got RandomState$"),
])
def test_minibatches_bad_input(args, error, message):
    # refused at the call, not at the first batch
    with pytest.raises(error, match=message):
        sb.minibatches(*args)
