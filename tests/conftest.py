"""Shared test helpers: the high-precision reference and the logit generators."""

import os

import mpmath
import numpy as np
import pytest
from hypothesis import settings

# On CI the property tests draw the same examples every run (a failure there is a real
# regression, not a newly found case); locally they explore new ones each run.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# 400 digits: a difference like 1e308 - 1e-3 needs ~330 digits to be exact, and a
# log-probability of -1e-50 next to 0 keeps ~350 correct digits after that.
REFERENCE_DIGITS = 400


def _ref_logsumexp_mp(row):
    finite = [mpmath.mpf(float(x)) for x in row if x != -np.inf]
    m = max(finite)
    return m + mpmath.log(mpmath.fsum(mpmath.exp(x - m) for x in finite))


def ref_logsumexp(row):
    """logsumexp of a 1-D float64 row, exact to float64 rounding (mpmath, 400 digits)."""
    with mpmath.workdps(REFERENCE_DIGITS):
        return float(_ref_logsumexp_mp(row))


def ref_log_softmax(row):
    with mpmath.workdps(REFERENCE_DIGITS):
        lse = _ref_logsumexp_mp(row)
        return np.array([float(mpmath.mpf(float(x)) - lse) if x != -np.inf else -np.inf for x in row])


def ref_softmax(row):
    with mpmath.workdps(REFERENCE_DIGITS):
        lse = _ref_logsumexp_mp(row)
        return np.array([float(mpmath.exp(mpmath.mpf(float(x)) - lse)) if x != -np.inf else 0.0 for x in row])


def hard_rows(seed=0, n=60):
    """Float64 logit rows from 1e-3 to 1e308 in magnitude, with the hard cases mixed in.

    - independent entries, random sign, magnitudes log-uniform over 10^-3 .. 10^308;
    - rows near a common base b (any magnitude) with O(1e-3 .. 1e3) offsets, so the
      probabilities are neither 0 nor 1 (and ties appear where the offsets round away);
    - a dominant class with the others 20 .. 745 below it, so its log-probability is a
      tiny -1e-9 .. -1e-300 that must keep its relative accuracy;
    - fixed rows: opposite extremes, ties, a masked (-inf) class.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        k = int(rng.integers(2, 7))
        sign = rng.choice([-1.0, 1.0], size=k)
        rows.append(sign * 10.0 ** rng.uniform(-3, 308, size=k))
        base = rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-3, 308)
        rows.append(base + rng.normal(0, 10.0 ** rng.uniform(-3, 3), size=k))
        top = rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-3, 2)
        rows.append(np.concatenate([[top], top - rng.uniform(20.7, 745, size=k - 1)]))
    rows += [
        np.array([1e308, -1e308, 1e308]),
        np.array([-1e308, -1e308]),
        np.array([1.7976931348623157e308, 0.0]),
        np.array([0.0, -20.72326583694641]),  # log-probability of the first ≈ -1e-9
        np.array([0.0, -115.12925464970229]),  # ≈ -1e-50
        np.array([3.0, -np.inf, 1.0]),
        np.array([1e-3, -1e-3, 1e-3, 5e-4]),
    ]
    return rows


@pytest.fixture(scope="session")
def references():
    """(z, softmax, log_softmax, logsumexp) for every hard row, the last three from mpmath."""
    return [(z, ref_softmax(z), ref_log_softmax(z), ref_logsumexp(z)) for z in hard_rows()]
