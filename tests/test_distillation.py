"""Distillation: the T²-scaled soft-target loss against mpmath, its gradient against central
differences and the formula in mpmath, and its large-T limit, logit matching."""

import mpmath
import numpy as np
import pytest
import scipy.special
from numpy.testing import assert_allclose

import softmaxbook as sb


def reference(s, t, T):
    """The loss T²/N Σ_n Σ_k -p log q and the gradient T (q - p) / N, in 50-digit mpmath."""
    with mpmath.workdps(50):
        return _reference(s, t, mpmath.mpf(T))


def _reference(s, t, T):
    losses, grads = [], []
    for s_n, t_n in zip(s.tolist(), t.tolist(), strict=True):
        ps = [mpmath.exp(x / T) for x in t_n]
        p = [x / mpmath.fsum(ps) for x in ps]
        log_norm = mpmath.log(mpmath.fsum(mpmath.exp(x / T) for x in s_n))
        log_q = [x / T - log_norm for x in s_n]
        losses.append(-mpmath.fsum(pk * lq for pk, lq in zip(p, log_q, strict=True)))
        grads.append([T * (mpmath.exp(lq) - pk) / len(s) for pk, lq in zip(p, log_q, strict=True)])
    return T**2 * mpmath.fsum(losses) / len(s), grads


@pytest.mark.parametrize("T", [0.5, 1.0, 3.0, 20.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_loss_and_gradient_match_mpmath(seed, T):
    rng = np.random.default_rng(seed)
    s, t = 3 * rng.normal(size=(6, 5)), 4 * rng.normal(size=(6, 5))
    loss, grad = sb.distillation_loss_and_grad(s, t, T)
    ref_loss, ref_grad = reference(s, t, T)
    assert loss == pytest.approx(float(ref_loss), rel=1e-13)
    ref_grad = np.array(ref_grad, dtype=float)
    # q - p is a difference of probabilities: its absolute error is a few roundings of them
    assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-15 * T)
    assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15 * T)


def test_gradient_matches_central_differences_of_the_loss_written_out():
    rng = np.random.default_rng(2)
    s, t, T = rng.normal(size=(4, 3)), 2 * rng.normal(size=(4, 3)), 2.5
    p = scipy.special.softmax(t / T, axis=1)

    def loss(v):  # T² times the mean soft-target cross-entropy, in SciPy
        return T**2 * np.mean(-np.sum(p * scipy.special.log_softmax(v / T, axis=1), axis=1))

    _, grad = sb.distillation_loss_and_grad(s, t, T)
    assert sb.relative_error(grad, sb.numerical_gradient(loss, s)) < 1e-8


def test_t_squared_keeps_the_gradient_size_and_large_t_is_logit_matching():
    # Without T², the gradient (q - p)/(T N) shrinks like 1/T²; with it, the gradient tends to
    # ((s - mean s) - (t - mean t)) / (K N): the gradient of the squared logit gap / (2 K N).
    rng = np.random.default_rng(3)
    s, t = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    N, K = s.shape
    limit = ((s - s.mean(axis=1, keepdims=True)) - (t - t.mean(axis=1, keepdims=True))) / (K * N)
    errors = []
    for T in (10.0, 100.0, 1000.0):
        grad = sb.distillation_loss_and_grad(s, t, T)[1]
        errors.append(np.abs(grad - limit).max())
        assert np.abs(grad).max() > 0.5 * np.abs(limit).max()
    assert errors[1] < errors[0] / 9 and errors[2] < errors[1] / 9, errors  # O(1/T)
    assert errors[2] < 1e-3 * np.abs(limit).max()


def test_equal_logits_give_the_teacher_entropy_and_no_gradient():
    t = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    loss, grad = sb.distillation_loss_and_grad(t, t, 2.0)
    p = scipy.special.softmax(t / 2.0, axis=1)
    assert loss == pytest.approx(4.0 * np.mean(-np.sum(p * np.log(p), axis=1)), rel=1e-14)
    assert np.abs(grad).max() < 1e-16


def test_float32_stays_float32_and_agrees():
    rng = np.random.default_rng(4)
    s, t = rng.normal(size=(8, 6)), rng.normal(size=(8, 6))
    loss32, grad32 = sb.distillation_loss_and_grad(s.astype(np.float32), t.astype(np.float32), 4.0)
    loss64, grad64 = sb.distillation_loss_and_grad(s.astype(np.float32).astype(np.float64),
                                                   t.astype(np.float32).astype(np.float64), 4.0)
    assert grad32.dtype == np.float32 and np.isfinite(grad32).all()
    assert loss32 == pytest.approx(loss64, rel=1e-6)
    assert_allclose(grad32, grad64, rtol=1e-4, atol=1e-7)


def test_a_temperature_too_small_for_the_logits_is_named():
    with pytest.raises(ValueError, match=r"`temperature` is too small for these logits"):
        sb.distillation_loss_and_grad([[1e300, 0.0]], [[0.0, 0.0]], 1e-10)
