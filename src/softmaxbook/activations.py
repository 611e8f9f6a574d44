r"""Sigmoid, softmax and their logarithmic relatives, stable for every finite input.

Every softmax-family function shifts by the row maximum :math:`m = \max_j z_j`, so the
largest exponent is :math:`e^0 = 1` and nothing overflows:

.. math:: \operatorname{softmax}(z)_i = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}, \qquad
          \operatorname{logsumexp}(z) = m + \log \sum_j e^{z_j - m}.
"""

import numpy as np

from ._validate import as_float_array, as_logits_along, check_bool, check_not_nan, check_row_max


def sigmoid(x):
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise.

    Parameters
    ----------
    x : array_like
        Real numbers; :math:`\pm\infty` give the limits 1 and 0.

    Returns
    -------
    ndarray or scalar
        Values in [0, 1], in the input's precision: float32 for float16, bfloat16, float8 or
        float32 input, longdouble for longdouble, float64 for everything else (float64,
        integers).

    See Also
    --------
    sigmoid_grad : its derivative, :math:`\sigma(1 - \sigma)`.
    softmax : the same idea for K classes.

    Notes
    -----
    Computed from :math:`e^{-|x|} \le 1`, which never overflows:
    :math:`\sigma(x) = 1/(1 + e^{-|x|})` for :math:`x \ge 0` and
    :math:`e^{-|x|}/(1 + e^{-|x|})` for :math:`x < 0`. The sigmoid is the two-class
    softmax: :math:`\sigma(x) = \operatorname{softmax}([x, 0])_0`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.sigmoid(np.array([-1000.0, 0.0, 2.0, 1000.0])).round(4))
    [0.     0.5    0.8808 1.    ]
    """
    x = as_float_array(x, "x")
    check_not_nan(x, "x")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def sigmoid_grad(x):
    r"""The sigmoid's derivative :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`.

    Parameters
    ----------
    x : array_like
        Real numbers.

    Returns
    -------
    ndarray or scalar
        Values in [0, 1/4], the maximum at x = 0.

    See Also
    --------
    sigmoid : the function itself.

    Notes
    -----
    Evaluated as :math:`e^{-|x|}/(1 + e^{-|x|})^2`, which equals
    :math:`\sigma(x)\sigma(-x)`: the form :math:`\sigma(1-\sigma)` would round
    :math:`1 - \sigma(x)` to 0 for x > 37 and lose all relative accuracy.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.sigmoid_grad(np.array([0.0, 2.0])).round(4))
    [0.25  0.105]
    """
    x = as_float_array(x, "x")
    check_not_nan(x, "x")
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


def _shift_by_max(z, axis, name):
    """Return d = z - max(z) along `axis` (every d <= 0), the max and its index.

    `z` comes validated (`as_logits_along`); its finiteness is checked here, on the maxima.
    """
    i = np.argmax(z, axis=axis, keepdims=True)
    m = np.take_along_axis(z, i, axis=axis)
    check_row_max(m, name)
    # In a row like [1e308, -1e308] the shifted value -2e308 is below the float range: -inf
    # is its correct rounding (exp gives 0), so the overflow warning is expected.
    with np.errstate(over="ignore"):
        return z - m, m, i


def _shifted_exp(z, axis, name):
    """Return d = z - max, the max m, e = exp(d), and ``rest``, with sum(e) = 1 + rest.

    The max contributes e^0 = 1 and ``rest`` is the sum of the others. Summing ``rest`` on
    its own and taking log1p(rest) keeps log(sum(e)) accurate to a few ulps *relative* even
    when rest is far below float64's resolution of 1 (a dominant class with
    log-probability -1e-50), where log(1 + rest) would round to 0.
    """
    d, m, i = _shift_by_max(z, axis, name)
    e = np.exp(d)
    np.put_along_axis(e, i, 0.0, axis=axis)
    rest = np.sum(e, axis=axis, keepdims=True)
    np.put_along_axis(e, i, 1.0, axis=axis)
    return d, m, e, rest


def logsumexp(z, axis=-1, keepdims=False):
    r"""Compute :math:`\log \sum_j e^{z_j}` along `axis` without overflow.

    Parameters
    ----------
    z : array_like
        Logits; finite or -inf (a masked entry), at least one finite per slice.
    axis : int, optional
        The axis to reduce. Default: the last.
    keepdims : bool, optional
        Keep the reduced axis with length 1, for broadcasting against `z`.

    Returns
    -------
    ndarray or scalar
        The log-sum-exp of each slice, in the input's precision: float32 for float16,
        bfloat16, float8 or float32 input, longdouble for longdouble, float64 for everything
        else (float64, integers). Low-precision input is computed in float32, as `softmax`
        says why.

    See Also
    --------
    softmax : the gradient of `logsumexp`.
    log_softmax : :math:`z - \operatorname{logsumexp}(z)`.

    Notes
    -----
    With :math:`m = \max_j z_j`,

    .. math:: \operatorname{logsumexp}(z) = m + \log \sum_j e^{z_j - m},

    where the sum lies in [1, K], so its log is in [0, log K] and
    :math:`m \le \operatorname{logsumexp}(z) \le m + \log K`. The gradient of `logsumexp`
    is `softmax`. The result is exact to a few ulps relative to itself unless
    :math:`m` and the log of the sum nearly cancel (a result near 0 from logits
    that are not), where the problem itself is ill-conditioned. The shift and the
    ``log1p`` of the sum without the max's term follow Blanchard, Higham and Higham [1]_.

    References
    ----------
    .. [1] Blanchard, P., Higham, D. J., & Higham, N. J. (2021). "Accurate computation of
       the log-sum-exp and softmax functions". *IMA Journal of Numerical Analysis*, 41(4),
       2311–2330. https://doi.org/10.1093/imanum/draa038

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> float(sb.logsumexp([1000.0, 1000.0]))   # np.log(np.sum(np.exp(...))) gives inf
    1000.6931471805599
    """
    z, axis = as_logits_along(z, axis)
    keepdims = check_bool(keepdims, "keepdims")
    d, m, e, rest = _shifted_exp(z, axis, "z")
    out = m + np.log1p(rest)
    return out if keepdims else np.squeeze(out, axis=axis)[()]


def softmax(z, axis=-1):
    r"""The softmax :math:`\operatorname{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}` along `axis`.

    Parameters
    ----------
    z : array_like
        Logits; finite or -inf (a masked class, probability exactly 0).
    axis : int, optional
        The axis along which the probabilities sum to 1. Default: the last.

    Returns
    -------
    ndarray
        Probabilities of the shape of `z`, in the input's precision: float32 for float16,
        bfloat16, float8 or float32 input, longdouble for longdouble, float64 for everything
        else (float64, integers).

    See Also
    --------
    log_softmax : its logarithm, accurate where ``np.log(softmax(z))`` is not.
    logsumexp : its normaliser, :math:`\log \sum_j e^{z_j}`; softmax is its gradient.
    naive_softmax : the unshifted formula, which overflows.

    Notes
    -----
    Softmax is unchanged by adding a constant to every logit, so it is computed from
    :math:`z - \max z`, whose largest exponent is :math:`e^0 = 1`: no overflow, and the sum
    of the exponentials is at least 1, so no division by zero. Blanchard, Higham and
    Higham [1]_ show that the shift costs no accuracy: the shifted formula's rounding-error
    bounds are as small as the unshifted one's, without its overflow.

    float16, and bfloat16 and the float8s of the ``ml_dtypes`` package, are computed in
    float32 and returned in float32, as frameworks do under mixed precision (autocast runs
    softmax in float32): a bfloat16 probability would keep 8 significant bits (2 to 3
    decimal digits), and a row of them would sum to 1 only within 1/256. Every value of
    these types is exact in float32, and float32's range covers theirs, so nothing
    overflows; cast the result down to store it small.

    References
    ----------
    .. [1] Blanchard, P., Higham, D. J., & Higham, N. J. (2021). "Accurate computation of
       the log-sum-exp and softmax functions". *IMA Journal of Numerical Analysis*, 41(4),
       2311–2330. https://doi.org/10.1093/imanum/draa038

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> p = sb.softmax(np.array([1.0, 0.0, 3.0, 5.0]))
    >>> print(p.round(5), p.sum().round(12))
    [0.01578 0.00581 0.11663 0.86178] 1.0
    >>> print(sb.softmax(np.array([1000.0, 0.0, -np.inf])))   # the naive form gives nan
    [1. 0. 0.]
    """
    z, axis = as_logits_along(z, axis)
    p, _, _ = _shift_by_max(z, axis, "z")
    np.exp(p, out=p)
    p /= np.sum(p, axis=axis, keepdims=True)
    return p


def log_softmax(z, axis=-1):
    r"""The log-probabilities :math:`z - \operatorname{logsumexp}(z)` along `axis`.

    Parameters
    ----------
    z : array_like
        Logits; finite or -inf (a masked class, log-probability -inf).
    axis : int, optional
        The axis of the classes. Default: the last.

    Returns
    -------
    ndarray
        Log-probabilities of the shape of `z`, in the precision `softmax` gives (float16,
        bfloat16 and float8 input: float32).

    See Also
    --------
    softmax : the probabilities themselves.
    logsumexp : the normaliser that `log_softmax` subtracts.

    Notes
    -----
    ``np.log(softmax(z))`` gives -inf once a probability underflows, and loses the
    relative accuracy of a log-probability near 0. Here

    .. math:: \log \operatorname{softmax}(z)_i = (z_i - m) - \log \sum_j e^{z_j - m},

    both terms are <= 0 (no cancellation), and the log of the sum is taken as
    ``log1p`` of the sum without the max's own term, exact even when that is 1e-50
    (the approach of Blanchard, Higham and Higham [1]_).

    References
    ----------
    .. [1] Blanchard, P., Higham, D. J., & Higham, N. J. (2021). "Accurate computation of
       the log-sum-exp and softmax functions". *IMA Journal of Numerical Analysis*, 41(4),
       2311–2330. https://doi.org/10.1093/imanum/draa038

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.log_softmax(np.array([1000.0, 1.0])))   # np.log(softmax) gives -inf
    [   0. -999.]
    >>> print(sb.log_softmax(np.array([0.0, -120.0]))[0])
    -7.667648073722e-53
    """
    z, axis = as_logits_along(z, axis)
    d, m, e, rest = _shifted_exp(z, axis, "z")
    d -= np.log1p(rest)
    return d


def naive_softmax(z, axis=-1):
    r"""The textbook :math:`e^{z_i} / \sum_j e^{z_j}` with no shift: overflows on purpose.

    For teaching only: it shows why `softmax` subtracts the max. Beyond
    :math:`z \approx 709.8` (float64) or :math:`88.7` (float32), :math:`e^z` is inf and the
    result holds nan; overflow warnings are silenced, since the nan is the lesson.

    Parameters
    ----------
    z : array_like
        Logits; finite or -inf, at least one finite per slice (the rules of `softmax`).
    axis : int, optional
        The axis along which to normalise. Default: the last.

    Returns
    -------
    ndarray
        The naive result, nan where it broke.

    See Also
    --------
    softmax : the stable version, shifted by the max.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.naive_softmax(np.array([1.0, 2.0])).round(4))
    [0.2689 0.7311]
    >>> print(sb.naive_softmax(np.array([1000.0, 1.0])))
    [nan  0.]
    """
    z, axis = as_logits_along(z, axis)
    check_row_max(np.max(z, axis=axis), "z")  # the input obeys softmax's rules; only exp overflows
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)
