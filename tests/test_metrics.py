"""The confusion matrix: by hand, against scikit-learn, and its bad input."""

import numpy as np
import pytest
import sklearn.metrics
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb


def test_confusion_matrix_by_hand():
    # true 0 predicted 0, 0 -> 2, 1 -> 1 twice, 2 -> 1; class 3 never appears
    C = sb.confusion_matrix([0, 0, 1, 1, 2], [0, 2, 1, 1, 1], 4)
    assert_array_equal(C, [[1, 0, 1, 0], [0, 2, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
    assert C.dtype.kind == "i"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_confusion_matrix_against_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    k, n = 6, 500
    labels = rng.integers(0, k, n)
    predicted = np.where(rng.random(n) < 0.7, labels, rng.integers(0, k, n))  # mostly right
    C = sb.confusion_matrix(labels, predicted, k)
    assert_array_equal(C, sklearn.metrics.confusion_matrix(labels, predicted, labels=np.arange(k)))
    assert C.sum() == n
    assert_allclose(np.trace(C) / n, np.mean(labels == predicted), rtol=1e-15)
    assert_array_equal(C.sum(axis=1), np.bincount(labels, minlength=k))  # rows are the true classes


@pytest.mark.parametrize("args, error, message", [
    (([0, 1], [0, 1, 1], 2), ValueError, r"^`predicted` must have the shape of `labels`, \(2,\); got \(3,\)$"),
    (([0, 2], [0, 1], 2), ValueError, r"^`labels` must be integers in \[0, 2\); got 2 at position 1$"),
    (([0, 1], [-1, 1], 2), ValueError, r"^`predicted` must be integers in \[0, 2\); got -1 at position 0$"),
    (([0, 1], ["a", "b"], 2), TypeError, r"^`predicted` must be integer class labels; got dtype <U1$"),
    (([0, 1], [0, 1], 0), ValueError, r"^`num_classes` must be an integer >= 1; got 0$"),
    (([0, 1], [0, 1], 2.0), TypeError, r"^`num_classes` must be an integer; got 2.0$"),
])
def test_confusion_matrix_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        sb.confusion_matrix(*args)
