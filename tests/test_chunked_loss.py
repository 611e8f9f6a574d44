"""The chunked cross-entropy: the full route, central differences, float32, and its memory."""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from threadpoolctl import threadpool_limits

import softmaxbook as sb


def full_route(H, W, y):
    """Loss, dH and dW with the N x K logits formed whole."""
    loss, G = sb.cross_entropy_and_grad(H @ W, y)
    return loss, G @ W.T, H.T @ G


def data(n, d, k, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.normal(size=(n, d)), scale * rng.normal(size=(d, k)), rng.integers(0, k, n)


@pytest.mark.parametrize("n, d, k", [(1, 1, 1), (5, 3, 17), (16, 8, 100)])
@pytest.mark.parametrize("chunk_size", [1, 7, 32, 1024])
def test_matches_the_full_route(n, d, k, chunk_size):
    H, W, y = data(n, d, k, seed=k, scale=3.0)  # logits up to ~100: e^z far from 1
    loss, dH, dW = sb.chunked_cross_entropy(H, W, y, chunk_size)
    ref_loss, ref_dH, ref_dW = full_route(H, W, y)
    assert_allclose(loss, ref_loss, rtol=1e-13)
    assert_allclose(dH, ref_dH, rtol=1e-12, atol=1e-15 * np.abs(W).max())
    assert_allclose(dW, ref_dW, rtol=1e-12, atol=1e-15 * np.abs(H).max())


def test_gradients_are_central_differences():
    H, W, y = data(4, 3, 9, seed=1)
    loss, dH, dW = sb.chunked_cross_entropy(H, W, y, chunk_size=4)
    assert_allclose(dH, sb.numerical_gradient(lambda h: sb.chunked_cross_entropy(h, W, y, 4)[0], H),
                    rtol=1e-6, atol=1e-10)
    assert_allclose(dW, sb.numerical_gradient(lambda w: sb.chunked_cross_entropy(H, w, y, 4)[0], W),
                    rtol=1e-6, atol=1e-10)


def test_float32_stays_float32():
    H, W, y = data(8, 4, 50, seed=2, scale=2.0)
    loss, dH, dW = sb.chunked_cross_entropy(H.astype(np.float32), W.astype(np.float32), y, chunk_size=16)
    assert dH.dtype == dW.dtype == np.float32 and isinstance(loss, float)
    H32, W32 = H.astype(np.float32).astype(np.float64), W.astype(np.float32).astype(np.float64)
    ref_loss, ref_dH, ref_dW = full_route(H32, W32, y)  # the same inputs, in float64
    assert_allclose(loss, ref_loss, rtol=1e-5)
    assert_allclose(dH, ref_dH, rtol=1e-4, atol=1e-6)
    assert_allclose(dW, ref_dW, rtol=1e-4, atol=1e-6)


def test_probabilities_stay_normalised_when_the_logits_are_huge():
    # logits [1e17, 1e17]: logsumexp = 1e17 + log 2 rounds to 1e17, so e^(z - logsumexp)
    # would give probabilities (1, 1); e^(z - max - log d) gives (1/2, 1/2).
    loss, dH, dW = sb.chunked_cross_entropy([[1e17]], [[1.0, 1.0]], [0], chunk_size=1)
    assert loss == np.log(2.0)
    assert_array_equal(dW, [[-0.5e17, 0.5e17]])
    assert_array_equal(dH, [[0.0]])


def peak_bytes(f, *args):
    tracemalloc.start()
    try:
        f(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_stays_near_the_size_of_dW():
    H, W, y = data(64, 16, 20_000, seed=3)
    dW_bytes = W.nbytes  # 2.6 MB; the logits would take 10 MB
    # One BLAS thread: on a loaded machine each of the 60 small products otherwise waits for a
    # second thread (0.3 s becomes 5 s here); the memory is the same.
    with threadpool_limits(1, user_api="blas"):
        assert peak_bytes(sb.chunked_cross_entropy, H, W, y, 1024) < 1.5 * dW_bytes
        assert peak_bytes(full_route, H, W, y) > 4 * dW_bytes  # the same check fails for the full route


def test_logits_beyond_the_float_range_are_an_error_not_nan():
    with pytest.raises(ValueError, match=r"the logits `H` @ `W` overflow float64"):
        sb.chunked_cross_entropy([[1e200]], [[1e200, 0.0]], [1])


def test_targets_must_name_a_class_of_the_vocabulary():
    H, W, _ = data(2, 3, 5)
    with pytest.raises(ValueError, match=r"`targets` must be integers in \[0, 5\); got 5 at position 1"):
        sb.chunked_cross_entropy(H, W, [0, 5])


@pytest.mark.parametrize("H, W, targets, chunk_size", [
    ([[1e200, 1e200]], [[1e200, 1.0], [-1e200, 1.0]], [1], 1),  # inf - inf: a nan logit in the first chunk
    ([[1e200, 1.0]], [[-1e200, 0.0], [0.0, 1.0]], [0], 1024),   # the target's logit overflows to -inf
])
def test_logits_beyond_the_range_in_any_chunk_are_an_error_not_nan(H, W, targets, chunk_size):
    with pytest.raises(ValueError, match=r"the logits `H` @ `W` overflow float64"):
        sb.chunked_cross_entropy(H, W, targets, chunk_size=chunk_size)


def test_gradients_in_range_stay_in_range():
    # dH = G W^T / N is 1e308 here: summed before dividing by N, it overflowed
    H, W = np.full((2, 1), 1e-300), np.array([[1e308, -1e308]])
    _, dH, dW = sb.chunked_cross_entropy(H, W, [1, 1])
    _, G = sb.cross_entropy_and_grad(H @ W, np.array([1, 1]))
    assert_allclose(dH, G @ W.T, rtol=1e-15)
    assert_allclose(dW, H.T @ G, rtol=1e-15)


def test_a_loss_beyond_the_range_is_an_error_and_a_mean_in_range_is_kept():
    assert sb.chunked_cross_entropy([[1.0], [1.0]], [[0.0, -1e308]], [1, 1])[0] == 1e308
    with pytest.raises(ValueError, match=r"the loss of row 0 is beyond float64's range"):
        sb.chunked_cross_entropy([[1.0]], [[1e308, -1e308]], [1])
