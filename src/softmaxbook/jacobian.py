r"""The softmax Jacobian and the vector-Jacobian product that backpropagation uses.

With :math:`s = \operatorname{softmax}(z)`, the quotient rule gives

.. math:: \frac{\partial s_i}{\partial z_j} = s_i(\delta_{ij} - s_j),
          \qquad J = \operatorname{diag}(s) - s s^\top .
"""

import numpy as np

from ._validate import as_float_array, as_rows, check_finite, check_same_shape
from .activations import _shifted_exp, softmax


def softmax_jacobian(z):
    r"""The Jacobian :math:`J_{ij} = \partial s_i / \partial z_j = s_i(\delta_{ij} - s_j)`.

    Parameters
    ----------
    z : array_like
        Logits of shape (K,), or a batch of shape (N, K); finite or -inf (a masked class).

    Returns
    -------
    ndarray
        Shape (K, K), or (N, K, K) for a batch: :math:`\operatorname{diag}(s) - s s^\top`.

    Notes
    -----
    On the diagonal :math:`s_i(1 - s_i) \ge 0`, off it :math:`-s_i s_j \le 0`. The
    diagonal keeps its relative accuracy when a class dominates: for the max,
    :math:`1 - s_i = \sum_{j \ne i} e^{z_j - m} / \sum_j e^{z_j - m}` is summed directly
    rather than subtracted from 1. J is
    symmetric positive semi-definite and each row sums to 0, since the probabilities sum
    to 1 whatever z is (:math:`J \mathbf 1 = 0`: adding a constant to every logit changes
    nothing).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> J = sb.softmax_jacobian(np.array([0.0, 4.0, 5.0]))
    >>> print(J.round(4))
    [[ 0.0049 -0.0013 -0.0036]
     [-0.0013  0.196  -0.1947]
     [-0.0036 -0.1947  0.1983]]
    >>> print(np.abs(J.sum(axis=1)).max() < 1e-15)
    True
    """
    z = as_rows(z, "z")  # validated once: _shifted_exp only checks the row maxima it computes
    d, _, e, rest = _shifted_exp(z, -1, "z")
    s = e / (1 + rest)
    # 1 - s_i cancels when s_i is near 1; for the max (e_i = 1) it is exactly rest / (1 + rest).
    complement = np.where(d == 0, rest / (1 + rest), 1 - s)
    J = -s[..., :, None] * s[..., None, :]
    k = np.arange(s.shape[-1])
    J[..., k, k] = s * complement
    return J


def softmax_vjp(z, v):
    r"""The vector-Jacobian product :math:`v^\top J` of softmax, without forming J.

    Parameters
    ----------
    z : array_like
        Logits, shape (..., K); the classes on the last axis.
    v : array_like
        The upstream gradient :math:`\partial L / \partial s`, the shape of `z`.

    Returns
    -------
    ndarray
        :math:`\partial L / \partial z = s \odot (v - \langle v, s \rangle)`, the shape of `z`.

    Notes
    -----
    :math:`(v^\top J)_j = \sum_i v_i s_i(\delta_{ij} - s_j) = s_j (v_j - \sum_i v_i s_i)`:
    O(K) work instead of the O(K²) of building J.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> z, v = np.array([0.0, 4.0, 5.0]), np.array([1.0, -2.0, 0.5])
    >>> print(np.allclose(sb.softmax_vjp(z, v), v @ sb.softmax_jacobian(z)))
    True
    """
    s = softmax(z)
    v = as_float_array(v, "v")
    check_same_shape(s, v, "z", "v")
    check_finite(v, "v")
    return s * (v - np.sum(v * s, axis=-1, keepdims=True))
