r"""Cross-entropy and its gradient, for integer labels or probability targets.

For one example with logits z, target distribution y and :math:`\hat y = \operatorname{softmax}(z)`,

.. math:: H(y, \hat y) = -\sum_k y_k \log \hat y_k, \qquad
          \frac{\partial H}{\partial z} = \hat y - y .

A batch of N rows averages: the loss is the mean of H and the gradient is
:math:`(\hat Y - Y)/N`.
"""

import numpy as np

from ._validate import as_any_array, as_distributions, as_labels, as_rows, check_int, check_number
from .activations import _shifted_exp


def one_hot(labels, num_classes):
    r"""Encode integer labels as rows of the identity: :math:`Y_{nk} = [k = y_n]`.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Class indices in [0, num_classes).
    num_classes : int
        K, the number of classes, at least 1 (a Python or NumPy integer).

    Returns
    -------
    ndarray, shape (N, K)
        Float64 one-hot rows, built directly: memory for the result only (no K x K identity).

    Examples
    --------
    >>> import softmaxbook as sb
    >>> print(sb.one_hot([2, 0], 3))
    [[0. 0. 1.]
     [1. 0. 0.]]
    """
    k = check_int(num_classes, "num_classes", 1)
    labels = as_labels(labels, None, k)
    Y = np.zeros((labels.size, k))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def smooth_labels(labels, num_classes, alpha):
    r"""Label-smoothed targets: one-hot rows mixed with the uniform distribution.

    .. math:: Y^{\alpha}_{nk} = (1 - \alpha)\,[k = c_n] + \frac{\alpha}{K}

    Müller, Kornblith & Hinton (2019) train on these instead of one-hot rows. With them the
    cross-entropy has a finite minimiser: softmax(z) = Y^α, whose gap between the true class's
    logit and every other is :math:`\log\frac{1 - \alpha + \alpha/K}{\alpha/K}`
    (infinite for α = 0: one-hot targets push the logits apart for ever).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        The true classes :math:`c_n`, in [0, num_classes).
    num_classes : int
        K, the number of classes, at least 1.
    alpha : float
        α in [0, 1], the mass spread evenly over all K classes: 0 gives one-hot rows, 1 the
        uniform distribution.

    Returns
    -------
    ndarray of float64, shape (N, K)
        Probability rows: the true class holds 1 − α + α/K, every other class α/K.

    See Also
    --------
    one_hot : the targets for α = 0.
    cross_entropy : takes these rows as `targets`: the label-smoothed loss and its gradient.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> Y = sb.smooth_labels([2, 0], 4, 0.1)
    >>> print(Y, Y.sum(axis=1))
    [[0.025 0.025 0.925 0.025]
     [0.925 0.025 0.025 0.025]] [1. 1.]
    >>> z = np.log(Y[0])                      # the minimiser: the gradient is 0 there
    >>> print(np.abs(sb.cross_entropy_grad(z, Y[0])).max() < 1e-15, round(z[2] - z[0], 6))
    True 3.610918
    """
    k = check_int(num_classes, "num_classes", 1)
    a = check_number(alpha, "alpha", 0)
    if a > 1:
        raise ValueError(f"`alpha` must be in [0, 1]; got {alpha}")
    Y = one_hot(labels, k)
    Y *= 1 - a
    Y += a / k
    return Y


def _batch(x, targets, name, target_name):
    """Rows x as (N, K) and targets as labels (N,) or distributions (N, K).

    `x` comes from `as_rows` (logits or probabilities). A single example, x of shape (K,)
    with a scalar label or a (K,) distribution, is a batch of one; any other target for it
    is refused in its own terms, not in those of the batch of one it becomes. Returns
    (x, labels, dists, single) with exactly one of labels/dists set.
    """
    targets = as_any_array(targets, target_name)
    single = x.ndim == 1
    if single:
        if targets.ndim > 0 and targets.shape != x.shape:
            raise ValueError(f"`{target_name}` for a single row of `{name}` (shape {x.shape}) must be a scalar label "
                             f"or a {x.shape} probability row; got shape {targets.shape}")
        x, targets = x[None], targets[None]
    n, k = x.shape
    if targets.ndim == 2:
        return x, None, as_distributions(targets, (n, k), target_name), single
    return x, as_labels(targets, n, k, target_name, rows=f"`{name}`"), None, single


def _logit_batch(logits, targets):
    """`_batch` for logits, with distribution targets in the logits' dtype."""
    z, labels, dists, single = _batch(as_rows(logits, "logits"), targets, "logits", "targets")
    return z, labels, None if dists is None else dists.astype(z.dtype, copy=False), single


def _row_losses(d, log_s, labels, dists):
    """Per-row cross-entropy from the shifted logits d = z - max and log(sum(exp(d)))."""
    if labels is not None:
        return log_s[:, 0] - d[np.arange(d.shape[0]), labels]
    # Only classes with y_k > 0 count: 0 * log(0) is 0 here (a masked class), not nan.
    y_log_p = np.multiply(dists, d - log_s, out=np.zeros_like(d), where=dists > 0)
    return -y_log_p.sum(axis=1)


def _mean_loss(rows, finite_target):
    """The mean of per-row losses; `finite_target[n]` says row n's target logits are finite.

    An infinite row loss is right for a target the logits mask out (-inf), and an overflow
    otherwise: its true class is more than the float range below the largest logit, e.g.
    logits (1e308, -1e308). The mean of losses that are each in range is taken without
    overflowing: (1e308 + 1e308) / 2 is 1e308.
    """
    over = np.isinf(rows) & finite_target
    if over.any():
        n = int(np.flatnonzero(over)[0])
        raise ValueError(f"the loss of row {n} is beyond {rows.dtype}'s range: its true class's logit lies more "
                         "than the largest float below the row's largest logit")
    with np.errstate(over="ignore"):
        mean = np.mean(rows)
    if np.isinf(mean) and np.isfinite(rows).all():
        mean = np.sum(rows / rows.size)
    return float(mean)


def _loss(z, labels, dists, mean=True):
    """Mean loss of validated (N, K) logits (None without `mean`), and the e = exp(z - max),
    ``rest`` it computed.

    The part `cross_entropy` and `cross_entropy_and_grad` share: the gradient reuses e (see
    `_shifted_exp`) to form the probabilities in place. The gradient alone needs no loss, and
    stays in range where the loss does not.
    """
    d, _, e, rest = _shifted_exp(z, -1, "logits")
    if not mean:
        return None, e, rest
    rows = _row_losses(d, np.log1p(rest), labels, dists)
    if labels is not None:
        finite_target = np.isfinite(z[np.arange(z.shape[0]), labels])
    else:
        finite_target = np.all(np.isfinite(z) | (dists == 0), axis=1)
    return _mean_loss(rows, finite_target), e, rest


def _loss_and_grad(z, labels, dists, mean=True):
    """Mean loss (None without `mean`) and its gradient (softmax(z) - Y) / N, the probabilities
    formed in place."""
    loss, grad, rest = _loss(z, labels, dists, mean)
    n = z.shape[0]
    grad /= 1 + rest
    if labels is not None:
        grad[np.arange(n), labels] -= 1
    else:
        grad -= dists
    grad /= n
    return loss, grad


def cross_entropy(logits, targets):
    r"""Mean cross-entropy :math:`-\frac1N \sum_n \sum_k Y_{nk} \log \operatorname{softmax}(Z_n)_k`.

    Parameters
    ----------
    logits : array_like, shape (N, K) or (K,)
        Unnormalised scores Z; finite or -inf (a masked class), at least one finite per row.
    targets : array_like
        Integer labels, shape (N,), or probability rows Y of shape (N, K) (soft targets,
        e.g. label smoothing). For a single row of logits, shape (K,): a scalar label or a
        (K,) probability row. Probability rows must sum to 1 to within K roundings of
        their own precision (float16 rows: float16's).

    Returns
    -------
    float
        The mean loss, in nats (natural log). 0 only for a certain, correct prediction.

    Notes
    -----
    With one-hot targets the inner sum keeps one term:
    :math:`-\log \hat y_{y_n} = \operatorname{logsumexp}(Z_n) - Z_{n, y_n}`, which is how it
    is computed: no probability is formed, so nothing underflows to log(0).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.cross_entropy(np.array([[800.0, -800.0]]), [1]))   # no overflow
    1600.0
    >>> print(round(sb.cross_entropy(np.zeros((2, 4)), [0, 3]), 6), round(np.log(4), 6))
    1.386294 1.386294
    """
    z, labels, dists, _ = _logit_batch(logits, targets)
    return _loss(z, labels, dists)[0]


def cross_entropy_grad(logits, targets):
    r"""The gradient of `cross_entropy` with respect to the logits: :math:`(\hat Y - Y)/N`.

    Parameters
    ----------
    logits, targets : array_like
        As for `cross_entropy`.

    Returns
    -------
    ndarray
        The shape of `logits`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.cross_entropy_grad(np.array([0.0, 0.0]), 1))   # (0.5 - 0, 0.5 - 1)
    [ 0.5 -0.5]
    """
    z, labels, dists, single = _logit_batch(logits, targets)
    grad = _loss_and_grad(z, labels, dists, mean=False)[1]
    return grad[0] if single else grad


def cross_entropy_and_grad(logits, targets):
    r"""Loss and gradient from one pass: ``(cross_entropy(...), cross_entropy_grad(...))``.

    Parameters
    ----------
    logits, targets : array_like
        As for `cross_entropy`.

    Returns
    -------
    loss : float
        The mean cross-entropy.
    grad : ndarray
        :math:`(\hat Y - Y)/N`, the shape of `logits`.

    Notes
    -----
    Both share :math:`Z - \max Z` and the exponentials; the probabilities are formed
    in place, which is why a training loop calls this rather than the two separately.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> loss, grad = sb.cross_entropy_and_grad(np.array([[2.0, 1.0, 0.1]]), [0])
    >>> print(round(loss, 4), grad.round(4), grad.sum().round(12))
    0.417 [[-0.341   0.2424  0.0986]] 0.0
    """
    z, labels, dists, single = _logit_batch(logits, targets)
    loss, grad = _loss_and_grad(z, labels, dists)
    return loss, grad[0] if single else grad


def cross_entropy_from_probs(y_true, y_pred):
    r"""Mean cross-entropy :math:`-\frac1N\sum_n\sum_k y_{nk} \log \hat y_{nk}` from probabilities.

    Use it when the model already gives probabilities; from logits, `cross_entropy` is
    more accurate.

    Parameters
    ----------
    y_true : array_like
        Integer labels, shape (N,), or probability rows, shape (N, K); for a single
        prediction a scalar label or a (K,) row.
    y_pred : array_like, shape (N, K) or (K,)
        Predicted probabilities; each row must sum to 1 to within K roundings of its own
        precision (float16 rows: float16's).

    Returns
    -------
    float
        The mean loss in nats; inf if a true class was given probability exactly 0.

    Examples
    --------
    >>> import softmaxbook as sb
    >>> print(round(sb.cross_entropy_from_probs(1, [0.228, 0.619, 0.153]), 5))   # -ln 0.619
    0.47965
    """
    given = as_any_array(y_pred, "y_pred")  # its dtype sets the tolerance of the row sums
    p, labels, y, _ = _batch(as_rows(given, "y_pred"), y_true, "y_pred", "y_true")
    p = as_distributions(p, p.shape, "y_pred", given_as=given.dtype)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the true surprise of an impossible class
        if y is not None:
            y_log_p = np.multiply(y, np.log(p), out=np.zeros_like(p), where=y > 0)
            return float(-np.mean(y_log_p.sum(axis=1)))
        return float(-np.mean(np.log(p[np.arange(p.shape[0]), labels])))
