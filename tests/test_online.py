"""The online normaliser: mpmath references over uneven chunks, and the merge in any order."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import softmaxbook as sb

RTOL = 1e-13


def split_unevenly(z, rng):
    """z in random chunks, some empty, in order: the pieces concatenate back to z."""
    cuts = np.sort(rng.integers(0, z.size + 1, size=rng.integers(0, 5)))
    return np.split(z, cuts)


def condition(z, s, ref):
    """The relative condition number of logsumexp at z, sum |z_i| s_i / |lse| (s: the softmax), at least 1.

    Where max(z) and the log of the sum nearly cancel, the problem itself is ill-conditioned
    (as in test_activations); elsewhere the full 1e-13 holds."""
    finite = np.isfinite(z)
    return max(1.0, float(np.sum(np.abs(z[finite]) * s[finite]) / abs(ref)))


def random_tree_merge(parts, rng):
    """Merge the partial states pairwise, picking two at random each time: any order, any grouping."""
    parts = list(parts)
    while len(parts) > 1:
        i, j = sorted(rng.choice(len(parts), 2, replace=False))
        b, a = parts.pop(j), parts.pop(i)
        parts.append(sb.merge_partial_logsumexp(a, b))
    return parts[0]


def test_matches_mpmath_over_uneven_and_empty_chunks(references):
    rng = np.random.default_rng(0)
    for z, s, _, ref in references:
        chunks = split_unevenly(z, rng)
        assert_allclose(sb.online_logsumexp(chunks), ref, rtol=RTOL * condition(z, s, ref), atol=0, err_msg=str(chunks))
        one_by_one = [z[i:i + 1] for i in range(z.size)]  # every merge is a rescale
        assert_allclose(sb.online_logsumexp(one_by_one), ref, rtol=RTOL * condition(z, s, ref), atol=0)


def test_partials_merged_in_shuffled_order_and_grouping(references):
    rng = np.random.default_rng(1)
    for z, s, _, ref in references:
        parts = [sb.partial_logsumexp(c) for c in split_unevenly(z, rng) + [z[:0]]]
        rng.shuffle(parts)
        p = random_tree_merge(parts, rng)
        assert_allclose(p.max + np.log1p(p.rest), ref, rtol=RTOL * condition(z, s, ref), atol=0, err_msg=str(z))


def test_the_merge_is_commutative_exactly_and_has_the_empty_state_as_identity():
    rng = np.random.default_rng(2)
    empty = sb.partial_logsumexp([])
    assert empty == (-np.inf, 0.0) == sb.partial_logsumexp([-np.inf, -np.inf])
    for _ in range(200):
        # ties included: small integers repeat
        a, b = (sb.partial_logsumexp(rng.integers(-3, 3, size=rng.integers(1, 5)).astype(float)) for _ in "ab")
        assert sb.merge_partial_logsumexp(a, b) == sb.merge_partial_logsumexp(b, a)
        assert sb.merge_partial_logsumexp(a, empty) == a == sb.merge_partial_logsumexp(empty, a)


def test_a_chunk_state_holds_its_max_and_the_rest_of_its_sum():
    # e^(0 - log 4) + e^(log 2 - log 4) + e^0 = 1/4 + 1/2 + 1: the max's own 1 is kept apart
    p = sb.partial_logsumexp([0.0, np.log(2.0), np.log(4.0)])
    assert p.max == np.log(4.0)
    assert_allclose([p.rest, p.sum_exp], [0.75, 1.75], rtol=1e-15)
    assert sb.partial_logsumexp([-np.inf]).sum_exp == 0.0


def test_a_generator_is_read_once_and_a_chunk_never_twice():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 50, size=1000)
    seen = []

    def chunks():
        for i in range(0, z.size, 64):
            seen.append(i)
            yield z[i:i + 64]

    assert_allclose(sb.online_logsumexp(chunks()), np.logaddexp.reduce(z), rtol=1e-14)
    assert seen == list(range(0, z.size, 64))


def test_a_tiny_sum_beside_the_max_keeps_its_relative_accuracy():
    # log(1 + e^-115.13) = 1e-50: log(d) with d = 1 + 1e-50 would round it to 0
    lse = sb.online_logsumexp([[0.0], [-115.12925464970229]])
    assert_allclose(lse, 1e-50, rtol=1e-6)  # the gap is a rounded log, so ~1e-6
    assert_allclose(lse, sb.logsumexp([0.0, -115.12925464970229]), rtol=RTOL)


def test_extremes_and_masked_entries():
    assert sb.online_logsumexp([[1e308], [-1e308, -np.inf], [1e308]]) == 1e308  # + log 2 rounds away
    assert sb.online_logsumexp([[-1e308], [], [-1e308]]) == -1e308
    assert sb.online_logsumexp([[-np.inf], [3.0]]) == 3.0
    # float32 chunks are read in float64: e^89 would overflow float32
    assert_allclose(sb.online_logsumexp([np.array([89.0, 89.0], np.float32)]), 89 + np.log(2), rtol=RTOL)


@pytest.mark.parametrize("chunks, message", [
    ([], r"`chunks` hold no finite entry \(nothing at all, or only -inf\)"),
    ([[], []], r"`chunks` hold no finite entry"),
    ([[-np.inf], [-np.inf, -np.inf]], r"`chunks` hold no finite entry"),
    ([[0.0], [1.0, np.nan]], r"`chunks\[1\]` must not contain nan"),
    ([[0.0, np.inf]], r"`chunks\[0\]` must not contain \+inf"),
    (np.array([1.0, 2.0]), r"`chunks\[0\]` must have shape \(n,\), a 1-D chunk; got shape \(\) \(.*pass \[z\]"),
    ([np.zeros((2, 2))], r"`chunks\[0\]` must have shape \(n,\), a 1-D chunk; got shape \(2, 2\)"),
])
def test_bad_chunks(chunks, message):
    with pytest.raises(ValueError, match=message):
        sb.online_logsumexp(chunks)


@pytest.mark.parametrize("chunks", [3.0, "ab", None])
def test_chunks_must_be_an_iterable(chunks):
    with pytest.raises(TypeError, match="`chunks` must be an iterable of 1-D arrays"):
        sb.online_logsumexp(chunks)


@pytest.mark.parametrize("state, error, message", [
    ((0.0, -0.5), ValueError, r"`a\[1\]` must be >= 0; got -0.5"),
    ((-np.inf, 1.0), ValueError, r"`a` holds nothing \(max -inf\), so its rest must be 0"),
    ((np.inf, 0.0), ValueError, r"`a\[0\]`, the max, must not be nan or \+inf"),
    (("0", 0.0), TypeError, r"`a\[0\]`, the max, must be a real number"),
    ((10**400, 0.0), ValueError, r"`a\[0\]`, the max, is beyond float64's range"),
    ((np.longdouble("1e400") if np.finfo(np.longdouble).max > np.longdouble("1e400") else 10**400, 0.0), ValueError,
     r"`a\[0\]`, the max, is beyond float64's range"),
    ([0.0, 0.0], TypeError, r"`a` must be a \(max, rest\) pair as partial_logsumexp returns; got list"),
])
def test_bad_partial_states(state, error, message):
    with pytest.raises(error, match=message):
        sb.merge_partial_logsumexp(state, (0.0, 0.0))


def test_rests_that_no_real_chunks_have_are_refused_when_they_overflow():
    assert sb.merge_partial_logsumexp((0.0, 1e308), (-1.0, 1.0)).rest == 1e308  # large, still finite
    with pytest.raises(ValueError, match=r"rests of `a` and `b` \(1e\+308 and 1e\+308\) sum beyond float64's range"):
        sb.merge_partial_logsumexp((0.0, 1e308), (0.0, 1e308))


def test_a_longdouble_chunk_beyond_float64_is_refused_not_turned_into_inf():
    wide = np.finfo(np.longdouble).max > np.longdouble("1e400")
    big = np.array(["1e400", "0"], dtype=np.longdouble) if wide else None
    if big is None:
        pytest.skip("this platform's longdouble is float64")
    for values in (big, -big):
        with pytest.raises(ValueError, match=r"`chunks\[0\]` holds values beyond float64's range"):
            sb.online_logsumexp([values])
    assert sb.online_logsumexp([np.array([-np.inf, 1.0], dtype=np.longdouble)]) == 1.0  # -inf masks
