r"""Metrics of a classifier: its predictions held against the true labels.

For N examples with true classes :math:`c_n` and predicted classes
:math:`\hat c_n = \arg\max_k \hat y_{nk}` among K, the confusion matrix counts each pair:

.. math:: M_{ij} = \#\{n : c_n = i,\ \hat c_n = j\}, \qquad
          \sum_j M_{ij} = \#\{n : c_n = i\}, \qquad
          \text{accuracy} = \frac{\operatorname{tr} M}{N} .

Rows are the true classes, so each sums to its class's count whatever the model; columns
are the predictions; the diagonal holds the right answers and everything off it says which
class was taken for which.

The argmax keeps which class won, not how sure the model was. Whether its confidence
:math:`\max_k \hat y_{nk}` can be trusted (a reliability curve, the expected calibration
error of chapter 10) is measured from the probabilities themselves; those metrics belong
here too.

Examples
--------
>>> import numpy as np
>>> import softmaxbook as sb
>>> labels, predicted = np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0])
>>> M = sb.confusion_matrix(labels, predicted, 3)
>>> print(M.sum(axis=1), np.bincount(labels))   # the rows count the true classes
[2 1 2] [2 1 2]
>>> print(np.trace(M) / M.sum(), np.mean(labels == predicted))
0.6 0.6
"""

import numpy as np

from ._validate import as_labels, check_int, check_same_shape


def confusion_matrix(labels, predicted, num_classes):
    r"""Count the examples of each true class by the class predicted for them.

    .. math:: M_{ij} = \#\{n : c_n = i,\ \hat c_n = j\}, \qquad \hat c_n = \arg\max_k \hat y_{nk}

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        The true classes, in [0, num_classes).
    predicted : array_like of int, shape (N,)
        The predicted classes, in [0, num_classes).
    num_classes : int
        K, at least 1.

    Returns
    -------
    ndarray of int, shape (K, K)
        Rows are true classes, columns predicted ones: the entries sum to N and the trace
        counts the correct predictions.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> C = sb.confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3)
    >>> print(C)
    [[1 1 0]
     [0 1 0]
     [1 0 1]]
    >>> print(np.trace(C) / C.sum())   # the accuracy
    0.6
    """
    k = check_int(num_classes, "num_classes", 1)
    labels, predicted = as_labels(labels, None, k, "labels"), as_labels(predicted, None, k, "predicted")
    check_same_shape(labels, predicted, "labels", "predicted")
    return np.bincount(k * labels + predicted, minlength=k * k).reshape(k, k)
