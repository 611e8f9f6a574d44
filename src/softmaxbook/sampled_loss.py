r"""Sampled softmax: the cross-entropy's normaliser estimated from a sample of the classes.

Apart from `losses` because it is an estimate of the loss, random through its sample, not the
loss itself; the chapter measures how its gradient's bias and variance shrink as S grows.
"""

import numpy as np

from ._validate import as_any_array, as_distributions, as_labels, as_rows
from .activations import _shifted_exp


def sampled_softmax_loss(logits, targets, sampled, q):
    r"""Sampled-softmax loss with the log Q correction, and its gradient in the logits.

    Each row's partition function :math:`Z = \sum_k e^{z_k}` is replaced by the estimate

    .. math:: \hat Z = e^{z_t} + \sum_{s=1}^{S} [c_s \ne t]\, \frac{e^{z_{c_s}}}{S\, q_{c_s}},

    unbiased for Z when :math:`c_1, \dots, c_S` are drawn with replacement from q, and the
    row's loss is :math:`\log \hat Z - z_t`: a softmax cross-entropy over the target and the
    sampled classes, whose logits are corrected by :math:`-\log(S q_c)`, the log of the
    expected count of c in the sample (the target is there once, surely: no correction).

    Parameters
    ----------
    logits : array_like, shape (N, K)
        The logits; only the columns of the targets and of the sampled classes are read.
        Finite or -inf.
    targets : array_like of int, shape (N,)
        The true classes t, in [0, K).
    sampled : array_like of int, shape (S,)
        Classes drawn with replacement from `q`, shared by the whole batch, S >= 1. A drawn
        class equal to a row's target is left out of that row (an accidental hit).
    q : array_like, shape (K,)
        The proposal the classes were drawn from: a distribution, positive at every sampled class.

    Returns
    -------
    loss : float
        The mean over the batch of :math:`\log \hat Z - z_t`.
    grad : ndarray, shape (N, K)
        Its gradient in the logits: :math:`(\hat p_t - 1)/N` at the target and
        :math:`\hat p_c / N` summed over the draws of each sampled class c, where
        :math:`\hat p` is the softmax of the corrected logits; 0 in every other column.

    See Also
    --------
    cross_entropy_and_grad : the loss and gradient with the exact normaliser.

    Notes
    -----
    :math:`\hat Z` is unbiased, but :math:`\log \hat Z` and the gradient are not: by Jensen's
    inequality :math:`E[\log \hat Z] \le \log Z`. Both converge to the exact ones as S grows,
    the bias shrinking like 1/S. The correction is that of Jean et al. [1]_; without it the
    classes q favours would be counted too often.

    References
    ----------
    .. [1] Jean, S., Cho, K., Memisevic, R., & Bengio, Y. (2015). "On using very large target
       vocabulary for neural machine translation". arXiv:1412.2007.
       https://arxiv.org/abs/1412.2007

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> z, y, q = np.array([[2.0, 1.0, 0.1, -1.0]]), np.array([0]), np.full(4, 0.25)
    >>> loss, grad = sb.sampled_softmax_loss(z, y, [0, 1, 2, 3], q)   # S q_c = 1: Z exactly
    >>> print(round(loss, 12) == round(sb.cross_entropy(z, y), 12), np.allclose(grad, sb.cross_entropy_grad(z, y)))
    True True
    >>> rng = np.random.default_rng(0)
    >>> c = rng.choice(4, size=2, p=q)                                  # two draws: classes 2 and 1
    >>> loss, grad = sb.sampled_softmax_loss(z, y, c, q)
    >>> print(c, round(loss, 4), grad.round(4))                        # the exact loss is 0.417
    [2 1] 0.7104 [[-0.5086  0.3616  0.147   0.    ]]
    """
    z = as_rows(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"`logits` must have shape (N, K); got shape {z.shape}")
    n, k = z.shape
    t = as_labels(targets, n, k, "targets", rows="`logits`")
    if np.ndim(as_any_array(sampled, "sampled")) != 1:
        raise ValueError(f"`sampled` must have shape (S,); got shape {np.shape(sampled)}")
    c = as_labels(sampled, None, k, "sampled")
    if c.size == 0:
        raise ValueError("`sampled` must hold at least one class; got none")
    q = as_any_array(q, "q")
    if q.shape != (k,):
        raise ValueError(f"`q` must have shape ({k},) (K, the columns of `logits`); got shape {q.shape}")
    q = as_distributions(q[None], (1, k), "q")[0]
    if not (q[c] > 0).all():
        bad = c[q[c] <= 0][0]
        raise ValueError(f"`q` must be > 0 at every sampled class; q[{bad}] = {q[bad]}")
    with np.errstate(divide="ignore"):  # a hit's -inf masks it
        u = np.concatenate([z[np.arange(n), t][:, None], z[:, c] - np.log(c.size * q[c])], axis=1)
    u[:, 1:][c == t[:, None]] = -np.inf
    d, _, e, rest = _shifted_exp(u, -1, "logits")
    loss = float(np.mean(np.log1p(rest[:, 0]) - d[:, 0]))
    p = e / (1 + rest) / n
    grad = np.zeros_like(z)
    grad[np.arange(n), t] += p[:, 0] - 1 / n
    np.add.at(grad, (np.arange(n)[:, None], c), p[:, 1:])
    return loss, grad
