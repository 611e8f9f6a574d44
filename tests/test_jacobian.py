"""softmax_jacobian and softmax_vjp against the quotient rule and central differences."""

import mpmath
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose

import softmaxbook as sb

logit_rows = arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50))


def quotient_rule_jacobian(z):
    """J[i, j] = d/dz_j of e^{z_i} / S, term by term (an independent route to the matrix)."""
    e = np.exp(z - z.max())
    S = e.sum()
    return np.array([[((e[i] if i == j else 0.0) * S - e[i] * e[j]) / S**2 for j in range(z.size)]
                     for i in range(z.size)])


def test_matches_quotient_rule_and_central_differences():
    z = np.random.default_rng(0).normal(0, 3, 6)
    J = sb.softmax_jacobian(z)
    assert_allclose(J, quotient_rule_jacobian(z), rtol=1e-13, atol=1e-17)
    assert_allclose(J, sb.numerical_jacobian(sb.softmax, z), rtol=1e-6, atol=1e-10)


def test_source_article_example():
    # Klein prints the Jacobian of softmax([0, 4, 5]) with diagonal
    # [0.00487766, 0.196001, 0.19825505] and J[0, 1] = -0.00131181.
    J = sb.softmax_jacobian(np.array([0.0, 4.0, 5.0]))
    assert_allclose(np.diag(J), [0.00487766, 0.196001, 0.19825505], atol=5e-8)
    assert_allclose(J[0, 1], -0.00131181, atol=5e-9)


def test_diagonal_keeps_relative_accuracy_for_a_dominant_class():
    # s_0 = 1 - 4e-6: s_0 (1 - s_0) computed as s - s*s would keep only ~10 digits.
    z = np.array([0.0, -12.5, -13.0, -40.0])
    with mpmath.workdps(60):
        e = [mpmath.exp(mpmath.mpf(x)) for x in z]
        s = [x / mpmath.fsum(e) for x in e]
        ref = [float(si * (1 - si)) for si in s]
    assert_allclose(np.diag(sb.softmax_jacobian(z)), ref, rtol=1e-13)


def test_batch_shape_and_rows_sum_to_zero():
    Z = np.random.default_rng(1).normal(size=(5, 4))
    J = sb.softmax_jacobian(Z)
    assert J.shape == (5, 4, 4)
    assert_allclose(J.sum(axis=2), 0, atol=1e-16)
    for n in range(5):
        assert_allclose(J[n], sb.softmax_jacobian(Z[n]), rtol=1e-15)


def test_extreme_logits_give_a_finite_jacobian():
    J = sb.softmax_jacobian(np.array([1e308, -1e308, 1e308]))
    assert_allclose(J, [[0.25, 0, -0.25], [0, 0, 0], [-0.25, 0, 0.25]], atol=0)
    assert sb.softmax_jacobian(np.array([1.0, 2.0], np.float32)).dtype == np.float32


@settings(max_examples=200, deadline=None)
@given(logit_rows)
def test_symmetric_psd_with_null_vector_one(z):
    J = sb.softmax_jacobian(z)
    assert_allclose(J, J.T, rtol=0, atol=0)
    assert np.linalg.eigvalsh(J).min() >= -1e-15
    assert_allclose(J @ np.ones(z.size), 0, atol=1e-15)


@settings(max_examples=200, deadline=None)
@given(logit_rows.flatmap(lambda z: st.tuples(st.just(z), arrays(np.float64, z.shape, elements=st.floats(-10, 10)))))
def test_vjp_is_v_times_jacobian(zv):
    z, v = zv
    assert_allclose(sb.softmax_vjp(z, v), v @ sb.softmax_jacobian(z), rtol=1e-10, atol=1e-14)


def test_vjp_on_a_batch():
    rng = np.random.default_rng(2)
    Z, V = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    expected = np.einsum("nk,nkj->nj", V, sb.softmax_jacobian(Z))
    assert_allclose(sb.softmax_vjp(Z, V), expected, rtol=1e-12, atol=1e-15)
