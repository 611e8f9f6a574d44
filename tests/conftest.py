"""Shared test helpers: the high-precision reference, the logit generators, the browser."""

import hashlib
import inspect
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


def reference(row):
    """(softmax, log_softmax, logsumexp) of a 1-D float64 row, each exact to float64 rounding.

    One pass at 400 digits: the exponentials e^(z_i - m) that make the sum also give the
    probabilities, so each row costs K exponentials and one logarithm.
    """
    row = np.asarray(row, dtype=np.float64)
    with mpmath.workdps(REFERENCE_DIGITS):
        x = [mpmath.mpf(float(v)) if v != -np.inf else None for v in row]
        m = max(v for v in x if v is not None)
        e = [mpmath.exp(v - m) if v is not None else mpmath.mpf(0) for v in x]
        total = mpmath.fsum(e)
        lse = m + mpmath.log(total)
        softmax = np.array([float(ei / total) for ei in e])
        log_softmax = np.array([float(v - lse) if v is not None else -np.inf for v in x])
        return softmax, log_softmax, float(lse)


def ref_softmax(row):
    return reference(row)[0]


def ref_log_softmax(row):
    return reference(row)[1]


def ref_logsumexp(row):
    """logsumexp of a 1-D float64 row, exact to float64 rounding (mpmath, 400 digits)."""
    return reference(row)[2]


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


def references_cache_key(rows):
    """The cache key of the references of `rows`: a hash of the rows, the precision and the
    source of `reference`, so that changing any of them computes the references anew."""
    h = hashlib.sha256(np.concatenate(rows).tobytes())
    h.update(str(REFERENCE_DIGITS).encode())
    h.update(inspect.getsource(reference).encode())
    return f"softmaxbook/mpmath-references-{h.hexdigest()[:16]}"


@pytest.fixture(scope="session")
def references(request):
    """(z, softmax, log_softmax, logsumexp) for every hard row, the last three from mpmath.

    Kept in pytest's cache between runs, keyed by a hash of the rows, the precision and the
    source of `reference` (see `references_cache_key`), so only a change to one of them is
    recomputed (a fresh clone computes them once).
    """
    rows = hard_rows()
    key = references_cache_key(rows)
    cache = getattr(request.config, "cache", None)
    cached = cache.get(key, None) if cache else None
    if cached is None:
        cached = [[s.tolist(), ls.tolist(), lse] for s, ls, lse in map(reference, rows)]
    refs = [(z, np.array(s), np.array(ls), lse) for z, (s, ls, lse) in zip(rows, cached, strict=True)]
    if cache:
        cache.set(key, cached)
    return refs


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test in this process (see tests/browser.py)."""
    from browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """Every handout and autograder, built once per test session the way a teacher does
    (`build --no-run-tests`: the bank grades the solutions through the teacher's command)."""
    import subprocess

    from classroom_helpers import ROOT, TOOL

    def build(out):
        run = subprocess.run([*TOOL, "--out", str(out), "build", "--no-run-tests"], capture_output=True,
                             text=True, cwd=ROOT)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    from shared_folders import built_once

    return built_once(tmp_path_factory, worker_id, "classroom-build", build)


@pytest.fixture(scope="session")
def book_html(tmp_path_factory, worker_id):
    """The website's html folder, built once per test session as `make book` builds it (warnings
    are errors), for test_site.py and test_quiz_browser.py. Shared by the xdist workers: tests
    must not change it."""
    import subprocess

    from shared_folders import built_once

    from build_book import build

    def make(out):
        try:
            build(out, quiet=True)
        except subprocess.CalledProcessError as err:
            pytest.fail(f"the book does not build:\n{err.stdout[-3000:]}\n{err.stderr[-3000:]}")

    return built_once(tmp_path_factory, worker_id, "book", make) / "_build" / "html"
