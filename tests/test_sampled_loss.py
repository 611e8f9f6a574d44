"""Sampled softmax: exact when the sample is the vocabulary, by hand, and consistent as S grows."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import softmaxbook as sb


def test_the_whole_vocabulary_once_under_a_uniform_q_gives_the_exact_loss():
    # S = K, q = 1/K: every S q_c is 1, and leaving out the hit leaves Z exactly
    rng = np.random.default_rng(0)
    z, y = rng.normal(0, 3, size=(6, 5)), np.array([0, 4, 2, 2, 1, 3])
    loss, grad = sb.sampled_softmax_loss(z, y, np.arange(5), np.full(5, 0.2))
    assert_allclose(loss, sb.cross_entropy(z, y), rtol=1e-14)
    assert_allclose(grad, sb.cross_entropy_grad(z, y), rtol=1e-13, atol=1e-17)


def test_matches_the_formula_with_repeats_and_an_accidental_hit():
    z, q = np.array([[0.5, -1.0, 2.0, 0.0]]), np.array([0.1, 0.2, 0.3, 0.4])
    sampled = [2, 0, 2, 3]  # 0 is the target: a hit, left out; 2 is drawn twice
    Z_hat = np.exp(0.5) + 2 * np.exp(2.0) / (4 * 0.3) + np.exp(0.0) / (4 * 0.4)
    loss, grad = sb.sampled_softmax_loss(z, [0], sampled, q)
    assert_allclose(loss, np.log(Z_hat) - 0.5, rtol=1e-15)
    expected = [np.exp(0.5) / Z_hat - 1, 0.0, 2 * np.exp(2.0) / (4 * 0.3) / Z_hat, np.exp(0.0) / (4 * 0.4) / Z_hat]
    assert_allclose(grad[0], expected, rtol=1e-14)


def test_gradient_is_central_differences_for_a_fixed_sample():
    rng = np.random.default_rng(1)
    z, y, q = rng.normal(size=(3, 7)), np.array([1, 6, 0]), np.full(7, 1 / 7)
    sampled = rng.choice(7, size=4, p=q)
    numeric = sb.numerical_gradient(lambda v: sb.sampled_softmax_loss(v, y, sampled, q)[0], z)
    assert_allclose(sb.sampled_softmax_loss(z, y, sampled, q)[1], numeric, rtol=1e-6, atol=1e-10)


def test_bias_and_spread_of_the_gradient_shrink_as_the_sample_grows():
    rng = np.random.default_rng(2)
    k = 40
    z, y = rng.normal(0, 2, size=(1, k)), np.array([3])
    q = sb.softmax(rng.normal(0, 1, size=k))  # a proposal unlike the model: the correction matters
    exact = sb.cross_entropy_grad(z, y)
    bias, spread = [], []
    for s in (4, 64, 1024):
        grads = np.array([sb.sampled_softmax_loss(z, y, rng.choice(k, size=s, p=q), q)[1] for _ in range(200)])
        bias.append(np.abs(grads.mean(axis=0) - exact).sum())
        spread.append(grads.std(axis=0).sum())
    assert bias[0] > bias[1] > bias[2] and spread[0] > spread[1] > spread[2], (bias, spread)
    # the bias shrinks like 1/S (the measured one also holds the noise of a mean of 200)
    assert bias[2] < bias[0] / 10 and spread[2] < spread[0] / 5, (bias, spread)
    # without the right correction (the draws from q, corrected as if q were uniform) it does not
    uniform = np.full(k, 1 / k)
    wrong = np.array([sb.sampled_softmax_loss(z, y, rng.choice(k, size=1024, p=q), uniform)[1] for _ in range(100)])
    assert np.abs(wrong.mean(axis=0) - exact).sum() > 5 * bias[2], (bias, wrong.mean(axis=0) - exact)


def test_every_sampled_class_must_have_positive_proposal():
    with pytest.raises(ValueError, match=r"`q` must be > 0 at every sampled class; q\[2\] = 0.0"):
        sb.sampled_softmax_loss(np.zeros((1, 3)), [0], [1, 2], [0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match=r"`sampled` must hold at least one class; got none"):
        sb.sampled_softmax_loss(np.zeros((1, 3)), [0], [], [0.5, 0.5, 0.0])
