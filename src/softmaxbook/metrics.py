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

from ._validate import as_any_array, as_distributions, as_labels, check_int, check_same_shape


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


def reliability_curve(probs, labels, n_bins=15):
    r"""How often the model is right at each level of confidence.

    Each example's confidence is its largest probability :math:`\hat p_n = \max_k \hat y_{nk}`
    and its prediction the class that has it (the first, on a tie). Bin :math:`m = 1 \dots M`
    holds the examples with :math:`\hat p_n \in \left(\frac{m-1}{M}, \frac{m}{M}\right]`; for
    each non-empty bin :math:`B_m`,

    .. math:: \operatorname{conf}(B_m) = \frac{1}{|B_m|} \sum_{n \in B_m} \hat p_n, \qquad
              \operatorname{acc}(B_m) = \frac{1}{|B_m|} \sum_{n \in B_m} [\hat c_n = c_n] .

    A calibrated model has :math:`\operatorname{acc} \approx \operatorname{conf}` in every bin:
    of the predictions made with confidence 0.8, 80 % are right.

    Parameters
    ----------
    probs : array_like, shape (N, K)
        Predicted distributions, one row per example (each in [0, 1], summing to 1).
    labels : array_like of int, shape (N,)
        The true classes, in [0, K).
    n_bins : int, optional
        M, the number of equal-width bins over [0, 1] (default 15).

    Returns
    -------
    confidence, accuracy : ndarray of float64, shape (B,)
        The mean confidence and the fraction right in each of the B non-empty bins, in
        increasing order of confidence.
    count : ndarray of int, shape (B,)
        How many examples each of those bins holds; they sum to N.

    Examples
    --------
    >>> import softmaxbook as sb
    >>> probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]]
    >>> conf, acc, count = sb.reliability_curve(probs, [0, 1, 1, 1], n_bins=5)
    >>> print(conf, acc, count)      # bins (0.4, 0.6], (0.6, 0.8], (0.8, 1]
    [0.6  0.75 0.9 ] [1.  0.5 1. ] [1 2 1]
    """
    confidence, right = _confidence_and_right(probs, labels)
    m = check_int(n_bins, "n_bins", 1)
    # bin index m - 1: the first upper edge m/M at or above the confidence
    upper = np.arange(1, m + 1) / m
    bins = np.searchsorted(upper, confidence, side="left")
    count = np.bincount(bins, minlength=m)
    full = count > 0
    conf = np.bincount(bins, weights=confidence, minlength=m)[full] / count[full]
    acc = np.bincount(bins, weights=right, minlength=m)[full] / count[full]
    return conf, acc, count[full]


def expected_calibration_error(probs, labels, n_bins=15):
    r"""The expected calibration error: the gap between confidence and accuracy, bin by bin.

    .. math:: \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}
              \left|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\right|

    over the equal-width bins of `reliability_curve` (bin m holds the confidences in
    ((m−1)/M, m/M]). It is 0 for a model whose confidence, bin by bin, is its accuracy, and
    at most 1. It depends on M, and a model can lower it without knowing anything (predict
    with the base rate everywhere): read it beside the negative log-likelihood, a proper
    scoring rule.

    Parameters
    ----------
    probs : array_like, shape (N, K)
        Predicted distributions, one row per example.
    labels : array_like of int, shape (N,)
        The true classes, in [0, K).
    n_bins : int, optional
        M, the number of equal-width bins (default 15).

    Returns
    -------
    float

    Examples
    --------
    >>> import softmaxbook as sb
    >>> probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]]
    >>> round(sb.expected_calibration_error(probs, [0, 1, 1, 1], n_bins=5), 12)   # (0.4 + 0.5 + 0.1) / 4
    0.25
    """
    conf, acc, count = reliability_curve(probs, labels, n_bins)
    return float(np.sum(count * np.abs(acc - conf)) / np.sum(count))


def _confidence_and_right(probs, labels):
    """Each row's largest probability, and whether its argmax is the label (as 0.0 or 1.0)."""
    p = as_any_array(probs, "probs")
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError(f"`probs` must have shape (N, K) with N, K >= 1; got shape {p.shape}")
    p = as_distributions(p, p.shape, "probs")
    labels = as_labels(labels, p.shape[0], p.shape[1], "labels", rows="`probs`")
    return p.max(axis=1).astype(np.float64), (p.argmax(axis=1) == labels).astype(np.float64)
