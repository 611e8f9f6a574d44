r"""Central differences: the independent check of every derivative in the book.

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

with error :math:`O(h^2)` from the Taylor series plus :math:`O(\epsilon / h)` from rounding;
:math:`h = 10^{-6}` balances the two for float64 (about 1e-10 relative).
"""

import numpy as np

from ._validate import as_array, check_callable, check_number


def _value(f, x, shape, why=""):
    """f(x) as a finite float64 array of the given shape (None: any), never a view of x.

    An f that returns its argument or a view of it (``lambda v: v[::-1]``) would otherwise
    see f(x + h) change under it when x moves on to x - h.
    """
    out = as_array(f(x), "f(x)", shape, why).astype(np.float64, copy=False)
    return out.copy() if np.may_share_memory(out, x) else out


def _central_differences(f, x, h, scalar):
    """The Jacobian of f at x; with `scalar`, f must return a scalar (a gradient)."""
    f, h = check_callable(f, "f"), check_number(h, "h", minimum=0, strict=True)
    # A private copy: the loop below moves one entry at a time and must not touch the caller's x.
    x = as_array(x, "x", nonempty=True).astype(np.float64, copy=True)
    fx = _value(f, x, () if scalar else None, " (a scalar, for a gradient: use numerical_jacobian otherwise)")
    J = np.empty(fx.shape + x.shape)
    for j in np.ndindex(x.shape):
        xj = x[j]
        x[j] = xj + h
        up = _value(f, x, fx.shape, " (the shape of `f` at `x`)")
        x[j] = xj - h
        down = _value(f, x, fx.shape, " (the shape of `f` at `x`)")
        x[j] = xj
        J[(...,) + j] = (up - down) / (2 * h)
    return J


def numerical_jacobian(f, x, h=1e-6):
    r"""Central-difference Jacobian :math:`\partial f(x)_i / \partial x_j` of `f` at `x`.

    Parameters
    ----------
    f : callable
        Maps an array of the shape of `x` to an array (or a scalar) of real numbers,
        finite at and near `x`. `f` must not keep a reference to its argument: it is called
        on one array that is changed in place (a copy of `x`; `x` itself is not touched).
    x : array_like
        The point, finite and non-empty; computed in float64.
    h : float, optional
        The step, > 0.

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
    return _central_differences(f, x, h, scalar=False)


def numerical_gradient(f, x, h=1e-6):
    r"""Central-difference gradient :math:`\nabla f(x)` of a scalar function `f` at `x`.

    Parameters
    ----------
    f : callable
        Maps an array of the shape of `x` to a real scalar, finite at and near `x`; called
        on a copy of `x` that is changed in place.
    x : array_like
        The point, finite and non-empty; computed in float64.
    h : float, optional
        The step, > 0.

    Returns
    -------
    ndarray
        :math:`\partial f / \partial x`, the shape of `x`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> g = sb.numerical_gradient(lambda z: float(sb.logsumexp(z)), np.array([1.0, 2.0]))
    >>> print(np.allclose(g, sb.softmax(np.array([1.0, 2.0]))))   # d logsumexp = softmax
    True
    """
    return _central_differences(f, x, h, scalar=True)


def relative_error(a, b):
    r"""Norm-wise relative difference :math:`\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)`.

    0 when equal, at most 1, and right for every finite input: both arrays are first scaled
    by the power of 2 just above their largest magnitude, which leaves the ratio as it was
    (a power of 2 scales exactly, bar entries below 2**-1074 of the largest, too small to
    count), so no square in the norms overflows (1e200) or underflows (1e-200).

    Norm-wise rather than entry by entry: a central difference has an *absolute* rounding
    error of about :math:`\epsilon |f| / h`, which would swamp the entry-wise relative
    error of a gradient entry that happens to be near 0. For a correct gradient in float64,
    expect about 1e-9 or less; a wrong one gives 1e-2 or more.

    Parameters
    ----------
    a, b : array_like
        Finite arrays of the same shape, e.g. an analytic and a numerical gradient;
        computed in float64 (longdouble: in longdouble).

    Returns
    -------
    float
        The relative error in [0, 1]; 0 when both are zero.

    Examples
    --------
    >>> import softmaxbook as sb
    >>> print(f"{sb.relative_error([3.0, 4.0], [3.0, 4.00001]):.1e}")
    1.0e-06
    """
    a = as_array(a, "a")
    b = as_array(b, "b", a.shape, " (the shape of `a`)")
    dtype = np.result_type(a, b, np.float64)
    top = max(np.max(np.abs(a), initial=0), np.max(np.abs(b), initial=0))
    if top == 0:
        return 0.0
    e = np.frexp(top)[1]  # top = f * 2**e with f in [0.5, 1): scaled, every entry is in [-1, 1]
    a, b = (np.ldexp(v.astype(dtype, copy=False), -e) for v in (a, b))
    return min(1.0, float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))))
