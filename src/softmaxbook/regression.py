r"""Softmax regression: a linear classifier, trained by mini-batch SGD with an L2 penalty.

For inputs X (N, D), weights W (D, K), bias b (K,) and integer labels c,

.. math:: Z = X W + b, \qquad
          L(W, b) = \frac1N \sum_n -\log \operatorname{softmax}(Z_n)_{c_n}
                    + \frac{\lambda}{2} \lVert W \rVert_F^2 .

It is the book's two-layer network without the hidden layer, so the gradient is one
product away from the fused :math:`(\hat Y - Y)/N`, and L is convex: zero weights are a
fine start, and any good optimiser finds the one optimal W (for :math:`\lambda > 0`; b is
optimal up to a constant added to every class, which softmax ignores).
"""

from typing import NamedTuple

import numpy as np

from ._validate import as_array, as_labels, check_int, check_number, check_seed
from .data import minibatches
from .losses import _loss, _loss_and_grad


def _as_linear_model(W, b, X):
    """Weights W (D, K), bias b (K,) and inputs X (N, D) with N >= 1, as finite float arrays."""
    W = as_array(W, "W", ("D", "K"))
    b = as_array(b, "b", (W.shape[1],), " (K, the columns of `W`)")
    X = as_array(X, "X", ("N", W.shape[0]), " (D, the rows of `W`)", nonempty=True)
    return W, b, X


def _as_classification_data(X, labels, k, X_test=None, labels_test=None):
    """Inputs X (N, D), N >= 1, their labels in [0, k), and optional held-out data.

    The held-out data are both None or both given: X_test (M, D), M >= 1, and its labels.
    """
    X = as_array(X, "X", ("N", "D"), nonempty=True)
    labels = as_labels(labels, X.shape[0], k, "labels", rows="`X`")
    if (X_test is None) != (labels_test is None):
        given, missing = ("X_test", "labels_test") if labels_test is None else ("labels_test", "X_test")
        raise ValueError(f"`{missing}` must be given with `{given}`; got None")
    if X_test is not None:
        X_test = as_array(X_test, "X_test", ("M", X.shape[1]), " (D, the columns of `X`)", nonempty=True)
        labels_test = as_labels(labels_test, X_test.shape[0], k, "labels_test", rows="`X_test`")
    return X, labels, X_test, labels_test


def _penalty(W, l2):
    return 0.5 * l2 * float(np.sum(W * W))


def _objective(W, b, X, labels, l2):
    """L(W, b) on checked arrays, without the gradient."""
    return _loss(X @ W + b, labels, None)[0] + _penalty(W, l2)


def _scores(W, b, X, labels, l2, X_test, labels_test):
    """(L on the training set,) or, given test data, (L, the test set's mean cross-entropy)."""
    train = (_objective(W, b, X, labels, l2),)
    return train if X_test is None else train + (_loss(X_test @ W + b, labels_test, None)[0],)


def _start(init, d, k, dtype):
    """Fresh (W, b) to train from: zeros, or copies of the pair `init`, checked against D and K."""
    if init is None:
        return np.zeros((d, k), dtype), np.zeros(k, dtype)
    try:
        W, b = init
    except (TypeError, ValueError):  # not iterable, or not two items (a whole fit has four)
        raise TypeError(f"`init` must be a pair (W, b), e.g. (fit.W, fit.b); got {type(init).__name__}") from None
    W = as_array(W, "init[0]", (d, k), " (D, K: the columns of `X`, `num_classes`)")
    b = as_array(b, "init[1]", (k,), " (K, `num_classes`)")
    return W.astype(dtype), b.astype(dtype)  # astype copies: the caller's arrays stay as they are


def _loss_and_grads(W, b, X, labels, l2):
    """L and its gradients on checked arrays: one pass through the fused cross-entropy."""
    loss, G = _loss_and_grad(X @ W + b, labels, None)  # G = (Y_hat - Y) / N
    return loss + _penalty(W, l2), X.T @ G + l2 * W, G.sum(axis=0)


class SoftmaxRegressionFit(NamedTuple):
    """What `train_softmax_regression` returns: the weights and the history of the run."""

    W: np.ndarray
    b: np.ndarray
    objective: np.ndarray
    test_loss: np.ndarray | None

    def __repr__(self):
        def run(h):
            return f"{h[0]:.4g} -> {h[-1]:.4g}"

        test = "None" if self.test_loss is None else run(self.test_loss)
        return (f"SoftmaxRegressionFit(W {self.W.shape}, epochs {self.objective.size - 1}, "
                f"objective {run(self.objective)}, test_loss {test})")


def softmax_regression_loss_and_grad(W, b, X, labels, l2=0.0):
    r"""The regularised objective L of softmax regression and its gradients.

    .. math:: \frac{\partial L}{\partial W} = \frac1N X^\top (\hat Y - Y) + \lambda W, \qquad
              \frac{\partial L}{\partial b} = \frac1N \sum_n (\hat Y_n - Y_n),

    with :math:`\hat Y = \operatorname{softmax}(X W + b)` row by row and Y the one-hot labels.

    Parameters
    ----------
    W : array_like, shape (D, K)
        The weights, finite.
    b : array_like, shape (K,)
        The bias, finite; not penalised.
    X : array_like, shape (N, D)
        The inputs, N >= 1, finite.
    labels : array_like of int, shape (N,)
        The classes, in [0, K).
    l2 : float, optional
        :math:`\lambda \ge 0`, the weight of :math:`\tfrac12 \lVert W \rVert_F^2`.

    Returns
    -------
    loss : float
        :math:`L = \operatorname{cross\_entropy}(X W + b, c) + \tfrac{\lambda}{2} \lVert W \rVert_F^2`.
    dW : ndarray, shape (D, K)
        :math:`\partial L / \partial W`.
    db : ndarray, shape (K,)
        :math:`\partial L / \partial b`.

    Notes
    -----
    The chain rule through :math:`Z = X W + b` is `dense_backward` with the upstream
    gradient :math:`(\hat Y - Y)/N` of `cross_entropy_and_grad`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, labels = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0, 2])
    >>> loss, dW, db = sb.softmax_regression_loss_and_grad(np.zeros((2, 3)), np.zeros(3), X, labels, l2=0.1)
    >>> print(round(loss, 6), round(float(np.log(3)), 6), dW.shape, db.round(4))   # zero weights: log K
    1.098612 1.098612 (2, 3) [-0.1667  0.3333 -0.1667]
    """
    W, b, X = _as_linear_model(W, b, X)
    labels = as_labels(labels, X.shape[0], W.shape[1], "labels", rows="`X`")
    return _loss_and_grads(W, b, X, labels, check_number(l2, "l2", minimum=0))


def train_softmax_regression(X, labels, num_classes, *, epochs, batch_size, lr, l2=0.0, seed=0, X_test=None,
                             labels_test=None, init=None):
    r"""Fit softmax regression by mini-batch SGD from zero weights (or `init`); keep the history.

    Each epoch runs over `minibatches` of the training set and takes the step
    :math:`\theta \leftarrow \theta - \eta \nabla_\theta L_B` on each batch B, where
    :math:`L_B` is L of `softmax_regression_loss_and_grad` on that batch (the penalty in full).

    Parameters
    ----------
    X : array_like, shape (N, D)
        Training inputs, N >= 1, finite.
    labels : array_like of int, shape (N,)
        Their classes, in [0, num_classes).
    num_classes : int
        K, at least 1.
    epochs : int
        Passes over the training set, >= 0.
    batch_size : int
        Examples per step, >= 1; N gives full-batch gradient descent.
    lr : float
        The learning rate :math:`\eta \ge 0`.
    l2 : float, optional
        :math:`\lambda \ge 0`, the L2 penalty on W.
    seed : int, numpy.random.Generator or None, optional
        For the order of the batches, through ``np.random.default_rng``: an integer gives
        the same run every time.
    X_test : array_like, shape (M, D), optional
        Held-out inputs; given together with `labels_test`.
    labels_test : array_like of int, shape (M,), optional
        Their classes, in [0, num_classes).
    init : pair of array_like, optional
        ``(W, b)`` to start from, of shapes (D, num_classes) and (num_classes,), finite:
        e.g. ``(fit.W, fit.b)`` of an earlier run, to continue it with other settings. They
        are copied, not changed. None (the default) starts from zeros.

    Returns
    -------
    SoftmaxRegressionFit
        A named tuple ``(W, b, objective, test_loss)``: the weights (D, K) and bias (K,),
        L on the whole training set at the start and after each epoch (epochs + 1,),
        and the mean cross-entropy on the test set at the same times (None without one).

    Notes
    -----
    L is convex, so starting from zero loses nothing (an MLP must break the symmetry of
    its hidden units with random weights; here there are none). With :math:`\lambda > 0` it
    is strictly convex in W. A constant :math:`\eta` brings SGD to a neighbourhood of the
    optimum whose size shrinks with :math:`\eta` and grows as the batches shrink.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> fit = sb.train_softmax_regression(X, labels, 2, epochs=20, batch_size=10, lr=0.5, l2=1e-3)
    >>> print(fit.objective[0].round(4), fit.objective[-1] < 0.2, np.mean(np.argmax(X @ fit.W + fit.b, 1) == labels))
    0.6931 True 1.0

    Continue from there with full batches (``batch_size=N``: gradient descent):

    >>> more = sb.train_softmax_regression(X, labels, 2, epochs=5, batch_size=100, lr=1.0, l2=1e-3, init=(fit.W, fit.b))
    >>> print(more.objective[0] == fit.objective[-1], bool(np.all(np.diff(more.objective) < 0)))
    True True
    """
    k = check_int(num_classes, "num_classes", 1)
    X, labels, X_test, labels_test = _as_classification_data(X, labels, k, X_test, labels_test)
    epochs, batch_size = check_int(epochs, "epochs", 0), check_int(batch_size, "batch_size", 1)
    lr, l2 = check_number(lr, "lr", minimum=0), check_number(l2, "l2", minimum=0)
    rng, dtype = np.random.default_rng(check_seed(seed)), np.result_type(X, np.float64)
    W, b = _start(init, X.shape[1], k, dtype)
    history = [_scores(W, b, X, labels, l2, X_test, labels_test)]
    for _ in range(epochs):
        for idx in minibatches(X.shape[0], batch_size, rng):
            _, dW, db = _loss_and_grads(W, b, X[idx], labels[idx], l2)
            W -= lr * dW
            b -= lr * db
        history.append(_scores(W, b, X, labels, l2, X_test, labels_test))
    h = np.array(history)
    return SoftmaxRegressionFit(W, b, h[:, 0], h[:, 1] if X_test is not None else None)
