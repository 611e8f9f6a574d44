"""softmaxbook: softmax, cross-entropy and their gradients, exactly and stably, in NumPy.

The one package every chapter of the book imports. Modules, one idea each:
``activations`` (sigmoid, softmax, log-sum-exp), ``jacobian``, ``losses``, ``gradcheck``
(central differences), ``network`` (a two-layer MLP from scratch), ``regression`` (softmax
regression: a linear classifier trained by mini-batch SGD), ``data`` (seeded data sets and
mini-batches), ``metrics`` (the confusion matrix, the reliability curve and the expected
calibration error), ``calibration`` (temperature scaling), ``distillation`` (a student
trained on a teacher's softened probabilities), and for softmax at scale ``online`` (the online
normaliser: ``online_logsumexp``, ``partial_logsumexp``, ``merge_partial_logsumexp``),
``attention`` (``tiled_attention``), ``chunked_loss`` (``chunked_cross_entropy``, a large
vocabulary chunk by chunk) and ``sampled_loss`` (``sampled_softmax_loss``, its normaliser
estimated from a sample of the classes).

float16, bfloat16 and the float8s (the last two from the ``ml_dtypes`` package, which the
package recognises without importing it) are computed in float32, and give float32.

Two optional parts need an extra: ``softmaxbook.widgets`` (``pip install 'softmaxbook[widgets]'``)
and ``softmaxbook.plots`` (``pip install 'softmaxbook[plots]'``); the core needs only NumPy.
So does one function: ``load_digits_split`` loads scikit-learn's digits (``pip install
'softmaxbook[data]'``), importing scikit-learn only when called.
"""

from .activations import log_softmax, logsumexp, naive_softmax, sigmoid, sigmoid_grad, softmax
from .attention import tiled_attention
from .calibration import fit_temperature
from .chunked_loss import chunked_cross_entropy
from .data import load_digits_split, make_spirals, minibatches
from .distillation import distillation_loss_and_grad
from .gradcheck import numerical_gradient, numerical_jacobian, relative_error
from .jacobian import softmax_jacobian, softmax_vjp
from .losses import (
    cross_entropy,
    cross_entropy_and_grad,
    cross_entropy_from_probs,
    cross_entropy_grad,
    one_hot,
    smooth_labels,
)
from .metrics import confusion_matrix, expected_calibration_error, reliability_curve
from .network import (
    dense_backward,
    dense_forward,
    init_mlp,
    mlp_backward,
    mlp_forward,
    mlp_loss_and_grads,
    predict,
    relu,
    relu_backward,
    sgd_step,
    train_mlp,
)
from .online import merge_partial_logsumexp, online_logsumexp, partial_logsumexp
from .regression import softmax_regression_loss_and_grad, train_softmax_regression
from .sampled_loss import sampled_softmax_loss

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.1.0"

__all__ = [
    "sigmoid", "sigmoid_grad", "softmax", "log_softmax", "logsumexp", "naive_softmax",
    "softmax_jacobian", "softmax_vjp",
    "cross_entropy", "cross_entropy_grad", "cross_entropy_and_grad", "cross_entropy_from_probs",
    "one_hot", "smooth_labels", "distillation_loss_and_grad",
    "numerical_gradient", "numerical_jacobian", "relative_error",
    "dense_forward", "dense_backward", "relu", "relu_backward", "init_mlp", "mlp_forward",
    "mlp_backward", "mlp_loss_and_grads", "sgd_step", "predict", "train_mlp",
    "minibatches", "softmax_regression_loss_and_grad", "train_softmax_regression", "confusion_matrix",
    "expected_calibration_error", "reliability_curve", "fit_temperature",
    "make_spirals", "load_digits_split",
    "online_logsumexp", "partial_logsumexp", "merge_partial_logsumexp", "tiled_attention", "chunked_cross_entropy",
    "sampled_softmax_loss",
]
