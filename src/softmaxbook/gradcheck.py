r"""Central differences: the independent check of every derivative in the book.

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

with error :math:`O(h^2)` from the Taylor series plus :math:`O(\epsilon / h)` from rounding;
:math:`h = 10^{-6}` balances the two for float64 (about 1e-10 relative).
"""

import numpy as np

from ._validate import as_float_array


def numerical_jacobian(f, x, h=1e-6):
    r"""Central-difference Jacobian :math:`\partial f(x)_i / \partial x_j` of `f` at `x`.

    Parameters
    ----------
    f : callable
        Maps an array of the shape of `x` to an array (or a scalar). `f` must not keep a
        reference to its argument: it is called on one array that is changed in place.
    x : array_like
        The point, computed in float64.
    h : float, optional
        The step.

    Returns
    -------
    ndarray
        Shape ``f(x).shape + x.shape``.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> z = np.array([0.0, 4.0, 5.0])
    >>> J = sb.numerical_jacobian(sb.softmax, z)
    >>> print(np.allclose(J, sb.softmax_jacobian(z), atol=1e-9))
    True
    """
    x = as_float_array(x, "x").astype(np.float64, copy=True)
    fx = np.asarray(f(x), dtype=np.float64)
    J = np.empty(fx.shape + x.shape)
    for j in np.ndindex(x.shape):
        xj = x[j]
        x[j] = xj + h
        up = np.asarray(f(x), dtype=np.float64)
        x[j] = xj - h
        down = np.asarray(f(x), dtype=np.float64)
        x[j] = xj
        J[(...,) + j] = (up - down) / (2 * h)
    return J


def numerical_gradient(f, x, h=1e-6):
    r"""Central-difference gradient of a scalar function `f` at `x`, the shape of `x`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> g = sb.numerical_gradient(lambda z: float(sb.logsumexp(z)), np.array([1.0, 2.0]))
    >>> print(np.allclose(g, sb.softmax(np.array([1.0, 2.0]))))   # d logsumexp = softmax
    True
    """
    if np.ndim(f(np.asarray(x, dtype=np.float64))) != 0:
        raise ValueError("`f` must return a scalar for a gradient; use numerical_jacobian")
    return numerical_jacobian(f, x, h)


def relative_error(a, b):
    r"""Norm-wise relative difference :math:`\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)`.

    0 when equal, at most 1. Norm-wise rather than entry by entry: a central difference
    has an *absolute* rounding error of about :math:`\epsilon |f| / h`, which would swamp
    the entry-wise relative error of a gradient entry that happens to be near 0. For a
    correct gradient in float64, expect about 1e-9 or less; a wrong one gives 1e-2 or more.

    Examples
    --------
    >>> import softmaxbook as sb
    >>> print(f"{sb.relative_error([3.0, 4.0], [3.0, 4.00001]):.1e}")
    1.0e-06
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0
