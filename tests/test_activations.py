"""softmax, log_softmax, logsumexp, sigmoid: mpmath references, properties, dtypes."""

import subprocess
import sys

import ml_dtypes
import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import conftest
import softmaxbook as sb
from conftest import hard_rows, ref_log_softmax, ref_logsumexp, ref_softmax, reference

RTOL = 1e-13
# Results below the smallest normal float (2.2e-308) are subnormal and carry fewer bits;
# there an absolute 1e-320 stands in for the relative tolerance.
SUBNORMAL_ATOL = 1e-320


def test_softmax_matches_mpmath(references):
    for z, ref, _, _ in references:
        assert_allclose(sb.softmax(z), ref, rtol=RTOL, atol=SUBNORMAL_ATOL, err_msg=str(z))


def test_log_softmax_matches_mpmath(references):
    for z, _, ref, _ in references:
        assert_allclose(sb.log_softmax(z), ref, rtol=RTOL, atol=0, err_msg=str(z))


def test_logsumexp_matches_mpmath(references):
    for z, s, _, ref in references:
        # When max(z) and log(sum) nearly cancel the problem is ill-conditioned: relative
        # condition number sum(|z_i| s_i) / |lse|. Well-conditioned rows get the full 1e-13.
        finite = np.isfinite(z)
        cond = max(1.0, float(np.sum(np.abs(z[finite]) * s[finite]) / abs(ref)))
        assert_allclose(sb.logsumexp(z), ref, rtol=RTOL * cond, atol=0, err_msg=str(z))


@pytest.mark.parametrize("gap, expected", [
    (20.72326583694641, -1e-9),
    (115.12925464970229, -1e-50),
])
def test_tiny_log_probability_keeps_relative_accuracy(gap, expected):
    # log(softmax) rounds 1 - 1e-50 to 1 and returns 0: all relative accuracy lost.
    lp = sb.log_softmax(np.array([0.0, -gap]))[0]
    assert lp != 0
    assert_allclose(lp, expected, rtol=1e-6)  # the gap is a rounded log, so ~1e-6
    assert_allclose(lp, ref_log_softmax(np.array([0.0, -gap]))[0], rtol=RTOL)


def test_opposite_extremes_do_not_overflow():
    z = np.array([1e308, -1e308, 1e308])
    assert_array_equal(sb.softmax(z), [0.5, 0.0, 0.5])
    assert sb.logsumexp(z) == 1e308  # 1e308 + log 2 rounds to 1e308
    ls = sb.log_softmax(z)
    assert_allclose(ls[[0, 2]], -np.log(2), rtol=RTOL)
    assert ls[1] == -np.inf  # -2e308 is below the float range; -inf is its rounding


def test_masked_class_gets_probability_zero():
    p = sb.softmax(np.array([1.0, -np.inf, 1.0]))
    assert_array_equal(p, [0.5, 0.0, 0.5])
    assert sb.log_softmax(np.array([0.0, -np.inf]))[1] == -np.inf


def test_naive_softmax_overflows_where_softmax_does_not():
    z = np.array([1000.0, 1.0])
    assert np.isnan(sb.naive_softmax(z)).any()
    assert_allclose(sb.softmax(z), [1.0, np.exp(-999.0)], rtol=RTOL)
    # float32 breaks much earlier: exp(89) overflows float32.
    assert np.isnan(sb.naive_softmax(np.array([89.0, 0.0], np.float32))).any()
    assert not np.isnan(sb.naive_softmax(np.array([89.0, 0.0]))).any()


def test_source_article_example():
    # softmax([1, 0, 3, 5]) is printed in Klein's article as
    # [0.01578405, 0.00580663, 0.11662925, 0.86178007]; recompute from the definition.
    z = np.array([1.0, 0.0, 3.0, 5.0])
    assert_allclose(sb.softmax(z), np.exp(z) / np.exp(z).sum(), rtol=1e-15)
    assert_allclose(sb.softmax(z), [0.01578405, 0.00580663, 0.11662925, 0.86178007], atol=5e-9)


@pytest.mark.parametrize("f", [sb.softmax, sb.log_softmax])
def test_float32_stays_float32_and_finite(f):
    z = np.array([[3e38, -3e38, 1.0], [0.5, 0.25, -1.0]], dtype=np.float32)
    out = f(z)
    assert out.dtype == np.float32
    assert np.isfinite(out[1]).all() and np.isfinite(out[0, [0, 2]]).all()
    assert_allclose(out[1], f(z[1].astype(np.float64)), rtol=1e-6)


def test_float32_logsumexp_and_sigmoid():
    z = np.array([1e38, 1e38], dtype=np.float32)
    assert sb.logsumexp(z).dtype == np.float32
    assert np.isfinite(sb.logsumexp(z))
    assert sb.sigmoid(np.float32(-100)).dtype == np.float32


def test_integers_become_float64():
    assert sb.softmax([1, 2, 3]).dtype == np.float64
    assert sb.softmax(np.array([1, 2], dtype=np.int8)).dtype == np.float64
    assert sb.sigmoid(3).dtype == np.float64


def test_axis_and_keepdims():
    z = np.random.default_rng(1).normal(size=(3, 4))
    assert_allclose(sb.softmax(z, axis=0), sb.softmax(z.T).T, rtol=1e-15)
    assert_allclose(sb.log_softmax(z, axis=0), sb.log_softmax(z.T).T, rtol=1e-15)
    assert sb.logsumexp(z, axis=0).shape == (4,)
    assert sb.logsumexp(z, keepdims=True).shape == (3, 1)
    assert_allclose(sb.logsumexp(z), [ref_logsumexp(r) for r in z], rtol=RTOL)


def test_sigmoid_matches_mpmath():
    x = np.concatenate([-np.logspace(-3, 3, 40), np.logspace(-3, 3, 40), [0.0]])
    with mpmath.workdps(50):
        ref = np.array([float(1 / (1 + mpmath.exp(-mpmath.mpf(v)))) for v in x])
        ref_grad = np.array([float(mpmath.exp(-mpmath.mpf(v)) / (1 + mpmath.exp(-mpmath.mpf(v))) ** 2) for v in x])
    assert_allclose(sb.sigmoid(x), ref, rtol=RTOL, atol=SUBNORMAL_ATOL)
    assert_allclose(sb.sigmoid_grad(x), ref_grad, rtol=RTOL, atol=SUBNORMAL_ATOL)


def test_sigmoid_limits():
    assert_array_equal(sb.sigmoid(np.array([-np.inf, np.inf])), [0.0, 1.0])
    assert sb.sigmoid(-1000.0) == 0.0 and sb.sigmoid(1000.0) == 1.0


def test_sigmoid_is_two_class_softmax():
    x = np.linspace(-30, 30, 61)
    assert_allclose(sb.sigmoid(x), sb.softmax(np.stack([x, np.zeros_like(x)], axis=1))[:, 0], rtol=1e-14)


def test_sigmoid_grad_is_central_difference():
    x = np.linspace(-5, 5, 11)
    assert_allclose(sb.sigmoid_grad(x), np.diag(sb.numerical_jacobian(sb.sigmoid, x)), rtol=1e-8)


# --- properties -------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
batches = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 8)), elements=finite)


@settings(max_examples=200, deadline=None)
@given(batches)
def test_softmax_is_a_distribution(z):
    p = sb.softmax(z)
    assert ((p >= 0) & (p <= 1)).all()
    assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=z.shape[-1] * 2.3e-16)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 8), elements=st.integers(-2**20, 2**20).map(lambda i: i / 1024)),
       st.integers(-10**6, 10**6))
def test_shift_invariance_is_exact_when_the_shift_is(z, c):
    # z are multiples of 2^-10 below 2^10 and c an integer: z + c is exact, so the shifted
    # logits z - max(z) are the same numbers and the results must be bit-identical.
    assert_array_equal(sb.softmax(z + c), sb.softmax(z))
    assert_array_equal(sb.log_softmax(z + c), sb.log_softmax(z))
    # logsumexp adds the max back, so only that last rounding may differ.
    scale = abs(c) + np.abs(z).max() + np.log(z.size) + 1
    assert abs(sb.logsumexp(z + c) - (sb.logsumexp(z) + c)) <= 4.5e-16 * scale


@settings(max_examples=200, deadline=None)
@given(batches)
def test_log_softmax_is_log_of_softmax_where_finite(z):
    p = sb.softmax(z)
    normal = p > np.finfo(float).tiny
    assert_allclose(sb.log_softmax(z)[normal], np.log(p[normal]), rtol=1e-12, atol=1e-15)


@settings(max_examples=200, deadline=None)
@given(batches)
def test_logsumexp_bounds(z):
    m, lse, k = z.max(axis=-1), sb.logsumexp(z), z.shape[-1]
    assert (m <= lse).all()
    assert (lse <= m + np.log(k) + 1e-15 * np.abs(m) + 1e-15).all()


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(2, 6), elements=st.floats(-30, 30)))
def test_softmax_is_the_gradient_of_logsumexp(z):
    g = sb.numerical_gradient(lambda x: float(sb.logsumexp(x)), z)
    # rounding in f(z ± h) costs about eps·|f|/h ≈ 7e-9 absolute at |z| ≤ 30
    assert_allclose(g, sb.softmax(z), rtol=1e-6, atol=2e-8)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
@example(np.array([3.0]))  # found by hypothesis: 1 - sigmoid(3) carries an absolute 1.5e-16
def test_sigmoid_symmetry(x):
    # 1 - sigmoid(x) is only exact to ~1 ulp of 1 (2.2e-16) absolute.
    assert_allclose(sb.sigmoid(-x), 1 - sb.sigmoid(x), rtol=1e-15, atol=3e-16)


LOW_PRECISION = [np.float16, ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2]
RESULT_DTYPE = {np.float16: np.float32, np.float32: np.float32, np.longdouble: np.longdouble,
                np.float64: np.float64, np.int8: np.float64, np.int64: np.float64, np.uint64: np.float64,
                **{t: np.float32 for t in LOW_PRECISION}}


@pytest.mark.parametrize("dtype", list(RESULT_DTYPE))
@pytest.mark.parametrize("f", [sb.sigmoid, sb.sigmoid_grad, sb.softmax, sb.log_softmax, sb.logsumexp, sb.relu])
def test_the_result_dtype_is_the_documented_one(f, dtype):
    # the rule the docstrings state: float16 -> float32, float32 and longdouble kept, else float64
    out = np.asarray(f(np.array([1, 0, 2], dtype=dtype)))
    assert out.dtype == RESULT_DTYPE[dtype], (out.dtype, dtype)


@pytest.mark.parametrize("dtype", LOW_PRECISION)
def test_low_precision_is_computed_in_float32_and_never_overflows(dtype):
    # Each row holds the type's exact values (its largest, its smallest normal, ...); the
    # reference is mpmath on those values, rounded once to float32: within a few float32 ulps.
    info = ml_dtypes.finfo(dtype)
    top, tiny = float(info.max), float(info.smallest_normal)
    rows = [[top, -top, top], [top, 0.0], [tiny, -tiny, 0.0], [0.0, -1.0, 2.5, 3.0], [-top, -top]]
    f32 = np.finfo(np.float32)
    for row in rows:
        z = np.array(row).astype(dtype)
        s, ls, lse = reference(z.astype(np.float64))
        with np.errstate(over="ignore"):  # bfloat16's -top - top is below float32's range: -inf
            ls = ls.astype(np.float32)
        out = sb.softmax(z), sb.log_softmax(z), sb.logsumexp(z)
        assert all(o.dtype == np.float32 for o in out), [o.dtype for o in out]
        assert np.isfinite(out[0]).all() and np.isfinite(out[2])
        assert_allclose(out[0], s, rtol=8 * f32.eps, atol=f32.smallest_subnormal, err_msg=str(row))
        assert_array_equal(np.isinf(out[1]), np.isinf(ls))
        assert_allclose(out[1], ls, rtol=8 * f32.eps, atol=0, err_msg=str(row))
        assert_allclose(out[2], lse, rtol=8 * f32.eps, atol=0, err_msg=str(row))


@pytest.mark.parametrize("dtype", LOW_PRECISION)
def test_low_precision_nan_and_inf_are_refused_like_any_others(dtype):
    with pytest.raises(ValueError, match="`z` must not contain nan"):
        sb.softmax(np.array([0.0, np.nan]).astype(dtype))
    if ml_dtypes.finfo(dtype).max < np.inf and np.isinf(np.array(np.inf).astype(dtype)):
        with pytest.raises(ValueError, match=r"`z` must not contain \+inf"):
            sb.logsumexp(np.array([0.0, np.inf]).astype(dtype))


def test_the_package_never_imports_ml_dtypes():
    # it recognises ml_dtypes' arrays by their type's module: the core needs NumPy only
    code = "import sys, softmaxbook; print('ml_dtypes' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False", run.stdout + run.stderr


def test_longdouble_is_computed_in_longdouble():
    # Where longdouble is wider than float64 (x86-64: 80 bits, eps 1.1e-19) the results keep
    # its extra digits: within 32 of its ulps (3.5e-18 there) of mpmath at 40 digits, which a
    # float64 step anywhere inside (errors of 1e-16) misses. Compared in mpmath, exactly: a
    # float64 comparison would pass either way. Where longdouble is float64 (eps 2.2e-16),
    # this checks float64's accuracy.
    z = np.array([0.0, -20.0, 1e-3], dtype=np.longdouble)  # float64 values: mpf(float(v)) is exact
    rtol = 32 * np.finfo(np.longdouble).eps
    with mpmath.workdps(40):
        x = [mpmath.mpf(float(v)) for v in z]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x))
        expected = {sb.softmax: [mpmath.exp(v - lse) for v in x], sb.log_softmax: [v - lse for v in x],
                    sb.logsumexp: [lse]}
        for f, ref in expected.items():
            out = np.atleast_1d(f(z))
            assert out.dtype == np.longdouble
            for o, r in zip(out, ref, strict=True):
                num, den = o.as_integer_ratio()  # the longdouble exactly
                assert abs(mpmath.mpf(num) / den - r) <= rtol * abs(r), (f.__name__, o, r)


def test_reference_cache_key_sees_the_reference_function(monkeypatch):
    # Bug story: the key hashed only the rows and the precision, so an edited reference()
    # kept being served from .pytest_cache.
    rows = hard_rows(n=2)
    key = conftest.references_cache_key(rows)
    assert key == conftest.references_cache_key(rows)
    assert conftest.references_cache_key(hard_rows(n=3)) != key
    with monkeypatch.context() as m:
        m.setattr(conftest, "REFERENCE_DIGITS", 401)
        assert conftest.references_cache_key(rows) != key
    with monkeypatch.context() as m:
        m.setattr(conftest, "reference", ref_softmax)  # another function: another source
        assert conftest.references_cache_key(rows) != key
