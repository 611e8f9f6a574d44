"""Calibration: the reliability curve and ECE against their definition written as a loop,
and the fitted temperature against the root of the NLL's derivative found in mpmath."""

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb


def by_definition(probs, labels, n_bins):
    """Bin m holds the confidences in ((m-1)/M, m/M]: one example at a time, in plain Python."""
    bins = [[] for _ in range(n_bins)]
    for row, label in zip(np.asarray(probs).tolist(), labels, strict=True):
        c = max(row)
        m = next(m for m in range(1, n_bins + 1) if (m - 1) / n_bins < c <= m / n_bins)
        bins[m - 1].append((c, row.index(c) == label))
    full = [b for b in bins if b]
    conf = [sum(c for c, _ in b) / len(b) for b in full]
    acc = [sum(r for _, r in b) / len(b) for b in full]
    n = len(labels)
    ece = sum(len(b) / n * abs(a - c) for b, a, c in zip(full, acc, conf, strict=True))
    return conf, acc, [len(b) for b in full], ece


def random_model(seed, n=400, k=5, scale=3.0):
    """Probabilities of a random model and labels drawn from other probabilities (miscalibrated)."""
    rng = np.random.default_rng(seed)
    z = scale * rng.normal(size=(n, k))
    labels = (sb.softmax(z / 2).cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    return z, labels


@pytest.mark.parametrize("n_bins", [1, 5, 15, 100])
@pytest.mark.parametrize("seed", [0, 1])
def test_reliability_curve_and_ece_follow_the_definition(seed, n_bins):
    z, labels = random_model(seed)
    probs = sb.softmax(z)
    conf, acc, count = sb.reliability_curve(probs, labels, n_bins)
    want_conf, want_acc, want_count, want_ece = by_definition(probs, labels, n_bins)
    assert_allclose(conf, want_conf, rtol=1e-13)
    assert_allclose(acc, want_acc, rtol=1e-13)
    assert_array_equal(count, want_count)
    assert np.all(np.diff(conf) > 0) and count.sum() == len(labels)
    assert sb.expected_calibration_error(probs, labels, n_bins) == pytest.approx(want_ece, rel=1e-13, abs=1e-15)


def test_a_confidence_on_a_bin_edge_belongs_to_the_lower_bin():
    # M = 5: 0.5 and 0.6 in (0.4, 0.6], 0.8 alone in (0.6, 0.8], 0.81 and 1.0 in (0.8, 1]
    probs = [[0.8, 0.2], [0.6, 0.4], [1.0, 0.0], [0.5, 0.5], [0.81, 0.19]]
    conf, acc, count = sb.reliability_curve(probs, [0, 1, 0, 1, 1], n_bins=5)
    assert_allclose(conf, [0.55, 0.8, 0.905], rtol=1e-15)
    assert_array_equal(count, [2, 1, 2])
    assert_array_equal(acc, [0.0, 1.0, 0.5])  # the tie [0.5, 0.5] predicts the first class


def test_ece_is_zero_when_confidence_is_accuracy_and_one_when_sure_and_wrong():
    probs = [[0.7, 0.3]] * 10
    assert sb.expected_calibration_error(probs, [0] * 7 + [1] * 3) == pytest.approx(0, abs=1e-15)
    assert sb.expected_calibration_error([[1.0, 0.0]] * 4, [1] * 4) == 1.0
    assert sb.expected_calibration_error(np.eye(3), [0, 1, 2]) == 0.0


def test_ece_of_a_calibrated_model_shrinks_with_more_examples():
    rng = np.random.default_rng(3)
    eces = []
    for n in (1_000, 100_000):
        probs = sb.softmax(2 * rng.normal(size=(n, 4)))
        labels = (probs.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)  # drawn from the model itself
        eces.append(sb.expected_calibration_error(probs, labels))
    assert eces[1] < 0.01 and eces[1] < eces[0] / 3, eces  # sampling noise ~ 1/sqrt(N)


def test_calibration_metrics_take_float32_and_lists():
    z, labels = random_model(4, n=50)
    probs = sb.softmax(z.astype(np.float32))
    got = sb.expected_calibration_error(probs, labels.tolist())
    assert got == pytest.approx(by_definition(probs.astype(np.float64), labels, 15)[3], rel=1e-12)


@pytest.mark.parametrize("probs, labels, n_bins, error, message", [
    ([[0.5, 0.6]], [0], 15, ValueError, r"`probs` rows must sum to 1; row 0 sums to 1.1"),
    ([[-0.1, 1.1]], [0], 15, ValueError, r"`probs` must be probabilities in \[0, 1\]"),
    ([[0.5, 0.5]], [2], 15, ValueError, r"`labels` must be integers in \[0, 2\); got 2 at position 0"),
    (np.zeros((0, 3)), [], 15, ValueError, r"`probs` must have shape \(N, K\) with N, K >= 1; got shape \(0, 3\)"),
    ([[0.5, 0.5]], [0], 0, ValueError, r"`n_bins` must be an integer >= 1; got 0"),
    ([[0.5, 0.5]], [0], True, TypeError, r"`n_bins` must be an integer; got True"),
])
def test_calibration_metrics_bad_input(probs, labels, n_bins, error, message):
    for f in (sb.reliability_curve, sb.expected_calibration_error):
        with pytest.raises(error, match=message):
            f(probs, labels, n_bins)


# --- temperature scaling -------------------------------------------------------------------

def mp_temperature(z, labels, digits=40):
    """T at the root of d NLL / d beta = mean(E_p[z] - z_c), p = softmax(beta z), in mpmath."""
    rows = [[mpmath.mpf(float(v)) for v in row] for row in z]
    true = [row[c] for row, c in zip(rows, labels, strict=True)]

    def slope(beta):
        total = 0
        for row, t in zip(rows, true, strict=True):
            e = [mpmath.exp(beta * v) for v in row]
            total += mpmath.fsum(ei * v for ei, v in zip(e, row, strict=True)) / mpmath.fsum(e) - t
        return total / len(rows)

    with mpmath.workdps(digits):
        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        while slope(hi) <= 0:
            lo, hi = hi, 2 * hi
        beta = mpmath.findroot(slope, (lo, hi), solver="anderson")
        return float(1 / beta)


def mean_nll(z, labels, T):
    return sb.cross_entropy(np.asarray(z) / T, labels)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_temperature_is_the_root_found_in_high_precision(seed):
    z, labels = random_model(seed, n=60, k=4)
    T = sb.fit_temperature(z, labels)
    assert T == pytest.approx(mp_temperature(z, labels), rel=1e-10)
    # over-confident on purpose (labels drawn from softmax(z / 2)): about 2
    assert 1.3 < T < 3


def test_fitted_temperature_minimises_the_nll_and_keeps_every_prediction():
    z, labels = random_model(5, n=300)
    T = sb.fit_temperature(z, labels)
    h = 1e-4 * T
    slope = (mean_nll(z, labels, T + h) - mean_nll(z, labels, T - h)) / (2 * h)  # central difference
    assert abs(slope) < 1e-8
    for other in (0.5 * T, 0.9 * T, 1.1 * T, 2 * T):
        assert mean_nll(z, labels, T) < mean_nll(z, labels, other)
    assert_array_equal(np.argmax(z / T, axis=1), np.argmax(z, axis=1))
    ece = sb.expected_calibration_error
    assert ece(sb.softmax(z / T), labels) < ece(sb.softmax(z), labels)


@pytest.mark.parametrize("scale", [1e-300, 1e-8, 1e8, 1e300])
def test_fit_temperature_scales_with_the_logits_without_overflow(scale):
    z, labels = random_model(6, n=80)
    with np.errstate(all="raise"):
        assert sb.fit_temperature(scale * z, labels) == pytest.approx(scale * sb.fit_temperature(z, labels), rel=1e-12)


def test_fit_temperature_takes_float32():
    z, labels = random_model(7, n=80)
    z32 = z.astype(np.float32)
    assert sb.fit_temperature(z32, labels) == pytest.approx(mp_temperature(z32.astype(np.float64), labels), rel=1e-10)


@pytest.mark.parametrize("logits, labels, message", [
    ([[3.0, 0.0], [0.0, 1.0]], [0, 1], r"every label already has its row's largest logit.*T -> 0"),
    ([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]], [0, 2], r"every label already has its row's largest logit"),  # ties
    ([[3.0, 0.0], [0.0, 1.0]], [1, 0], r"no better than uniform"),
    ([[1.0, 1.0], [2.0, 2.0]], [0, 1], r"the logits are equal within every row"),
])
def test_no_finite_temperature_is_a_clear_error(logits, labels, message):
    with pytest.raises(ValueError, match=message):
        sb.fit_temperature(logits, labels)
