r"""The online normaliser: log-sum-exp in one pass over chunks, and the merge that splits the work.

Its own module because it is the one piece that `tiled_attention` and `chunked_cross_entropy`
build on. A part of the logits is summarised by its maximum m and
:math:`d = \sum_j e^{z_j - m}`; two parts merge by rescaling the smaller maximum's sum,

.. math:: m = \max(m_a, m_b), \qquad d = d_a e^{m_a - m} + d_b e^{m_b - m},

and :math:`\operatorname{logsumexp} = m + \log d` (Milakov & Gimelshein, 2018). The merge is
associative and commutative, so the parts may be reduced in any order and grouping.

Here d is kept as ``1 + rest``: ``rest`` sums every term but one maximal one (whose own term is
:math:`e^0 = 1`), so :math:`\log d` is taken as ``log1p(rest)``, exact even when rest is 1e-50,
as `logsumexp` does.
"""

from functools import reduce
from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, check_not_nan, check_number


class LogSumExpPartial(NamedTuple):
    """What a part of the logits contributes: its max, and ``rest`` with sum(e^(z - max)) = 1 + rest.

    A part holding nothing (empty, or only -inf) is ``(-inf, 0.0)``, which every merge leaves
    unchanged. Its log-sum-exp is ``max + log1p(rest)``.
    """

    max: float
    rest: float

    @property
    def sum_exp(self):
        """d, the sum of e^(z - max) over the part: 1 + rest, or 0 for a part that holds nothing."""
        return 0.0 if self.max == -np.inf else 1.0 + self.rest


EMPTY = LogSumExpPartial(-np.inf, 0.0)


def _partials(z, axis=-1, overwrite=False):
    """(max, rest) along `axis` of a validated float array; a slice of only -inf gives (-inf, 0).

    With `overwrite`, z itself holds the exponentials afterwards (no temporary of its size).
    """
    i = np.argmax(z, axis=axis, keepdims=True)
    m = np.take_along_axis(z, i, axis=axis)
    with np.errstate(over="ignore"):  # -1e308 - 1e308 is -inf, and exp(-inf) = 0 is right
        e = np.subtract(z, np.where(m == -np.inf, 0, m), out=z if overwrite else None)
    np.exp(e, out=e)
    np.put_along_axis(e, i, 0.0, axis=axis)
    return np.squeeze(m, axis), np.sum(e, axis=axis)


def _merge(m_a, rest_a, m_b, rest_b):
    """Elementwise merge of partials (arrays or scalars): the larger max keeps its rest, the other is rescaled.

    Written as ``rest_hi + rest_lo * s + s`` so that a tie (s = 1) sums the same two numbers in
    either order: the merge is commutative exactly, not only up to rounding.
    """
    a_wins = m_a >= m_b
    hi, lo = np.where(a_wins, m_a, m_b), np.where(a_wins, m_b, m_a)
    rest_hi, rest_lo = np.where(a_wins, rest_a, rest_b), np.where(a_wins, rest_b, rest_a)
    with np.errstate(over="ignore", invalid="ignore"):  # -inf - -inf: both hold nothing, s = 0 below
        s = np.where(lo == -np.inf, 0.0, np.exp(lo - hi))
    return hi, rest_hi + rest_lo * s + s


def _as_chunk(chunk, name):
    """A 1-D float64 chunk: empty or -inf entries allowed, nan and +inf refused."""
    z = as_float_array(chunk, name)
    if z.ndim != 1:
        hint = " (iterating over one array gives numbers: pass [z] or np.array_split(z, k))" if z.ndim == 0 else ""
        raise ValueError(f"`{name}` must have shape (n,), a 1-D chunk; got shape {z.shape}{hint}")
    check_not_nan(z, name)
    with np.errstate(over="ignore"):
        z64 = z.astype(np.float64, copy=False)
    if (np.isinf(z64) & ~np.isinf(z)).any():  # a longdouble beyond float64's range
        raise ValueError(f"`{name}` holds values beyond float64's range, in which it is computed")
    if np.isposinf(z64).any():
        raise ValueError(f"`{name}` must not contain +inf (a -inf entry is allowed: it masks an entry)")
    return z64


def partial_logsumexp(chunk):
    r"""The partial state of one chunk: its max m and ``rest``, with :math:`\sum_j e^{z_j - m} = 1 + \mathrm{rest}`.

    Parameters
    ----------
    chunk : array_like, shape (n,)
        Logits: finite or -inf; may be empty.

    Returns
    -------
    LogSumExpPartial
        The named pair ``(max, rest)`` as Python floats, computed in float64; ``(-inf, 0.0)``
        for a chunk that holds nothing (empty or only -inf). Its ``sum_exp`` is d = 1 + rest.

    See Also
    --------
    merge_partial_logsumexp : combines two partial states.
    online_logsumexp : reduces a stream of chunks to log-sum-exp.

    Notes
    -----
    The max's own term is :math:`e^0 = 1`; the others are summed apart, so that
    :math:`\log d = \operatorname{log1p}(\mathrm{rest})` keeps a tiny rest, as `logsumexp` does.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> p = sb.partial_logsumexp([0.0, np.log(3.0)])     # d = e^(0 - log 3) + 1 = 4/3
    >>> print(round(p.max, 6), round(p.rest, 6), round(p.sum_exp, 6))
    1.098612 0.333333 1.333333
    """
    z = _as_chunk(chunk, "chunk")
    if z.size == 0:
        return EMPTY
    return LogSumExpPartial(*map(float, _partials(z)))


def _check_partial(p, name):
    """A (max, rest) pair of real numbers: max < +inf, rest >= 0 and finite (0 where max is -inf)."""
    if not isinstance(p, tuple):
        raise TypeError(f"`{name}` must be a (max, rest) pair as partial_logsumexp returns; got {type(p).__name__}")
    if len(p) != 2:
        raise ValueError(f"`{name}` must be a (max, rest) pair; got {len(p)} items")
    m, rest = p
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}[0]`, the max, must be a real number; got {m!r}")
    try:
        with np.errstate(over="ignore"):
            beyond = np.isinf(float(m)) and np.isfinite(m)  # a longdouble beyond float64's range
    except OverflowError:  # a Python int beyond it
        beyond = True
    if beyond:
        raise ValueError(f"`{name}[0]`, the max, is beyond float64's range")
    m = float(m)
    if np.isnan(m) or m == np.inf:
        raise ValueError(f"`{name}[0]`, the max, must not be nan or +inf; got {m}")
    rest = check_number(rest, f"{name}[1]", 0)
    if m == -np.inf and rest != 0:
        raise ValueError(f"`{name}` holds nothing (max -inf), so its rest must be 0; got {rest}")
    return float(m), float(rest)


def merge_partial_logsumexp(a, b):
    r"""Merge the partial states of two parts of the logits into the state of both.

    .. math:: m = \max(m_a, m_b), \qquad d = d_a\, e^{m_a - m} + d_b\, e^{m_b - m}

    Parameters
    ----------
    a, b : LogSumExpPartial or tuple of two floats
        Partial states ``(max, rest)``, as `partial_logsumexp` returns.

    Returns
    -------
    LogSumExpPartial
        The state of the two parts together.

    See Also
    --------
    partial_logsumexp : the state of one chunk.
    online_logsumexp : merges the states of a stream of chunks, in order.

    Notes
    -----
    Only the sum under the smaller max is rescaled, by :math:`e^{m_{lo} - m_{hi}} \le 1`: no
    overflow. The merge is commutative (exactly) and associative (to rounding), with
    ``(-inf, 0.0)``, the state of nothing, as its identity: the parts can be reduced in any
    order and grouping, e.g. as a tree across the threads of a GPU.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> a, b = sb.partial_logsumexp([1000.0, 0.0]), sb.partial_logsumexp([1000.0])
    >>> ab = sb.merge_partial_logsumexp(a, b)
    >>> print(ab.max + np.log1p(ab.rest), float(sb.logsumexp([1000.0, 0.0, 1000.0])))
    1000.6931471805599 1000.6931471805599
    >>> ab == sb.merge_partial_logsumexp(b, a)
    True
    """
    a, b = _check_partial(a, "a"), _check_partial(b, "b")
    with np.errstate(over="ignore"):
        m, rest = map(float, _merge(*a, *b))
    if rest == np.inf:  # a chunk's rest is below its length: no real chunks sum past 1.8e308
        raise ValueError(f"the rests of `a` and `b` ({a[1]:g} and {b[1]:g}) sum beyond float64's range: "
                         "a rest is below its chunk's length, so these are not partial states of real chunks")
    return LogSumExpPartial(m, rest)


def _chunk_partials(chunks):
    """The partial state of each chunk of the iterable `chunks`, read once, validated on the way."""
    if isinstance(chunks, (str, bytes)) or not hasattr(chunks, "__iter__"):
        raise TypeError(f"`chunks` must be an iterable of 1-D arrays; got {type(chunks).__name__}")
    for i, chunk in enumerate(chunks):
        z = _as_chunk(chunk, f"chunks[{i}]")
        yield EMPTY if z.size == 0 else _partials(z)


def online_logsumexp(chunks):
    r"""Compute :math:`\log \sum_j e^{z_j}` in one pass over the chunks of z, without overflow.

    Parameters
    ----------
    chunks : iterable of array_like, each of shape (n_i,)
        The logits in parts: a list, or a generator (each chunk is read once). Entries finite
        or -inf; a chunk may be empty; at least one entry in all must be finite.

    Returns
    -------
    float
        The log-sum-exp of all the entries, as `logsumexp` of their concatenation gives it.

    See Also
    --------
    logsumexp : the same for an array held whole.
    partial_logsumexp : the state of one chunk.
    merge_partial_logsumexp : the step that folds each chunk into the running state.

    Notes
    -----
    A running max m and sum :math:`d = \sum_j e^{z_j - m}` are carried; when a chunk brings a
    larger max, the sum so far is rescaled by :math:`e^{m_{old} - m_{new}}` (Milakov and
    Gimelshein [1]_):

    .. math:: m' = \max(m, m_c), \qquad d' = d\, e^{m - m'} + d_c\, e^{m_c - m'},
              \qquad \operatorname{logsumexp}(z) = m + \log d.

    The memory is that of one chunk, whatever the length of z. It is the normaliser that
    FlashAttention carries along the rows of attention (`tiled_attention`).

    References
    ----------
    .. [1] Milakov, M., & Gimelshein, N. (2018). "Online normalizer calculation for softmax".
       arXiv:1805.02867. https://arxiv.org/abs/1805.02867

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> z = np.array([1.0, 1000.0, -np.inf, 3.0, 999.0])
    >>> chunks = (z[i:i + 2] for i in range(0, z.size, 2))      # a generator: read once
    >>> print(sb.online_logsumexp(chunks), float(sb.logsumexp(z)))
    1000.3132616875182 1000.3132616875182
    """
    m, rest = reduce(lambda s, c: _merge(*s, *c), _chunk_partials(chunks), EMPTY)
    if m == -np.inf:
        raise ValueError("`chunks` hold no finite entry (nothing at all, or only -inf): the sum of e^z is 0")
    return float(m + np.log1p(rest))
