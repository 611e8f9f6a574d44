"""Tiled attention: the naive route, an mpmath reference, the causal mask, and its memory."""

import tracemalloc

import ml_dtypes
import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb


def naive_attention(Q, K, V, causal=False):
    """softmax(Q K^T / sqrt(d)) V with all n x m scores held, through the package's softmax."""
    S = Q @ K.T / np.sqrt(Q.shape[1])
    if causal:
        S[np.triu_indices_from(S, 1)] = -np.inf
    return sb.softmax(S) @ V


def mpmath_attention(Q, K, V, causal=False, dps=50):
    with mpmath.workdps(dps):
        out = []
        for i, q in enumerate(Q):
            keys = range(i + 1) if causal else range(len(K))
            s = [mpmath.fsum(mpmath.mpf(float(a)) * mpmath.mpf(float(b)) for a, b in zip(q, K[j], strict=True))
                 / mpmath.sqrt(Q.shape[1]) for j in keys]
            top = max(s)
            w = [mpmath.exp(v - top) for v in s]
            total = mpmath.fsum(w)
            out.append([float(mpmath.fsum(w[j] * mpmath.mpf(float(V[j, c])) for j in keys) / total)
                        for c in range(V.shape[1])])
        return np.array(out)


def data(n, m, d, d_v, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.normal(size=(n, d)), scale * rng.normal(size=(m, d)), rng.normal(size=(m, d_v))


@pytest.mark.parametrize("n, m, block_size", [(1, 1, 64), (7, 5, 1), (13, 29, 4), (33, 31, 8), (20, 20, 64)])
@pytest.mark.parametrize("causal", [False, True])
def test_matches_the_naive_route(n, m, block_size, causal):
    if causal:
        m = n
    Q, K, V = data(n, m, 6, 3, seed=n + m)
    # errors of a few ulps of the largest |v|: the output is a weighted mean of V's rows
    assert_allclose(sb.tiled_attention(Q, K, V, block_size, causal), naive_attention(Q, K, V, causal),
                    rtol=1e-13, atol=1e-14 * np.abs(V).max())


@pytest.mark.parametrize("causal", [False, True])
def test_matches_mpmath_with_scores_beyond_exp_range(causal):
    # scores up to ~2000: e^score overflows float64, so only a shifted softmax gets these
    Q, K, V = data(5, 5, 3, 2, seed=7, scale=30.0)
    ref = mpmath_attention(Q, K, V, causal)
    for block_size in (1, 2, 5):
        assert_allclose(sb.tiled_attention(Q, K, V, block_size, causal), ref, rtol=1e-13, atol=1e-14)


def test_causal_rows_see_only_the_past():
    Q, K, V = data(6, 6, 2, 1, seed=3)
    out = sb.tiled_attention(Q, K, V, block_size=4, causal=True)
    assert out[0, 0] == V[0, 0]  # the first query sees only the first key
    V2 = V.copy()
    V2[4:] = 1e6  # changing the future of rows 0..3 changes nothing there
    assert_array_equal(sb.tiled_attention(Q, K, V2, block_size=4, causal=True)[:4], out[:4])


def test_float32_stays_float32_and_bfloat16_is_computed_in_float32():
    Q, K, V = data(9, 11, 4, 2, seed=5)
    ref = naive_attention(Q, K, V)
    out32 = sb.tiled_attention(*(a.astype(np.float32) for a in (Q, K, V)), block_size=4)
    assert out32.dtype == np.float32
    assert_allclose(out32, ref, rtol=1e-5, atol=1e-6)
    low = [a.astype(ml_dtypes.bfloat16) for a in (Q, K, V)]
    out = sb.tiled_attention(*low, block_size=4)
    assert out.dtype == np.float32
    assert_allclose(out, naive_attention(*(a.astype(np.float64) for a in low)), rtol=1e-5, atol=1e-6)


def peak_bytes(f, *args, **kwargs):
    """The peak of memory allocated while f runs (tracemalloc sees NumPy's buffers)."""
    tracemalloc.start()
    try:
        f(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_with_the_tile_not_with_n_times_m():
    d_v = 4
    small, large = data(128, 128, 4, d_v), data(512, 512, 4, d_v)
    # n and m x4 (the scores x16: 2 MB at 512 in float64): only the output and Q grow, by n d_v
    growth = peak_bytes(sb.tiled_attention, *large, block_size=32) - peak_bytes(sb.tiled_attention, *small,
                                                                                 block_size=32)
    assert growth < 4 * (512 - 128) * d_v * 8, growth
    # the naive route grows with the scores: it fails the same check
    naive_growth = peak_bytes(naive_attention, *large) - peak_bytes(naive_attention, *small)
    assert naive_growth > 512 * 512 * 8, naive_growth
    # a tile of 128 x 128 scores (131 kB) is held at once; one of 32 x 32 is 8 kB
    assert peak_bytes(sb.tiled_attention, *large, block_size=128) > 128 * 128 * 8
    assert peak_bytes(sb.tiled_attention, *large, block_size=32) < 128 * 128 * 8


def test_causal_needs_one_key_per_query():
    Q, K, V = data(3, 4, 2, 2)
    with pytest.raises(ValueError, match=r"`causal` attention needs one key per query \(n == m\); got n = 3, m = 4"):
        sb.tiled_attention(Q, K, V, causal=True)


@pytest.mark.parametrize("Q, K", [
    (np.full((2, 1), 1e200), np.full((2, 1), 1e200)),       # the scores themselves: 1e400
    (np.full((1, 2), 1e200), np.array([[1e200, -1e200]])),  # a score of 0 whose partial sums are ±1e400
], ids=["score", "partial-sum"])
def test_scores_beyond_the_float_range_are_an_error_not_nan(Q, K):
    V = np.ones((K.shape[0], 1))
    with pytest.raises(ValueError, match=r"`Q` @ `K`.T overflows float64: a score, or a partial sum"):
        sb.tiled_attention(Q, K, V)


@pytest.mark.parametrize("block_size", [1, 2])
def test_scores_near_the_float_range_whose_differences_overflow(block_size):
    # scores ±1.4e308: finite, but their difference is beyond the range; the far key gets weight 0
    Q = np.array([[1e154, 1e154]])
    K = np.array([[-1e154, -1e154], [1e154, 1e154]])
    V = np.array([[5.0, -1.0], [2.0, 3.0]])
    assert_allclose(sb.tiled_attention(Q, K, V, block_size), [[2.0, 3.0]], rtol=1e-15)


@pytest.mark.parametrize("block_size", [1, 2, 3])
def test_values_near_the_float_range_give_their_weighted_mean(block_size):
    # equal scores: each output is the mean of V's rows, in range; their plain sum is not
    V = np.array([[1e308, -3e307], [1e308, 1.0], [-1e308, 6e307]])
    out = sb.tiled_attention(np.zeros((2, 1)), np.zeros((3, 1)), V, block_size)
    assert_allclose(out, [[1e308 / 3, 1e307]] * 2, rtol=1e-15)
