r"""Knowledge distillation: a student trained on a teacher's softened probabilities.

Hinton, Vinyals & Dean (2015) soften both models' softmax with one temperature T and train
the student on the cross-entropy of its softened probabilities q = softmax(s / T) against
the teacher's p = softmax(t / T), the soft targets. The gradient in a student logit is

.. math:: \frac{\partial}{\partial s_k} \Big(-\sum_j p_j \log q_j\Big) = \frac{q_k - p_k}{T},

which shrinks like 1/T² once T is large (q − p itself shrinks like 1/T), so the loss is
multiplied by T²: the soft targets' gradient keeps its size whatever T is chosen. For large T,
with logits of zero mean in each row, that scaled gradient tends to :math:`(s - t)/K`: the
gradient of :math:`\frac{1}{2K} \lVert s - t \rVert^2`, matching the logits themselves.

Examples
--------
>>> import numpy as np
>>> import softmaxbook as sb
>>> s, t = np.array([[1.0, 0.0, -1.0]]), np.array([[2.0, 0.0, -2.0]])
>>> for T in (1.0, 100.0):
...     print(T, sb.distillation_loss_and_grad(s, t, T)[1].round(2))   # T = 100: about (s - t) / 3
1.0 [[-0.2   0.13  0.07]]
100.0 [[-0.33  0.    0.33]]
"""

import numpy as np

from ._validate import as_array, check_number, check_shape
from .activations import log_softmax, softmax


def distillation_loss_and_grad(student_logits, teacher_logits, temperature):
    r"""The distillation loss at temperature T, scaled by T², and its gradient in the student's logits.

    .. math:: L = \frac{T^2}{N} \sum_n \sum_k -p_{nk} \log q_{nk}, \qquad
              \frac{\partial L}{\partial s_{nk}} = \frac{T}{N} (q_{nk} - p_{nk}),

    with :math:`p_n = \operatorname{softmax}(t_n / T)` (the soft targets) and
    :math:`q_n = \operatorname{softmax}(s_n / T)`. The cross-entropy of Hinton et al.; it
    exceeds the KL divergence KL(p ‖ q) by the teacher's entropy, which does not depend on the
    student, so both have the same gradient.

    Parameters
    ----------
    student_logits : array_like, shape (N, K)
        The student's logits s, finite (float32 is computed in float32).
    teacher_logits : array_like, shape (N, K)
        The teacher's logits t, finite, one row per row of `student_logits`.
    temperature : float
        T > 0, the same for both; T = 1 is the plain softmax.

    Returns
    -------
    loss : float
        L, in nats times T².
    grad : ndarray, shape (N, K)
        :math:`\partial L / \partial s = T (q - p) / N`; each row sums to 0.

    See Also
    --------
    cross_entropy : the loss against probability rows at T = 1, without the T².

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> s, t = np.array([[2.0, 1.0, 0.1]]), np.array([[3.0, 0.5, -1.0]])
    >>> loss, grad = sb.distillation_loss_and_grad(s, t, 2.0)
    >>> p = sb.softmax(t / 2.0)                                        # the soft targets
    >>> print(round(loss, 6), round(4 * sb.cross_entropy(s / 2.0, p), 6), grad.sum().round(15))
    3.523811 3.523811 0.0
    """
    s = as_array(student_logits, "student_logits", shape=("N", "K"), nonempty=True)
    t = as_array(teacher_logits, "teacher_logits")
    check_shape(t, "teacher_logits", s.shape, " (the shape of `student_logits`)")
    T = check_number(temperature, "temperature", 0, strict=True)
    dtype = np.result_type(s, t)
    with np.errstate(over="ignore"):  # checked just below, and named
        s_T, t_T = s.astype(dtype) / dtype.type(T), t.astype(dtype) / dtype.type(T)
    if not (np.isfinite(s_T).all() and np.isfinite(t_T).all()):
        raise ValueError(f"`temperature` is too small for these logits: logits / {T} overflows {dtype}")
    p = softmax(t_T)
    loss = float(-np.mean(np.sum(p * log_softmax(s_T), axis=1))) * float(T) ** 2
    return loss, (softmax(s_T) - p) * dtype.type(T / s.shape[0])
