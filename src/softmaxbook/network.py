r"""A two-layer perceptron trained from scratch with the book's softmax cross-entropy.

Each layer has micrograd's shape: compute the output, then a backward that multiplies the
local derivative by the upstream gradient.

.. math:: H = \operatorname{relu}(X W_1 + b_1), \quad Z = H W_2 + b_2, \quad
          L = \operatorname{cross\_entropy}(Z, y).
"""

import numpy as np

from ._validate import as_float_array
from .losses import cross_entropy_and_grad


def dense_forward(x, W, b):
    r"""An affine layer :math:`x W + b` for a batch x of shape (N, D_in)."""
    return x @ W + b


def dense_backward(dout, x, W):
    r"""Gradients of :math:`x W + b` given :math:`\partial L/\partial\,\text{out}`: (dx, dW, db).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> x, W, dout = np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4))
    >>> dx, dW, db = sb.dense_backward(dout, x, W)
    >>> print(dx.shape, dW.shape, db)
    (2, 3) (3, 4) [2. 2. 2. 2.]
    """
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def relu(x):
    r""":math:`\max(x, 0)`, elementwise."""
    return np.maximum(x, 0)


def relu_backward(dout, x):
    r"""Pass the upstream gradient where :math:`x > 0`, zero elsewhere."""
    return dout * (x > 0)


def init_mlp(n_in, n_hidden, n_out, seed=0):
    r"""Parameters of a two-layer MLP: He-scaled normal weights, zero biases.

    :math:`W_1 \sim \mathcal N(0, 2/n_{in})` keeps the ReLU layer's activations at a steady
    scale; the output layer starts small (:math:`\times 0.01`) so the first softmax is
    nearly uniform and the first loss is close to :math:`\log K`.

    Returns
    -------
    dict
        ``{"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}``

    Examples
    --------
    >>> import softmaxbook as sb
    >>> params = sb.init_mlp(2, 16, 3, seed=0)
    >>> print({k: v.shape for k, v in params.items()})
    {'W1': (2, 16), 'b1': (16,), 'W2': (16, 3), 'b2': (3,)}
    """
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": 0.01 * rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def mlp_forward(params, X):
    """Logits of shape (N, K) and the cache that `mlp_backward` needs."""
    a = dense_forward(X, params["W1"], params["b1"])
    h = relu(a)
    return dense_forward(h, params["W2"], params["b2"]), (X, a, h)


def mlp_backward(params, cache, dlogits):
    """Gradients of the loss for every parameter, given ∂L/∂logits; keys as in `params`."""
    X, a, h = cache
    dh, dW2, db2 = dense_backward(dlogits, h, params["W2"])
    _, dW1, db1 = dense_backward(relu_backward(dh, a), X, params["W1"])
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def mlp_loss_and_grads(params, X, y):
    r"""Mean cross-entropy of the MLP on (X, y) and its gradient for every parameter.

    The output layer's upstream gradient is the fused :math:`(\hat Y - Y)/N`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, y = sb.make_spirals(n_per_class=10, n_classes=3, seed=0)
    >>> loss, grads = sb.mlp_loss_and_grads(sb.init_mlp(2, 8, 3), X, y)
    >>> print(round(loss, 2), round(float(np.log(3)), 2))   # a nearly uniform start
    1.1 1.1
    """
    logits, cache = mlp_forward(params, X)
    loss, dlogits = cross_entropy_and_grad(logits, y)
    return loss, mlp_backward(params, cache, dlogits)


def sgd_step(params, grads, lr):
    r"""Gradient descent in place: :math:`\theta \leftarrow \theta - \eta\,\nabla_\theta L`."""
    for name, g in grads.items():
        params[name] -= lr * g


def predict(params, X):
    """The most probable class for each row of X."""
    return np.argmax(mlp_forward(params, X)[0], axis=1)


def train_mlp(X, y, n_hidden=64, lr=1.0, epochs=1000, seed=0):
    r"""Train a two-layer MLP by full-batch gradient descent; return it and its loss history.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Inputs.
    y : array_like of int, shape (N,)
        Class labels in [0, K), K = ``y.max() + 1``.
    n_hidden : int, optional
        Width of the hidden ReLU layer.
    lr : float, optional
        Learning rate.
    epochs : int, optional
        Number of full-batch steps.
    seed : int, optional
        Seeds the initial weights: the same call gives the same network.

    Returns
    -------
    params : dict
        The trained parameters (see `init_mlp`).
    history : ndarray, shape (epochs,)
        The loss before each step.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, y = sb.make_spirals(n_per_class=50, n_classes=3, seed=0)
    >>> params, history = sb.train_mlp(X, y, epochs=300)
    >>> print(history[0] > history[-1], np.mean(sb.predict(params, X) == y) > 0.8)
    True True
    """
    X = as_float_array(X, "X")
    y = np.asarray(y)
    params = init_mlp(X.shape[1], n_hidden, int(y.max()) + 1, seed)
    history = np.empty(epochs)
    for t in range(epochs):
        history[t], grads = mlp_loss_and_grads(params, X, y)
        sgd_step(params, grads, lr)
    return params, history
