r"""A two-layer perceptron trained from scratch with the book's softmax cross-entropy.

Each layer has micrograd's shape: compute the output, then a backward that multiplies the
local derivative by the upstream gradient.

.. math:: A = \operatorname{relu}(X W_1 + b_1), \quad Z = A W_2 + b_2, \quad
          L = \operatorname{cross\_entropy}(Z, c).

`train_mlp` runs (stochastic) gradient descent on L: `sgd_step` is its update, applied to the
gradient of the whole training set or of one mini-batch of it.

The public functions validate their arguments (the checks of the parameters, the cache and
the gradients, which only this module lays out, are here), then call the private ones
(``_forward``, ``_backward``, ...) that do the arithmetic on checked arrays: `train_mlp`
checks its data once, not at every layer of every epoch.
"""

from collections.abc import Mapping, MutableMapping

import numpy as np

from ._validate import as_array, as_labels, check_int, check_number, check_seed
from .data import minibatches
from .losses import _loss, _loss_and_grad

MLP_KEYS = ("W1", "b1", "W2", "b2")


# --- checks of the layout only this module makes: parameters, cache, gradients ---------


def _as_mlp_params(params):
    """The MLP's parameters as a new dict of finite float arrays with consistent shapes.

    `params` is any mapping, read only: a dict, a MappingProxyType, the NpzFile of
    ``np.load("params.npz")``. W1 (D, H), b1 (H,), W2 (H, K), b2 (K,); keys beyond these four
    are ignored. The arrays themselves are not copied.
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"`params` must be a mapping (e.g. a dict) with keys {', '.join(MLP_KEYS)}; "
                        f"got {type(params).__name__}")
    missing = [key for key in MLP_KEYS if key not in params]
    if missing:
        raise ValueError(f"`params` must have keys {', '.join(MLP_KEYS)}; missing {', '.join(missing)}")
    W1 = as_array(params["W1"], "params['W1']", ("D", "H"))
    b1 = as_array(params["b1"], "params['b1']", (W1.shape[1],), " (H, the columns of W1)")
    W2 = as_array(params["W2"], "params['W2']", (W1.shape[1], "K"), " (H, the columns of W1)")
    b2 = as_array(params["b2"], "params['b2']", (W2.shape[1],), " (K, the columns of W2)")
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def _as_mlp_inputs(params, X, nonempty=False):
    """Validated MLP parameters and inputs X of shape (N, D), D the rows of W1."""
    p = _as_mlp_params(params)
    X = as_array(X, "X", ("N", p["W1"].shape[0]), " (D, the rows of params['W1'])", nonempty)
    return p, X


def _as_mlp_cache(cache, p):
    """The (X, a, h) tuple of `mlp_forward`: X (N, D), a and h (N, H) for parameters p."""
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(f"`cache` must be the tuple (X, a, h) that mlp_forward returns; got {type(cache).__name__}")
    d, h = p["W1"].shape
    X = as_array(cache[0], "cache[0]", ("N", d), " (D, the rows of params['W1'])")
    why = " (N, the rows of X; H, the columns of params['W1'])"
    a = as_array(cache[1], "cache[1]", (X.shape[0], h), why)
    return X, a, as_array(cache[2], "cache[2]", (X.shape[0], h), why)


def _as_sgd_grads(params, grads):
    """Check that each gradient matches a float-array parameter it can update in place.

    `params` must be a mutable mapping (its arrays are updated in place and stored back);
    `grads` any mapping. Returns the gradients as a new dict of finite float arrays;
    `params` is left as given.
    """
    if not isinstance(params, MutableMapping):
        raise TypeError("`params` must be a mutable mapping (e.g. a dict) of float arrays, updated in place; "
                        f"got {type(params).__name__}")
    if not isinstance(grads, Mapping):
        raise TypeError(f"`grads` must be a mapping (e.g. a dict) of arrays; got {type(grads).__name__}")
    checked = {}
    for key, g in grads.items():
        if key not in params:
            raise ValueError(f"`grads` has key {key!r} but `params` does not; `params` has {list(params)}")
        p = params[key]
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"`params[{key!r}]` must be a float ndarray (it is updated in place); got {_kind(p)}")
        as_array(p, f"params[{key!r}]")
        checked[key] = as_array(g, f"grads[{key!r}]", p.shape, f" (the shape of params[{key!r}])")
    return checked


def _kind(x):
    return f"ndarray of dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__


# --- the arithmetic, on checked arrays -------------------------------------------------


def _forward(p, X):
    a = X @ p["W1"] + p["b1"]
    h = np.maximum(a, 0)
    return h @ p["W2"] + p["b2"], (X, a, h)


def _dense_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _backward(p, cache, dlogits):
    X, a, h = cache
    dh, dW2, db2 = _dense_backward(dlogits, h, p["W2"])
    _, dW1, db1 = _dense_backward(dh * (a > 0), X, p["W1"])
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _loss_and_grads(p, X, y):
    logits, cache = _forward(p, X)
    loss, dlogits = _loss_and_grad(logits, y, None)
    return loss, _backward(p, cache, dlogits)


def _sgd(params, grads, lr):
    for name, g in grads.items():
        params[name] -= lr * g


def dense_forward(x, W, b):
    r"""An affine layer :math:`x W + b` for a batch of inputs.

    Parameters
    ----------
    x : array_like, shape (N, D_in)
        The inputs, one row per example; finite.
    W : array_like, shape (D_in, D_out)
        The weights.
    b : array_like, shape (D_out,)
        The bias, added to every row.

    Returns
    -------
    ndarray, shape (N, D_out)
        :math:`x W + b`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> x, W, b = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.ones(3)
    >>> print(sb.dense_forward(x, W, b))
    [[2. 3. 4.]]
    """
    x = as_array(x, "x", ("N", "D_in"))
    W = as_array(W, "W", (x.shape[1], "D_out"), " (D_in, the columns of `x`)")
    b = as_array(b, "b", (W.shape[1],), " (D_out, the columns of `W`)")
    return x @ W + b


def dense_backward(dout, x, W):
    r"""Gradients of :math:`\text{out} = x W + b` given :math:`G = \partial L/\partial\,\text{out}`.

    Parameters
    ----------
    dout : array_like, shape (N, D_out)
        The upstream gradient G.
    x : array_like, shape (N, D_in)
        The layer's input in the forward pass.
    W : array_like, shape (D_in, D_out)
        The layer's weights.

    Returns
    -------
    dx : ndarray, shape (N, D_in)
        :math:`G W^\top`.
    dW : ndarray, shape (D_in, D_out)
        :math:`x^\top G`.
    db : ndarray, shape (D_out,)
        :math:`\sum_n G_n`, the column sums of G.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> x, W, dout = np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4))
    >>> dx, dW, db = sb.dense_backward(dout, x, W)
    >>> print(dx.shape, dW.shape, db)
    (2, 3) (3, 4) [2. 2. 2. 2.]
    """
    x = as_array(x, "x", ("N", "D_in"))
    W = as_array(W, "W", (x.shape[1], "D_out"), " (D_in, the columns of `x`)")
    dout = as_array(dout, "dout", (x.shape[0], W.shape[1]), " (N, the rows of `x`; D_out, the columns of `W`)")
    return _dense_backward(dout, x, W)


def relu(x):
    r"""The rectifier :math:`\operatorname{relu}(x) = \max(x, 0)`, elementwise.

    Parameters
    ----------
    x : array_like
        Real numbers, any shape; ±inf included (relu(-inf) = 0, relu(inf) = inf), nan not.

    Returns
    -------
    ndarray
        The shape of `x`, in its precision: float32 for float16, bfloat16, float8 or float32
        input, longdouble for longdouble, float64 for everything else (float64, integers).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> print(sb.relu([-np.inf, -2.0, 0.0, 3.0, np.inf]))
    [ 0.  0.  0.  3. inf]
    """
    return np.maximum(as_array(x, "x", allow_inf=True), 0)


def relu_backward(dout, x):
    r"""Pass the upstream gradient where :math:`x > 0`, zero elsewhere.

    Parameters
    ----------
    dout : array_like
        The upstream gradient :math:`\partial L / \partial \operatorname{relu}(x)`, the shape of
        `x`; ±inf included, nan not.
    x : array_like
        The input of `relu` in the forward pass; ±inf included, nan not.

    Returns
    -------
    ndarray
        :math:`\partial L / \partial x = \text{dout} \odot [x > 0]`: `dout` where x > 0,
        0 elsewhere (selected, not multiplied, so an infinite `dout` gives no nan); at the
        kink x = 0 the gradient is taken as 0.

    Examples
    --------
    >>> import softmaxbook as sb
    >>> print(sb.relu_backward([5.0, 5.0, 5.0], [-1.0, 0.0, 2.0]))
    [0. 0. 5.]
    """
    x = as_array(x, "x", allow_inf=True)
    dout = as_array(dout, "dout", x.shape, " (the shape of `x`)", allow_inf=True)
    return np.where(x > 0, dout, 0.0)


def init_mlp(n_in, n_hidden, n_out, seed=0):
    r"""Parameters of a two-layer MLP: He-scaled normal weights, zero biases.

    :math:`W_1 \sim \mathcal N(0, 2/n_{in})` keeps the ReLU layer's activations at a steady
    scale; the output layer starts small (:math:`\times 0.01`) so the first softmax is
    nearly uniform and the first loss is close to :math:`\log K`.

    Parameters
    ----------
    n_in : int
        D, the number of input features, at least 1.
    n_hidden : int
        H, the width of the hidden ReLU layer, at least 1.
    n_out : int
        K, the number of classes, at least 1.
    seed : int, numpy.random.Generator or None, optional
        Passed to ``np.random.default_rng``: an integer >= 0 gives the same weights every
        time, None fresh ones, and a Generator is drawn from as it is (and advanced).

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
    n_in, n_hidden, n_out = check_int(n_in, "n_in", 1), check_int(n_hidden, "n_hidden", 1), check_int(n_out, "n_out", 1)
    rng = np.random.default_rng(check_seed(seed))
    return {
        "W1": rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": 0.01 * rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def mlp_forward(params, X):
    r"""The MLP's logits :math:`Z = \operatorname{relu}(X W_1 + b_1) W_2 + b_2` and a cache.

    Parameters
    ----------
    params : mapping
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, K), ``b2`` (K,): the dict `init_mlp` makes, or
        any read-only mapping of them (``np.load("params.npz")``, a MappingProxyType).
    X : array_like, shape (N, D)
        The inputs.

    Returns
    -------
    logits : ndarray, shape (N, K)
        The unnormalised class scores Z.
    cache : tuple
        ``(X, a, h)``: the inputs, the hidden pre-activations and activations, which
        `mlp_backward` needs.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> logits, (X, a, h) = sb.mlp_forward(sb.init_mlp(2, 8, 3), np.zeros((5, 2)))
    >>> print(logits.shape, a.shape, np.all(h == np.maximum(a, 0)))
    (5, 3) (5, 8) True
    """
    return _forward(*_as_mlp_inputs(params, X))


def mlp_backward(params, cache, dlogits):
    r"""Gradients of the loss for every parameter, given :math:`\partial L/\partial Z`.

    Parameters
    ----------
    params : mapping
        The parameters `mlp_forward` used (any mapping of them, read only).
    cache : tuple
        The ``(X, a, h)`` that `mlp_forward` returned.
    dlogits : array_like, shape (N, K)
        The upstream gradient :math:`\partial L/\partial Z`; for the mean cross-entropy,
        :math:`(\hat Y - Y)/N`.

    Returns
    -------
    dict
        ``{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}``, each the shape of its parameter.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, y = sb.make_spirals(n_per_class=5, n_classes=3, seed=0)
    >>> params = sb.init_mlp(2, 8, 3)
    >>> logits, cache = sb.mlp_forward(params, X)
    >>> grads = sb.mlp_backward(params, cache, sb.cross_entropy_grad(logits, y))
    >>> print(all(grads[k].shape == params[k].shape for k in params))
    True
    """
    p = _as_mlp_params(params)
    cache = _as_mlp_cache(cache, p)
    dlogits = as_array(dlogits, "dlogits", (cache[0].shape[0], p["W2"].shape[1]),
                       " (N, the rows of X; K, the columns of params['W2'])")
    return _backward(p, cache, dlogits)


def mlp_loss_and_grads(params, X, y):
    r"""Mean cross-entropy of the MLP on (X, y) and its gradient for every parameter.

    The output layer's upstream gradient is the fused :math:`(\hat Y - Y)/N`.

    Parameters
    ----------
    params : mapping
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, K), ``b2`` (K,): the dict `init_mlp` makes, or
        any read-only mapping of them (``np.load("params.npz")``, a MappingProxyType).
    X : array_like, shape (N, D)
        The inputs, N >= 1.
    y : array_like of int, shape (N,)
        Class labels in [0, K), K the columns of ``W2``.

    Returns
    -------
    loss : float
        The mean cross-entropy of the network's predictions.
    grads : dict
        :math:`\partial L/\partial\theta` for each parameter, keys as in `params`.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, y = sb.make_spirals(n_per_class=10, n_classes=3, seed=0)
    >>> loss, grads = sb.mlp_loss_and_grads(sb.init_mlp(2, 8, 3), X, y)
    >>> print(round(loss, 2), round(float(np.log(3)), 2))   # a nearly uniform start
    1.1 1.1
    """
    p, X = _as_mlp_inputs(params, X, nonempty=True)
    return _loss_and_grads(p, X, as_labels(y, X.shape[0], p["W2"].shape[1], "y", rows="`X`"))


def sgd_step(params, grads, lr):
    r"""One step of (stochastic) gradient descent, in place: :math:`\theta \leftarrow \theta - \eta\, g`.

    The update step of both gradient descent and stochastic gradient descent: it applies
    whatever gradient it is given. With g the gradient of the loss on the whole training
    set (:math:`g = \nabla_\theta L`) the steps are full-batch gradient descent; with g the
    gradient on one mini-batch B (:math:`g = \nabla_\theta L_B`, a noisy estimate of
    :math:`\nabla_\theta L`) they are mini-batch SGD. `train_mlp` runs either.

    Parameters
    ----------
    params : mutable mapping of ndarray
        Float arrays, updated in place: a dict or another mutable mapping (not a read-only
        one such as an NpzFile).
    grads : mapping
        The gradient g for some or all of the keys of `params`, each the shape of its
        parameter: of the whole training set's loss or of one mini-batch's.
    lr : float
        The learning rate :math:`\eta \ge 0`, finite in float64.

    Returns
    -------
    None
        Nothing changes if any argument is invalid: all are checked before the first update.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> params = {"w": np.array([1.0, -1.0])}
    >>> sb.sgd_step(params, {"w": np.array([0.5, -0.5])}, lr=0.1)
    >>> print(params["w"])
    [ 0.95 -0.95]
    """
    grads = _as_sgd_grads(params, grads)
    _sgd(params, grads, check_number(lr, "lr", minimum=0))


def predict(params, X):
    r"""The most probable class for each row of X: :math:`\arg\max_k Z_{nk}`.

    Parameters
    ----------
    params : mapping
        The MLP's parameters (see `init_mlp`); any mapping of them, read only.
    X : array_like, shape (N, D)
        The inputs.

    Returns
    -------
    ndarray of int, shape (N,)
        The predicted labels, in [0, K).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.eye(2), "b2": np.zeros(2)}
    >>> print(sb.predict(params, np.array([[1.0, 0.0], [0.0, 2.0]])))
    [0 1]
    """
    return np.argmax(_forward(*_as_mlp_inputs(params, X))[0], axis=1)


def train_mlp(X, y, n_hidden=64, lr=1.0, epochs=1000, seed=0, batch_size=None):
    r"""Train a two-layer MLP by gradient descent, full-batch or mini-batch; return it and its loss history.

    Each epoch is one pass over the training set. With ``batch_size=None`` it is one step
    :math:`\theta \leftarrow \theta - \eta \nabla_\theta L` on the gradient of the whole set
    (full-batch gradient descent). With ``batch_size=B`` it is :math:`\lceil N/B \rceil`
    steps :math:`\theta \leftarrow \theta - \eta \nabla_\theta L_B`, one for each batch of
    `minibatches` (a fresh random order every epoch), where :math:`L_B` is the mean loss
    on that batch (mini-batch stochastic gradient descent). Both use `sgd_step`'s update.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Inputs, N >= 1, finite.
    y : array_like of int, shape (N,)
        Class labels, integers >= 0. The number of classes is inferred as
        K = ``y.max() + 1``, so every label is in [0, K); K may be at most 2**20
        (1048576): a larger label is refused before anything is allocated.
    n_hidden : int, optional
        Width of the hidden ReLU layer, at least 1.
    lr : float, optional
        Learning rate, >= 0 and finite in float64.
    epochs : int, optional
        Number of passes over the training set, >= 0.
    seed : int, numpy.random.Generator or None, optional
        Through ``np.random.default_rng``, one generator draws the initial weights (as in
        `init_mlp`) and then the order of the mini-batches: the same integer gives the same
        run.
    batch_size : int or None, optional
        B, the examples per step, at least 1 (more than N: one batch, the whole set in a
        random order). None, the default, takes one step per epoch on the whole set in its
        own order, drawing nothing after the weights.

    Returns
    -------
    params : dict
        The trained parameters (see `init_mlp`).
    history : ndarray, shape (epochs,)
        The loss on the whole training set before each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, y = sb.make_spirals(n_per_class=50, n_classes=3, seed=0)
    >>> params, history = sb.train_mlp(X, y, epochs=300)
    >>> print(history[0] > history[-1], np.mean(sb.predict(params, X) == y) > 0.8)
    True True
    >>> params, history = sb.train_mlp(X, y, lr=0.5, epochs=60, batch_size=15)   # 10 steps an epoch
    >>> print(history.shape, np.mean(sb.predict(params, X) == y) > 0.8)
    (60,) True
    """
    X = as_array(X, "X", ("N", "D"), nonempty=True)
    y = as_labels(y, X.shape[0], None, "y", rows="`X`")
    epochs, lr = check_int(epochs, "epochs", 0), check_number(lr, "lr", minimum=0)
    batch_size = None if batch_size is None else check_int(batch_size, "batch_size", 1)
    rng = np.random.default_rng(check_seed(seed))
    params = init_mlp(X.shape[1], n_hidden, int(y.max()) + 1, rng)
    history = np.empty(epochs)
    for t in range(epochs):
        if batch_size is None:  # the loss and the gradient of the whole set from one pass
            history[t], grads = _loss_and_grads(params, X, y)
            _sgd(params, grads, lr)
            continue
        history[t] = _loss(_forward(params, X)[0], y, None)[0]
        for idx in minibatches(X.shape[0], batch_size, rng):
            _sgd(params, _loss_and_grads(params, X[idx], y[idx])[1], lr)
    return params, history
