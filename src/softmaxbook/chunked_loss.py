r"""Cross-entropy over a large vocabulary, chunk by chunk, never forming the N × K logits.

Apart from `losses` because it takes the two factors of the logits, Z = H W, not Z itself:
its point is the memory that Z would take.
"""

import numpy as np

from ._validate import as_array, as_labels, check_int
from .losses import _mean_loss
from .online import _merge, _partials


def _chunks(H, W, size):
    """(k0, Z[:, k0:k0 + size]) for each chunk of vocabulary, each computed into one reused buffer."""
    buf = np.empty((H.shape[0], min(size, W.shape[1])), H.dtype)
    for k0 in range(0, W.shape[1], size):
        Wc = W[:, k0:k0 + size]
        yield k0, Wc, np.matmul(H, Wc, out=buf[:, :Wc.shape[1]])


def _targets_in(y, k0, width):
    """The rows whose target is in the chunk [k0, k0 + width), and that target's column in it."""
    rows = np.flatnonzero((y >= k0) & (y < k0 + width))
    return rows, y[rows] - k0


def _normaliser(H, W, y, size):
    """First pass: each row's max m, its ``rest`` (the sum of e^(z - m) is 1 + rest) and its target's logit."""
    n = H.shape[0]
    m, rest, z_y = np.full(n, -np.inf, H.dtype), np.zeros(n, H.dtype), np.empty(n, H.dtype)
    # A logit beyond the float range (inf, or nan from inf - inf) is caught below, on the maxima.
    with np.errstate(over="ignore", invalid="ignore"):
        for k0, _, z in _chunks(H, W, size):
            rows, cols = _targets_in(y, k0, z.shape[1])
            z_y[rows] = z[rows, cols]
            m, rest = _merge(m, rest, *_partials(z, overwrite=True))
    # a logit beyond the range is inf, or nan (inf - inf): it shows in the max or, merged under a
    # larger max (nan compares as smaller), in the rest; a target's logit -inf overflowed too
    if not (np.isfinite(m).all() and np.isfinite(rest).all() and np.isfinite(z_y).all()):
        raise ValueError(f"the logits `H` @ `W` overflow {H.dtype}: a row has a logit beyond its range")
    return m, rest, z_y


def _gradients(H, W, y, m, log_d, size):
    """Second pass: each chunk's G_C = (softmax - Y)/N, formed in place and used at once for dW and dH."""
    n = H.dtype.type(H.shape[0])
    dH, dW = np.zeros_like(H), np.empty_like(W)
    for k0, Wc, g in _chunks(H, W, size):
        with np.errstate(over="ignore"):  # z - m below -1.8e308 is -inf, and e^-inf = 0 is right
            g -= m[:, None]
        g -= log_d[:, None]  # z - m - log d, not z - logsumexp: m + log d may round log d away
        np.exp(g, out=g)
        rows, cols = _targets_in(y, k0, g.shape[1])
        g[rows, cols] -= 1
        g /= n  # G_C, divided before the products so that they stay in range where the result is
        np.matmul(H.T, g, out=dW[:, k0:k0 + g.shape[1]])
        dH += g @ Wc.T
    return dH, dW


def chunked_cross_entropy(H, W, targets, chunk_size=1024):
    r"""Mean cross-entropy of the logits Z = H W and its gradients in H and W, without forming Z.

    Parameters
    ----------
    H : array_like, shape (N, D)
        The last hidden layer: one row of features per example, finite.
    W : array_like, shape (D, K)
        The output layer's weights, one column per class of the vocabulary, finite.
    targets : array_like of int, shape (N,)
        The true classes, in [0, K).
    chunk_size : int, optional
        How many classes (columns of W) are handled at a time, at least 1.

    Returns
    -------
    loss : float
        ``cross_entropy(H @ W, targets)``, to rounding.
    dH : ndarray, shape (N, D)
        :math:`\partial L / \partial H = G W^\top`, with :math:`G = (\operatorname{softmax}(Z) - Y)/N`.
    dW : ndarray, shape (D, K)
        :math:`\partial L / \partial W = H^\top G`. Both in the precision of H and W together.

    See Also
    --------
    cross_entropy_and_grad : the same from the logits held whole.
    online_logsumexp : the normaliser that the first pass carries, row by row.

    Notes
    -----
    Two passes over the vocabulary, each forming one (N, chunk_size) block of logits
    :math:`Z_C = H W_C` at a time. The first carries each row's running max and rescaled sum
    (the online normaliser) and picks out the targets' logits, giving
    :math:`L = \frac1N \sum_n (\operatorname{logsumexp}(Z_n) - Z_{n y_n})`. The second forms
    each chunk's gradient :math:`G_C = (e^{Z_C - \operatorname{logsumexp}(Z)} - Y_C)/N` and
    uses it at once:

    .. math:: \frac{\partial L}{\partial W_C} = H^\top G_C, \qquad
              \frac{\partial L}{\partial H} = \sum_C G_C W_C^\top.

    Memory beyond the gradients themselves: one (N, chunk_size) block, instead of the N × K
    logits and their gradient. The price is a second product H W and a second exponential of
    every logit. Wijmans et al. [1]_ do the same on a GPU, fused into one kernel per pass.
    Each chunk is a few mid-sized BLAS products: where other processes keep the cores busy,
    one BLAS thread (``threadpoolctl.threadpool_limits(1)``) can be several times faster.

    References
    ----------
    .. [1] Wijmans, E., Huval, B., Hertzberg, A., Koltun, V., & Krähenbühl, P. (2024).
       "Cut your losses in large-vocabulary language models". arXiv:2411.09009.
       https://arxiv.org/abs/2411.09009

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> rng = np.random.default_rng(0)
    >>> H, W, y = rng.normal(size=(4, 3)), rng.normal(size=(3, 10)), np.array([0, 9, 3, 3])
    >>> loss, dH, dW = sb.chunked_cross_entropy(H, W, y, chunk_size=4)
    >>> full, G = sb.cross_entropy_and_grad(H @ W, y)                 # forms all 4 x 10 logits
    >>> print(np.isclose(loss, full, rtol=1e-14), np.allclose(dH, G @ W.T), np.allclose(dW, H.T @ G))
    True True True
    """
    H = as_array(H, "H", shape=("N", "D"), nonempty=True)
    W = as_array(W, "W", shape=(H.shape[1], "K"), why=" (D, the columns of `H`)", nonempty=True)
    y = as_labels(targets, H.shape[0], W.shape[1], "targets", rows="`H`")
    size = check_int(chunk_size, "chunk_size", 1)
    dt = np.result_type(H, W)
    H, W = H.astype(dt, copy=False), W.astype(dt, copy=False)
    m, rest, z_y = _normaliser(H, W, y, size)
    log_d = np.log1p(rest)
    with np.errstate(over="ignore"):  # a row's loss beyond the range is refused by _mean_loss
        rows = (m - z_y) + log_d
    return _mean_loss(rows, np.ones(rows.shape, bool)), *_gradients(H, W, y, m, log_d, size)
