r"""Attention computed tile by tile with the online normaliser: exact, in the memory of one tile.

Its own module because attention is the one place in the book where softmax sits between two
matrix products; each query row carries the online normaliser of `online` along its output.
"""

import numpy as np

from ._validate import as_array, check_bool, check_int


def _attend(q, K, V, first, b, causal):
    """Attention output of the query rows first, first + 1, ... (the block q, already scaled)."""
    n_q = q.shape[0]
    m = np.full(n_q, -np.inf, q.dtype)   # running max of each row's scores
    ell = np.zeros(n_q, q.dtype)          # running sum of e^(score - m)
    # the output so far, normalised (a weighted mean of the rows of V seen so far, so it stays
    # within V's range; the sum e^(score - m) v_j itself could overflow for |v| near 1e308)
    acc = np.zeros((n_q, V.shape[1]), q.dtype)
    stop = first + n_q if causal else K.shape[0]  # causal: no query of this block sees a key beyond it
    for j in range(0, stop, b):
        with np.errstate(over="ignore", invalid="ignore"):  # a score beyond the range is caught below
            s = q @ K[j:j + b].T
        if causal and j + s.shape[1] > first + 1:  # the tile crosses the diagonal: hide the future
            s[np.arange(first, first + n_q)[:, None] < np.arange(j, j + s.shape[1])] = -np.inf
        m_new = np.maximum(m, s.max(axis=1))
        if not np.isfinite(m_new).all():
            raise ValueError(f"`Q` @ `K`.T overflows {q.dtype}: a score, or a partial sum of its dot product,"
                             " is beyond the range")
        with np.errstate(over="ignore"):  # a difference below -1.8e308 is -inf, and e^-inf = 0 is right
            s -= m_new[:, None]
            alpha = np.exp(m - m_new)      # rescales what was summed under the old max
        np.exp(s, out=s)
        ell_new = ell * alpha + s.sum(axis=1)
        s /= ell_new[:, None]
        acc *= (ell * alpha / ell_new)[:, None]
        acc += s @ V[j:j + b]
        m, ell = m_new, ell_new
    return acc


def tiled_attention(Q, K, V, block_size=64, causal=False):
    r"""Scaled dot-product attention :math:`\operatorname{softmax}(QK^\top/\sqrt d)\,V`, tile by tile.

    Parameters
    ----------
    Q : array_like, shape (n, d)
        The queries, finite.
    K : array_like, shape (m, d)
        The keys, finite, as many columns as `Q`.
    V : array_like, shape (m, d_v)
        The values, finite, one row per key.
    block_size : int, optional
        The side of a tile: `block_size` queries against `block_size` keys at a time (at least 1).
    causal : bool, optional
        If True, query i attends to keys j <= i only (a language model's mask); needs n == m.

    Returns
    -------
    ndarray, shape (n, d_v)
        Row i is :math:`\sum_j \operatorname{softmax}(s_i)_j\, v_j` with
        :math:`s_{ij} = q_i \cdot k_j / \sqrt d`, in the inputs' common precision (float32
        stays float32; float16 and bfloat16 are computed in float32).

    See Also
    --------
    online_logsumexp : the running max and rescaled sum, for one row of scores.
    softmax : the normalisation each row of scores goes through.

    Notes
    -----
    The n × m scores are never held: for each tile of queries the keys are visited one tile
    at a time, and each query row carries its running max :math:`m_i`, its sum
    :math:`\ell_i` and its output so far :math:`o_i`, already normalised. A tile of scores
    :math:`S = Q_I K_J^\top / \sqrt d` updates them as

    .. math:: m_i' = \max\big(m_i, \max_{j \in J} S_{ij}\big), \qquad
              \ell_i' = \ell_i\, e^{m_i - m_i'} + \sum_{j \in J} e^{S_{ij} - m_i'}, \qquad
              o_i' = \frac{\ell_i\, e^{m_i - m_i'}}{\ell_i'}\, o_i
                     + \sum_{j \in J} \frac{e^{S_{ij} - m_i'}}{\ell_i'}\, v_j,

    and after the last tile :math:`o_i` is the row's output: the same sum as the full softmax,
    only grouped differently, so the result is exact (to rounding), not an approximation. Each
    :math:`o_i` is a weighted mean of rows of V, so it never leaves V's range (the unnormalised
    sum could overflow for entries of V near 1e308). Memory beyond the output: a tile of
    scores, ``block_size²`` numbers. This is the algorithm of FlashAttention (Dao et al. [1]_);
    Rabe and Staats [2]_ showed the same memory saving with the sums kept per chunk.

    References
    ----------
    .. [1] Dao, T., Fu, D. Y., Ermon, S., Rudra, A., & Ré, C. (2022). "FlashAttention: Fast
       and memory-efficient exact attention with IO-awareness". arXiv:2205.14135.
       https://arxiv.org/abs/2205.14135
    .. [2] Rabe, M. N., & Staats, C. (2021). "Self-attention does not need O(n²) memory".
       arXiv:2112.05682. https://arxiv.org/abs/2112.05682

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> rng = np.random.default_rng(0)
    >>> Q, K, V = rng.normal(size=(5, 4)), rng.normal(size=(7, 4)), rng.normal(size=(7, 2))
    >>> full = sb.softmax(Q @ K.T / np.sqrt(4)) @ V                 # holds all 5 x 7 scores
    >>> print(np.allclose(sb.tiled_attention(Q, K, V, block_size=3), full, rtol=1e-14, atol=0))
    True
    >>> print(sb.tiled_attention(Q, Q, V[:5], block_size=2, causal=True)[0] == V[0])   # row 0 sees itself only
    [ True  True]
    """
    Q = as_array(Q, "Q", shape=("n", "d"), nonempty=True)
    K = as_array(K, "K", shape=("m", Q.shape[1]), why=" (d, the columns of `Q`)", nonempty=True)
    V = as_array(V, "V", shape=(K.shape[0], "d_v"), why=" (m, the rows of `K`)", nonempty=True)
    b = check_int(block_size, "block_size", 1)
    if check_bool(causal, "causal") and Q.shape[0] != K.shape[0]:
        raise ValueError(f"`causal` attention needs one key per query (n == m); got n = {Q.shape[0]}, m = {K.shape[0]}")
    dt = np.result_type(Q, K, V)
    Q = Q.astype(dt, copy=False) * dt.type(1 / np.sqrt(Q.shape[1]))
    K, V = K.astype(dt, copy=False), V.astype(dt, copy=False)
    out = np.empty((Q.shape[0], V.shape[1]), dt)
    for i in range(0, Q.shape[0], b):
        out[i:i + b] = _attend(Q[i:i + b], K, V, i, b, causal)
    return out
