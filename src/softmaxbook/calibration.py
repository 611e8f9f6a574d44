r"""Temperature scaling: one number, fit on held-out data, that calibrates a classifier.

Guo, Pleiss, Sun & Weinberger (2017) divide a trained model's logits by a temperature T
fit on a validation split, by minimising the mean negative log-likelihood

.. math:: \mathrm{NLL}(T) = \frac1N \sum_n \Big[\log \sum_k e^{z_{nk}/T} - z_{n c_n}/T\Big] .

In :math:`\beta = 1/T` it is convex: its derivative is the mean gap between the logit the
model expects under its own probabilities and the true class's logit, and its second
derivative the mean variance of the logits under those probabilities,

.. math:: \frac{d\,\mathrm{NLL}}{d\beta} = \frac1N \sum_n \big(\mathbb{E}_{p_n}[z_n] - z_{nc_n}\big),
          \qquad
          \frac{d^2\mathrm{NLL}}{d\beta^2} = \frac1N \sum_n \operatorname{Var}_{p_n}[z_n] \ge 0,
          \qquad p_n = \operatorname{softmax}(\beta z_n) .

So the fitted T is where the first is 0. The argmax of every row is the same at every
T > 0: temperature scaling changes the confidence, never the accuracy.

Examples
--------
>>> import numpy as np
>>> import softmaxbook as sb
>>> logits = np.array([[4.0, 0.0], [3.0, 0.0], [0.0, 2.0], [1.0, 0.0]])
>>> T = sb.fit_temperature(logits, [0, 1, 1, 1])   # sure of itself, right half the time: T > 1
>>> print(round(T, 6), np.array_equal(np.argmax(logits / T, axis=1), np.argmax(logits, axis=1)))
7.367495 True
"""

import numpy as np

from ._validate import as_array, as_labels

_MAX_STEPS = 200


def fit_temperature(logits, labels):
    r"""The temperature T > 0 that minimises the mean NLL of softmax(logits / T).

    .. math:: T^\star = \arg\min_{T > 0} \frac1N \sum_n
              \Big[\operatorname{logsumexp}(z_n / T) - z_{n c_n} / T\Big]

    Found as the root of the NLL's derivative in :math:`\beta = 1/T` (increasing, since the
    NLL is convex in β) by Newton steps kept inside a shrinking bracket, to 1e-8 relative or
    better. The logits are scaled by their largest magnitude first, so any finite logits work.

    Parameters
    ----------
    logits : array_like, shape (N, K)
        A trained model's logits on held-out examples (finite; float32 is computed in float64).
    labels : array_like of int, shape (N,)
        Their true classes, in [0, K).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        When no finite T > 0 minimises the NLL: every example's label already has the largest
        logit (the NLL keeps falling as T → 0); the model does no better than the uniform
        guess, its labels' logits at or below their rows' means on average (the NLL keeps
        falling as T → ∞); or the logits are equal within every row (any T is as good).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> rng = np.random.default_rng(0)
    >>> z = 2 * rng.normal(size=(2000, 3))
    >>> u = rng.random((2000, 1))
    >>> labels = (sb.softmax(z).cumsum(axis=1) < u).sum(axis=1)   # drawn from softmax(z): calibrated
    >>> print(round(sb.fit_temperature(3 * z, labels), 2))         # the same model, logits 3 times larger
    2.98
    """
    z = as_array(logits, "logits", shape=("N", "K"), nonempty=True).astype(np.float64)
    labels = as_labels(labels, z.shape[0], z.shape[1], "labels", rows="`logits`")
    scale = np.max(np.abs(z))
    if scale == 0 or np.all(z == z[:, :1]):
        raise ValueError("no temperature fits: the logits are equal within every row, so every T gives the same NLL")
    z = z / scale
    true = z[np.arange(z.shape[0]), labels]
    if np.mean(z.mean(axis=1) - true) >= 0:
        raise ValueError("no finite temperature fits: the labels' logits are at or below their rows' means on "
                         "average, so the NLL keeps falling as T grows (the model does no better than uniform)")
    if np.all(true == z.max(axis=1)):
        raise ValueError("no finite temperature fits: every label already has its row's largest logit, so the "
                         "NLL keeps falling as T -> 0")
    lo, hi = 0.0, 1.0  # in beta = 1 / T for the scaled logits: slope(lo) < 0 < slope(hi) once found
    while _slope(hi, z, true)[0] <= 0:
        lo, hi = hi, 2 * hi
    beta = hi / 2 if lo == 0 else lo
    for _ in range(_MAX_STEPS):
        d1, d2 = _slope(beta, z, true)
        if d1 < 0:
            lo = beta
        else:
            hi = beta
        newton = beta - d1 / d2 if d2 > 0 else np.inf
        if abs(newton - beta) <= 1e-13 * beta:
            beta = newton
            break
        beta = newton if lo < newton < hi else (lo + hi) / 2  # Newton inside the bracket, else bisect
        if hi - lo <= 1e-13 * hi:
            break
    return float(scale / beta)


def _slope(beta, z, true):
    """The NLL's first and second derivatives in beta (the mean gap and the mean variance)."""
    s = beta * z
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    expected = np.sum(p * z, axis=1)
    return np.mean(expected - true), np.mean(np.sum(p * (z - expected[:, None]) ** 2, axis=1))
