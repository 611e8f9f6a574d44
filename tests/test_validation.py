"""Every class of bad input raises ValueError/TypeError naming the argument and the problem.

The table at the top covers every public function of ``softmaxbook`` x every argument x
{wrong kind, wrong shape, non-finite value}; `test_table_covers_every_public_argument` fails
when a public function or argument has no row (or no stated reason why a case does not
apply). The tests below it pin the exact messages of the subtler cases.
"""

import copy
import inspect
import re

import numpy as np
import pytest

import softmaxbook as sb

Z = np.zeros((2, 3))
NAN_ROW = np.array([[0.0, np.nan, 1.0]])
INF_ROW = np.array([[0.0, np.inf, 1.0]])
MASKED_ROW = np.array([[-np.inf, -np.inf, -np.inf]])

# --- the table: one valid call per public function, then one bad argument at a time ---------

X2 = np.array([[0.5, -1.0], [1.0, 2.0]])  # N = 2 inputs with D = 2 features
PARAMS = sb.init_mlp(2, 4, 3, seed=0)  # D = 2, H = 4, K = 3
CACHE = sb.mlp_forward(PARAMS, X2)[1]


def with_(key, value):
    """PARAMS with one entry replaced."""
    return {**PARAMS, key: value}


VALID = {
    "sigmoid": {"x": [0.0, 1.0]},
    "sigmoid_grad": {"x": [0.0, 1.0]},
    "softmax": {"z": Z, "axis": -1},
    "log_softmax": {"z": Z, "axis": -1},
    "logsumexp": {"z": Z, "axis": -1, "keepdims": False},
    "naive_softmax": {"z": Z, "axis": -1},
    "softmax_jacobian": {"z": Z},
    "softmax_vjp": {"z": Z, "v": np.ones((2, 3))},
    "cross_entropy": {"logits": Z, "targets": [0, 2]},
    "cross_entropy_grad": {"logits": Z, "targets": [0, 2]},
    "cross_entropy_and_grad": {"logits": Z, "targets": [0, 2]},
    "cross_entropy_from_probs": {"y_true": [0, 1], "y_pred": [[0.5, 0.5], [0.25, 0.75]]},
    "one_hot": {"labels": [0, 2], "num_classes": 3},
    "numerical_gradient": {"f": lambda v: float(np.sum(v**2)), "x": [1.0, 2.0], "h": 1e-6},
    "numerical_jacobian": {"f": lambda v: 2 * v, "x": [1.0, 2.0], "h": 1e-6},
    "relative_error": {"a": [1.0, 2.0], "b": [1.0, 2.5]},
    "dense_forward": {"x": np.ones((2, 3)), "W": np.ones((3, 4)), "b": np.ones(4)},
    "dense_backward": {"dout": np.ones((2, 4)), "x": np.ones((2, 3)), "W": np.ones((3, 4))},
    "relu": {"x": [-1.0, 2.0]},
    "relu_backward": {"dout": [1.0, 1.0], "x": [-1.0, 2.0]},
    "init_mlp": {"n_in": 2, "n_hidden": 4, "n_out": 3, "seed": 0},
    "mlp_forward": {"params": PARAMS, "X": X2},
    "mlp_backward": {"params": PARAMS, "cache": CACHE, "dlogits": np.ones((2, 3))},
    "mlp_loss_and_grads": {"params": PARAMS, "X": X2, "y": [0, 2]},
    "sgd_step": {"params": {"w": np.ones(2)}, "grads": {"w": np.ones(2)}, "lr": 0.1},
    "predict": {"params": PARAMS, "X": X2},
    "train_mlp": {"X": X2, "y": [0, 2], "n_hidden": 4, "lr": 0.5, "epochs": 2, "seed": 0, "batch_size": 1},
    "make_spirals": {"n_per_class": 3, "n_classes": 2, "noise": 0.1, "seed": 0},
    "minibatches": {"n": 5, "batch_size": 2, "rng": np.random.default_rng(0)},
    "softmax_regression_loss_and_grad": {"W": np.zeros((2, 3)), "b": np.zeros(3), "X": X2, "labels": [0, 2], "l2": 0.1},
    "train_softmax_regression": {"X": X2, "labels": [0, 2], "num_classes": 3, "epochs": 2, "batch_size": 1, "lr": 0.5,
                                 "l2": 0.1, "seed": 0, "X_test": X2, "labels_test": [1, 0],
                                 "init": (np.zeros((2, 3)), np.zeros(3))},
    "confusion_matrix": {"labels": [0, 2], "predicted": [1, 2], "num_classes": 3},
    "load_digits_split": {"test_fraction": 0.25, "seed": 0},
    "reliability_curve": {"probs": [[0.9, 0.1], [0.3, 0.7]], "labels": [0, 0], "n_bins": 15},
    "expected_calibration_error": {"probs": [[0.9, 0.1], [0.3, 0.7]], "labels": [0, 0], "n_bins": 15},
    "fit_temperature": {"logits": [[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]], "labels": [0, 1, 1]},
    "smooth_labels": {"labels": [0, 2], "num_classes": 3, "alpha": 0.1},
    "distillation_loss_and_grad": {"student_logits": Z, "teacher_logits": np.ones((2, 3)), "temperature": 2.0},
    "online_logsumexp": {"chunks": [[0.0, 1.0], [], [2.0]]},
    "partial_logsumexp": {"chunk": [0.0, 1.0]},
    "merge_partial_logsumexp": {"a": (0.0, 0.5), "b": (1.0, 0.0)},
    "tiled_attention": {"Q": np.ones((2, 3)), "K": np.ones((4, 3)), "V": np.ones((4, 2)), "block_size": 2,
                        "causal": False},
    "chunked_cross_entropy": {"H": np.ones((2, 3)), "W": np.ones((3, 4)), "targets": [0, 3], "chunk_size": 2},
    "sampled_softmax_loss": {"logits": Z, "targets": [0, 2], "sampled": [1, 1, 0], "q": [0.2, 0.3, 0.5]},
}

CASES = ("kind", "shape", "non-finite")
STRINGS = [["a", "b"], ["c", "d"]]
NAN = float("nan")

# (function, argument, case, bad value, error, regex the message must match)
BAD = [
    ("sigmoid", "x", "kind", "1.0", TypeError, r"`x` must hold real numbers; got dtype <U3"),
    ("sigmoid", "x", "non-finite", [0.0, NAN], ValueError, r"`x` must not contain nan"),
    ("sigmoid_grad", "x", "kind", "1.0", TypeError, r"`x` must hold real numbers; got dtype <U3"),
    ("sigmoid_grad", "x", "non-finite", [0.0, NAN], ValueError, r"`x` must not contain nan"),
    ("softmax_jacobian", "z", "kind", STRINGS, TypeError, r"`z` must hold real numbers"),
    ("softmax_jacobian", "z", "shape", np.zeros((1, 2, 3)), ValueError,
     r"`z` must have shape \(N, K\) or \(K,\); got shape \(1, 2, 3\)"),
    ("softmax_jacobian", "z", "non-finite", NAN_ROW, ValueError, r"`z` must not contain nan"),
    ("softmax_vjp", "z", "kind", STRINGS, TypeError, r"`z` must hold real numbers"),
    ("softmax_vjp", "z", "shape", 3.0, ValueError, r"`z` must have at least 1 dimension\(s\); got shape \(\)"),
    ("softmax_vjp", "z", "non-finite", [[0.0, np.inf, 0.0]] * 2, ValueError, r"`z` must not contain \+inf"),
    ("softmax_vjp", "v", "kind", STRINGS, TypeError, r"`v` must hold real numbers"),
    ("softmax_vjp", "v", "shape", np.ones(3), ValueError, r"`v` must have the shape of `z`, \(2, 3\); got \(3,\)"),
    ("softmax_vjp", "v", "non-finite", [[0.0, -np.inf, 0.0]] * 2, ValueError, r"`v` must be finite; got nan or inf"),
    ("cross_entropy_from_probs", "y_true", "kind", ["a", "b"], TypeError, r"`y_true` must be integer class labels"),
    ("cross_entropy_from_probs", "y_true", "shape", [[1.0, 0.0, 0.0]] * 2, ValueError,
     r"`y_true` must have shape \(2, 2\); got shape \(2, 3\)"),
    ("cross_entropy_from_probs", "y_true", "non-finite", [0, NAN], ValueError,
     r"`y_true` must be integers; got nan at position 1"),
    ("cross_entropy_from_probs", "y_pred", "kind", STRINGS, TypeError, r"`y_pred` must hold real numbers"),
    ("cross_entropy_from_probs", "y_pred", "shape", np.full((2, 1, 2), 0.5), ValueError,
     r"`y_pred` must have shape \(N, K\) or \(K,\); got shape \(2, 1, 2\)"),
    ("cross_entropy_from_probs", "y_pred", "non-finite", [[NAN, 1.0], [0.5, 0.5]], ValueError,
     r"`y_pred` must be finite probabilities"),
    ("one_hot", "labels", "kind", ["a"], TypeError, r"`labels` must be integer class labels; got dtype <U1"),
    ("one_hot", "labels", "shape", [[0, 1]], ValueError, r"`labels` must have shape \(N,\); got shape \(1, 2\)"),
    ("one_hot", "labels", "non-finite", [0, NAN], ValueError, r"`labels` must be integers; got nan at position 1"),
    ("one_hot", "num_classes", "kind", 2.5, TypeError, r"`num_classes` must be an integer; got 2.5"),
    # an integer argument cannot hold nan: a nan is a float, so the wrong kind (TypeError)
    ("one_hot", "num_classes", "non-finite", NAN, TypeError, r"`num_classes` must be an integer; got nan"),
    ("relative_error", "a", "kind", STRINGS, TypeError, r"`a` must hold real numbers"),
    ("relative_error", "a", "shape", [1.0, 2.0, 3.0], ValueError,
     r"`b` must have shape \(3,\) \(the shape of `a`\); got shape \(2,\)"),
    ("relative_error", "a", "non-finite", [NAN, 2.0], ValueError, r"`a` must be finite"),
    ("relative_error", "b", "kind", STRINGS, TypeError, r"`b` must hold real numbers"),
    ("relative_error", "b", "shape", [1.0], ValueError,
     r"`b` must have shape \(2,\) \(the shape of `a`\); got shape \(1,\)"),
    ("relative_error", "b", "non-finite", [1.0, np.inf], ValueError, r"`b` must be finite"),
    ("dense_forward", "x", "kind", STRINGS, TypeError, r"`x` must hold real numbers"),
    ("dense_forward", "x", "shape", np.ones(3), ValueError, r"`x` must have shape \(N, D_in\); got shape \(3,\)"),
    ("dense_forward", "x", "non-finite", [[1.0, NAN, 1.0]], ValueError, r"`x` must be finite"),
    ("dense_forward", "W", "kind", STRINGS, TypeError, r"`W` must hold real numbers"),
    ("dense_forward", "W", "shape", np.ones((2, 4)), ValueError,
     r"`W` must have shape \(3, D_out\) \(D_in, the columns of `x`\); got shape \(2, 4\)"),
    ("dense_forward", "W", "non-finite", np.full((3, 4), np.inf), ValueError, r"`W` must be finite"),
    ("dense_forward", "b", "kind", "bias", TypeError, r"`b` must hold real numbers"),
    ("dense_forward", "b", "shape", np.ones((1, 4)), ValueError, r"`b` must have shape \(4,\) .*; got shape \(1, 4\)"),
    ("dense_forward", "b", "non-finite", [0.0, 0.0, 0.0, NAN], ValueError, r"`b` must be finite"),
    ("dense_backward", "dout", "kind", STRINGS, TypeError, r"`dout` must hold real numbers"),
    ("dense_backward", "dout", "shape", np.ones((3, 4)), ValueError,
     r"`dout` must have shape \(2, 4\) .*; got shape \(3, 4\)"),
    ("dense_backward", "dout", "non-finite", np.full((2, 4), NAN), ValueError, r"`dout` must be finite"),
    ("dense_backward", "x", "kind", STRINGS, TypeError, r"`x` must hold real numbers"),
    ("dense_backward", "x", "shape", np.ones(3), ValueError, r"`x` must have shape \(N, D_in\); got shape \(3,\)"),
    ("dense_backward", "x", "non-finite", np.full((2, 3), -np.inf), ValueError, r"`x` must be finite"),
    ("dense_backward", "W", "kind", STRINGS, TypeError, r"`W` must hold real numbers"),
    ("dense_backward", "W", "shape", np.ones(4), ValueError, r"`W` must have shape \(3, D_out\) .*; got shape \(4,\)"),
    ("dense_backward", "W", "non-finite", np.full((3, 4), NAN), ValueError, r"`W` must be finite"),
    ("relu", "x", "kind", "a", TypeError, r"`x` must hold real numbers; got dtype <U1"),
    # ±inf is valid for relu (relu(-inf) = 0, relu(inf) = inf); only nan is not a number to rectify
    ("relu", "x", "non-finite", [1.0, NAN], ValueError, r"`x` must not contain nan"),
    ("relu_backward", "dout", "kind", ["a", "b"], TypeError, r"`dout` must hold real numbers"),
    ("relu_backward", "dout", "shape", [1.0, 1.0, 1.0], ValueError,
     r"`dout` must have shape \(2,\) \(the shape of `x`\); got shape \(3,\)"),
    ("relu_backward", "dout", "non-finite", [1.0, NAN], ValueError, r"`dout` must not contain nan"),
    ("relu_backward", "x", "kind", ["a", "b"], TypeError, r"`x` must hold real numbers"),
    ("relu_backward", "x", "non-finite", [NAN, 1.0], ValueError, r"`x` must not contain nan"),
    ("mlp_backward", "cache", "kind", list(CACHE), TypeError,
     r"`cache` must be the tuple \(X, a, h\) that mlp_forward returns; got list"),
    ("mlp_backward", "cache", "shape", (CACHE[0], CACHE[1][:, :3], CACHE[2]), ValueError,
     r"`cache\[1\]` must have shape \(2, 4\) .*; got shape \(2, 3\)"),
    ("mlp_backward", "cache", "non-finite", (CACHE[0], CACHE[1], np.full((2, 4), NAN)), ValueError,
     r"`cache\[2\]` must be finite"),
    ("mlp_backward", "dlogits", "kind", STRINGS, TypeError, r"`dlogits` must hold real numbers"),
    ("mlp_backward", "dlogits", "shape", np.ones((2, 4)), ValueError,
     r"`dlogits` must have shape \(2, 3\) .*; got shape \(2, 4\)"),
    ("mlp_backward", "dlogits", "non-finite", np.full((2, 3), np.inf), ValueError, r"`dlogits` must be finite"),
    ("mlp_loss_and_grads", "y", "kind", ["a", "b"], TypeError, r"`y` must be integer class labels"),
    ("mlp_loss_and_grads", "y", "shape", [0, 1, 2], ValueError, r"`y` has 3 entries but `X` has 2 rows"),
    ("mlp_loss_and_grads", "y", "non-finite", [0, NAN], ValueError, r"`y` must be integers; got nan at position 1"),
    ("sgd_step", "params", "kind", {"w": [1.0, 1.0]}, TypeError,
     r"`params\['w'\]` must be a float ndarray \(it is updated in place\); got list"),
    ("sgd_step", "params", "non-finite", {"w": np.array([1.0, NAN])}, ValueError, r"`params\['w'\]` must be finite"),
    ("sgd_step", "grads", "kind", {"w": ["a", "b"]}, TypeError, r"`grads\['w'\]` must hold real numbers"),
    ("sgd_step", "grads", "shape", {"w": np.ones(3)}, ValueError,
     r"`grads\['w'\]` must have shape \(2,\) \(the shape of params\['w'\]\); got shape \(3,\)"),
    ("sgd_step", "grads", "non-finite", {"w": np.array([NAN, 0.0])}, ValueError, r"`grads\['w'\]` must be finite"),
    ("sgd_step", "lr", "kind", "0.1", TypeError, r"`lr` must be a real number; got '0.1'"),
    ("sgd_step", "lr", "non-finite", np.inf, ValueError, r"`lr` must be finite; got inf"),
    ("train_mlp", "X", "kind", STRINGS, TypeError, r"`X` must hold real numbers"),
    ("train_mlp", "X", "shape", np.ones(2), ValueError, r"`X` must have shape \(N, D\); got shape \(2,\)"),
    ("train_mlp", "X", "non-finite", [[0.0, NAN], [1.0, 1.0]], ValueError, r"`X` must be finite"),
    ("train_mlp", "y", "kind", [True, False], TypeError, r"`y` must be integer class labels; got dtype bool"),
    ("train_mlp", "y", "shape", [0], ValueError, r"`y` has 1 entries but `X` has 2 rows"),
    ("train_mlp", "y", "non-finite", [0, np.inf], ValueError, r"`y` must be integers; got inf at position 1"),
    ("train_mlp", "lr", "kind", None, TypeError, r"`lr` must be a real number; got None"),
    ("train_mlp", "lr", "non-finite", NAN, ValueError, r"`lr` must be finite; got nan"),
    ("make_spirals", "noise", "kind", "0.2", TypeError, r"`noise` must be a real number"),
    ("make_spirals", "noise", "non-finite", np.inf, ValueError, r"`noise` must be finite; got inf"),
]

# Logits follow one contract wherever they appear.
for _name in ("softmax", "log_softmax", "logsumexp", "naive_softmax"):
    BAD += [
        (_name, "z", "kind", STRINGS, TypeError, r"`z` must hold real numbers; got dtype <U1"),
        (_name, "z", "shape", 3.0, ValueError, r"`z` must have at least 1 dimension\(s\); got shape \(\)"),
        (_name, "z", "non-finite", NAN_ROW, ValueError, r"`z` must not contain nan"),
        (_name, "axis", "kind", 1.0, TypeError, r"`axis` must be an integer; got 1.0"),
        # an integer argument cannot hold nan: a nan is a float, so the wrong kind (TypeError)
        (_name, "axis", "non-finite", NAN, TypeError, r"`axis` must be an integer; got nan"),
    ]
BAD += [("logsumexp", "keepdims", "kind", "yes", TypeError, r"`keepdims` must be True or False; got 'yes'")]
for _name in ("cross_entropy", "cross_entropy_grad", "cross_entropy_and_grad"):
    BAD += [
        (_name, "logits", "kind", STRINGS, TypeError, r"`logits` must hold real numbers"),
        (_name, "logits", "shape", np.zeros((2, 3, 1)), ValueError,
         r"`logits` must have shape \(N, K\) or \(K,\); got shape \(2, 3, 1\)"),
        (_name, "logits", "non-finite", [[0.0, np.inf, 0.0], [0.0, 0.0, 0.0]], ValueError,
         r"`logits` must not contain \+inf"),
        (_name, "targets", "kind", ["a", "b"], TypeError, r"`targets` must be integer class labels; got dtype <U1"),
        (_name, "targets", "shape", [[0], [1]], ValueError, r"`targets` must have shape \(2, 3\); got shape \(2, 1\)"),
        (_name, "targets", "non-finite", [0, NAN], ValueError, r"`targets` must be integers; got nan at position 1"),
    ]
for _name in ("numerical_gradient", "numerical_jacobian"):
    BAD += [
        (_name, "f", "kind", "sin", TypeError, r"`f` must be callable; got str"),
        (_name, "f", "non-finite", lambda v: np.inf * np.sum(v), ValueError,
         r"`f\(x\)` must be finite; got nan or inf"),
        (_name, "x", "kind", STRINGS, TypeError, r"`x` must hold real numbers"),
        (_name, "x", "shape", [], ValueError, r"`x` must not be empty; got shape \(0,\)"),
        (_name, "x", "non-finite", [1.0, np.inf], ValueError, r"`x` must be finite"),
        (_name, "h", "kind", "1e-6", TypeError, r"`h` must be a real number; got '1e-6'"),
        (_name, "h", "non-finite", NAN, ValueError, r"`h` must be finite; got nan"),
    ]
BAD += [
    ("numerical_gradient", "f", "shape", lambda v: v**2, ValueError,
     r"`f\(x\)` must have shape \(\) \(a scalar, .*use numerical_jacobian.*\); got shape \(2,\)"),
    # f's output changes shape between x and x + h e_0: (1,) at x = [1, 2], (2,) just above
    ("numerical_jacobian", "f", "shape", lambda v: v[v > 1], ValueError,
     r"`f\(x\)` must have shape \(1,\) \(the shape of `f` at `x`\); got shape \(2,\)"),
]
for _name in ("mlp_forward", "mlp_backward", "mlp_loss_and_grads", "predict"):
    BAD += [
        (_name, "params", "kind", [PARAMS["W1"]], TypeError,
         r"`params` must be a mapping \(e.g. a dict\) with keys W1, b1, W2, b2; got list"),
        (_name, "params", "shape", with_("b1", np.zeros(3)), ValueError,
         r"`params\['b1'\]` must have shape \(4,\) \(H, the columns of W1\); got shape \(3,\)"),
        (_name, "params", "non-finite", with_("W2", np.full((4, 3), NAN)), ValueError,
         r"`params\['W2'\]` must be finite"),
    ]
    if _name != "mlp_backward":
        BAD += [
            (_name, "X", "kind", STRINGS, TypeError, r"`X` must hold real numbers"),
            (_name, "X", "shape", np.ones((2, 3)), ValueError,
             r"`X` must have shape \(N, 2\) \(D, the rows of params\['W1'\]\); got shape \(2, 3\)"),
            (_name, "X", "non-finite", [[0.0, 0.0], [NAN, 0.0]], ValueError, r"`X` must be finite"),
        ]
# softmax regression: the weights, the data (training and held out), the settings
BAD += [
    ("minibatches", "rng", "kind", 0, TypeError,
     r"`rng` must be a numpy Generator, e.g. np.random.default_rng\(0\); got int"),
    ("softmax_regression_loss_and_grad", "W", "kind", STRINGS, TypeError, r"`W` must hold real numbers"),
    ("softmax_regression_loss_and_grad", "W", "shape", np.ones(3), ValueError,
     r"`W` must have shape \(D, K\); got shape \(3,\)"),
    ("softmax_regression_loss_and_grad", "W", "non-finite", np.full((2, 3), NAN), ValueError, r"`W` must be finite"),
    ("softmax_regression_loss_and_grad", "b", "kind", "bias", TypeError, r"`b` must hold real numbers"),
    ("softmax_regression_loss_and_grad", "b", "shape", np.ones(2), ValueError,
     r"`b` must have shape \(3,\) \(K, the columns of `W`\); got shape \(2,\)"),
    ("softmax_regression_loss_and_grad", "b", "non-finite", [0.0, 0.0, NAN], ValueError, r"`b` must be finite"),
    ("softmax_regression_loss_and_grad", "X", "kind", STRINGS, TypeError, r"`X` must hold real numbers"),
    ("softmax_regression_loss_and_grad", "X", "shape", np.ones((2, 3)), ValueError,
     r"`X` must have shape \(N, 2\) \(D, the rows of `W`\); got shape \(2, 3\)"),
    ("softmax_regression_loss_and_grad", "X", "non-finite", [[0.0, NAN], [1.0, 1.0]], ValueError,
     r"`X` must be finite"),
    ("softmax_regression_loss_and_grad", "labels", "kind", ["a", "b"], TypeError,
     r"`labels` must be integer class labels"),
    ("softmax_regression_loss_and_grad", "labels", "shape", [0], ValueError,
     r"`labels` has 1 entries but `X` has 2 rows"),
    ("softmax_regression_loss_and_grad", "labels", "non-finite", [0, NAN], ValueError,
     r"`labels` must be integers; got nan at position 1"),
    ("softmax_regression_loss_and_grad", "l2", "kind", "0.1", TypeError, r"`l2` must be a real number; got '0.1'"),
    ("softmax_regression_loss_and_grad", "l2", "non-finite", NAN, ValueError, r"`l2` must be finite; got nan"),
    ("train_softmax_regression", "X", "kind", STRINGS, TypeError, r"`X` must hold real numbers"),
    ("train_softmax_regression", "X", "shape", np.ones(2), ValueError,
     r"`X` must have shape \(N, D\); got shape \(2,\)"),
    ("train_softmax_regression", "X", "non-finite", [[0.0, NAN], [1.0, 1.0]], ValueError, r"`X` must be finite"),
    ("train_softmax_regression", "labels", "kind", [True, False], TypeError,
     r"`labels` must be integer class labels; got dtype bool"),
    ("train_softmax_regression", "labels", "shape", [0], ValueError, r"`labels` has 1 entries but `X` has 2 rows"),
    ("train_softmax_regression", "labels", "non-finite", [0, np.inf], ValueError,
     r"`labels` must be integers; got inf at position 1"),
    ("train_softmax_regression", "X_test", "kind", STRINGS, TypeError, r"`X_test` must hold real numbers"),
    ("train_softmax_regression", "X_test", "shape", np.ones((2, 3)), ValueError,
     r"`X_test` must have shape \(M, 2\) \(D, the columns of `X`\); got shape \(2, 3\)"),
    ("train_softmax_regression", "X_test", "non-finite", [[NAN, 0.0], [0.0, 0.0]], ValueError,
     r"`X_test` must be finite"),
    ("train_softmax_regression", "labels_test", "kind", ["a", "b"], TypeError,
     r"`labels_test` must be integer class labels"),
    ("train_softmax_regression", "labels_test", "shape", [0], ValueError,
     r"`labels_test` has 1 entries but `X_test` has 2 rows"),
    ("train_softmax_regression", "labels_test", "non-finite", [0, NAN], ValueError,
     r"`labels_test` must be integers; got nan at position 1"),
    ("train_softmax_regression", "l2", "kind", None, TypeError, r"`l2` must be a real number; got None"),
    ("train_softmax_regression", "lr", "kind", None, TypeError, r"`lr` must be a real number; got None"),
    ("train_softmax_regression", "lr", "non-finite", NAN, ValueError, r"`lr` must be finite; got nan"),
    ("train_softmax_regression", "l2", "non-finite", -np.inf, ValueError, r"`l2` must be finite; got -inf"),
    ("train_softmax_regression", "init", "kind", 0.5, TypeError, r"`init` must be a pair \(W, b\).*; got float"),
    ("train_softmax_regression", "init", "shape", (np.zeros((3, 3)), np.zeros(3)), ValueError,
     r"`init\[0\]` must have shape \(2, 3\)"),
    ("train_softmax_regression", "init", "non-finite", (np.zeros((2, 3)), [0.0, NAN, 0.0]), ValueError,
     r"`init\[1\]` must be finite"),
    ("confusion_matrix", "labels", "kind", ["a", "b"], TypeError, r"`labels` must be integer class labels"),
    ("confusion_matrix", "labels", "shape", [[0, 2]], ValueError,
     r"`labels` must have shape \(N,\); got shape \(1, 2\)"),
    ("confusion_matrix", "labels", "non-finite", [0, NAN], ValueError,
     r"`labels` must be integers; got nan at position 1"),
    ("confusion_matrix", "predicted", "kind", ["a", "b"], TypeError, r"`predicted` must be integer class labels"),
    ("confusion_matrix", "predicted", "shape", [0, 1, 2], ValueError,
     r"`predicted` must have the shape of `labels`, \(2,\); got \(3,\)"),
    ("confusion_matrix", "predicted", "non-finite", [NAN, 1], ValueError,
     r"`predicted` must be integers; got nan at position 0"),
    *[row for name in ("reliability_curve", "expected_calibration_error") for row in [
        (name, "probs", "kind", STRINGS, TypeError, r"`probs` must hold real numbers; got dtype <U1"),
        (name, "probs", "shape", [0.9, 0.1], ValueError,
         r"`probs` must have shape \(N, K\) with N, K >= 1; got shape \(2,\)"),
        (name, "probs", "non-finite", [[NAN, 0.1], [0.3, 0.7]], ValueError, r"`probs` must be finite probabilities"),
        (name, "labels", "kind", ["a", "b"], TypeError, r"`labels` must be integer class labels"),
        (name, "labels", "shape", [0, 1, 1], ValueError, r"`labels` has 3 entries but `probs` has 2 rows"),
        (name, "labels", "non-finite", [0, NAN], ValueError, r"`labels` must be integers; got nan at position 1"),
    ]],
    ("fit_temperature", "logits", "kind", STRINGS, TypeError, r"`logits` must hold real numbers; got dtype <U1"),
    ("fit_temperature", "logits", "shape", [2.0, 0.0], ValueError, r"`logits` must have shape \(N, K\)"),
    ("fit_temperature", "logits", "non-finite", [[2.0, 0.0], [0.0, np.inf], [1.0, 0.0]], ValueError,
     r"`logits` must be finite"),
    ("fit_temperature", "labels", "kind", ["a", "b", "c"], TypeError, r"`labels` must be integer class labels"),
    ("fit_temperature", "labels", "shape", [0, 1], ValueError, r"`labels` has 2 entries but `logits` has 3 rows"),
    ("fit_temperature", "labels", "non-finite", [0, NAN, 1], ValueError, r"`labels` must be integers; got nan"),
    ("smooth_labels", "labels", "kind", ["a", "b"], TypeError, r"`labels` must be integer class labels"),
    ("smooth_labels", "labels", "shape", [[0, 2]], ValueError, r"`labels` must have shape \(N,\); got shape \(1, 2\)"),
    ("smooth_labels", "labels", "non-finite", [0, NAN], ValueError, r"`labels` must be integers; got nan"),
    ("smooth_labels", "alpha", "kind", "0.1", TypeError, r"`alpha` must be a real number; got '0.1'"),
    ("smooth_labels", "alpha", "non-finite", NAN, ValueError, r"`alpha` must be finite; got nan"),
    ("distillation_loss_and_grad", "student_logits", "kind", STRINGS, TypeError,
     r"`student_logits` must hold real numbers"),
    ("distillation_loss_and_grad", "student_logits", "shape", np.zeros(3), ValueError,
     r"`student_logits` must have shape \(N, K\); got shape \(3,\)"),
    ("distillation_loss_and_grad", "student_logits", "non-finite", [[0.0, NAN, 0.0]] * 2, ValueError,
     r"`student_logits` must be finite"),
    ("distillation_loss_and_grad", "teacher_logits", "kind", STRINGS, TypeError,
     r"`teacher_logits` must hold real numbers"),
    ("distillation_loss_and_grad", "teacher_logits", "shape", np.ones((2, 4)), ValueError,
     r"`teacher_logits` must have shape \(2, 3\) \(the shape of `student_logits`\); got shape \(2, 4\)"),
    ("distillation_loss_and_grad", "teacher_logits", "non-finite", [[0.0, -np.inf, 0.0]] * 2, ValueError,
     r"`teacher_logits` must be finite"),
    ("distillation_loss_and_grad", "temperature", "kind", "2", TypeError, r"`temperature` must be a real number"),
    ("distillation_loss_and_grad", "temperature", "non-finite", np.inf, ValueError,
     r"`temperature` must be finite; got inf"),
    ("load_digits_split", "test_fraction", "kind", "0.25", TypeError,
     r"`test_fraction` must be a real number; got '0.25'"),
    ("load_digits_split", "test_fraction", "non-finite", NAN, ValueError, r"`test_fraction` must be finite; got nan"),
    # the split's seed is an integer only (scikit-learn's random_state), so every split is reproducible
    ("load_digits_split", "seed", "kind", 2.0, TypeError, r"`seed` must be an integer; got 2.0"),
    ("load_digits_split", "seed", "non-finite", NAN, TypeError, r"`seed` must be an integer; got nan"),
]
# softmax at scale: the online normaliser, tiled attention, the chunked loss
BAD += [
    ("online_logsumexp", "chunks", "kind", 3.0, TypeError, r"`chunks` must be an iterable of 1-D arrays; got float"),
    ("online_logsumexp", "chunks", "shape", [[0.0], np.zeros((2, 2))], ValueError,
     r"`chunks\[1\]` must have shape \(n,\), a 1-D chunk; got shape \(2, 2\)"),
    ("online_logsumexp", "chunks", "non-finite", [[0.0, NAN]], ValueError, r"`chunks\[0\]` must not contain nan"),
    ("partial_logsumexp", "chunk", "kind", ["a", "b"], TypeError, r"`chunk` must hold real numbers; got dtype <U1"),
    ("partial_logsumexp", "chunk", "shape", np.zeros((2, 2)), ValueError,
     r"`chunk` must have shape \(n,\), a 1-D chunk; got shape \(2, 2\)"),
    ("partial_logsumexp", "chunk", "non-finite", [0.0, np.inf], ValueError, r"`chunk` must not contain \+inf"),
    *[row for arg in "ab" for row in [
        ("merge_partial_logsumexp", arg, "kind", 0.5, TypeError,
         rf"`{arg}` must be a \(max, rest\) pair as partial_logsumexp returns; got float"),
        ("merge_partial_logsumexp", arg, "shape", (0.0, 0.0, 0.0), ValueError,
         rf"`{arg}` must be a \(max, rest\) pair; got 3 items"),
        ("merge_partial_logsumexp", arg, "non-finite", (NAN, 0.0), ValueError,
         rf"`{arg}\[0\]`, the max, must not be nan or \+inf; got nan"),
    ]],
    ("tiled_attention", "Q", "kind", STRINGS, TypeError, r"`Q` must hold real numbers"),
    ("tiled_attention", "Q", "shape", np.ones(3), ValueError, r"`Q` must have shape \(n, d\); got shape \(3,\)"),
    ("tiled_attention", "Q", "non-finite", [[0.0, NAN, 0.0]] * 2, ValueError, r"`Q` must be finite"),
    ("tiled_attention", "K", "kind", STRINGS, TypeError, r"`K` must hold real numbers"),
    ("tiled_attention", "K", "shape", np.ones((4, 2)), ValueError,
     r"`K` must have shape \(m, 3\) \(d, the columns of `Q`\); got shape \(4, 2\)"),
    ("tiled_attention", "K", "non-finite", np.full((4, 3), -np.inf), ValueError, r"`K` must be finite"),
    ("tiled_attention", "V", "kind", STRINGS, TypeError, r"`V` must hold real numbers"),
    ("tiled_attention", "V", "shape", np.ones((3, 2)), ValueError,
     r"`V` must have shape \(4, d_v\) \(m, the rows of `K`\); got shape \(3, 2\)"),
    ("tiled_attention", "V", "non-finite", np.full((4, 2), np.inf), ValueError, r"`V` must be finite"),
    ("tiled_attention", "causal", "kind", "yes", TypeError, r"`causal` must be True or False; got 'yes'"),
    ("chunked_cross_entropy", "H", "kind", STRINGS, TypeError, r"`H` must hold real numbers"),
    ("chunked_cross_entropy", "H", "shape", np.ones(3), ValueError, r"`H` must have shape \(N, D\); got shape \(3,\)"),
    ("chunked_cross_entropy", "H", "non-finite", [[0.0, NAN, 0.0]] * 2, ValueError, r"`H` must be finite"),
    ("chunked_cross_entropy", "W", "kind", STRINGS, TypeError, r"`W` must hold real numbers"),
    ("chunked_cross_entropy", "W", "shape", np.ones((2, 4)), ValueError,
     r"`W` must have shape \(3, K\) \(D, the columns of `H`\); got shape \(2, 4\)"),
    ("chunked_cross_entropy", "W", "non-finite", np.full((3, 4), np.inf), ValueError, r"`W` must be finite"),
    ("chunked_cross_entropy", "targets", "kind", ["a", "b"], TypeError, r"`targets` must be integer class labels"),
    ("chunked_cross_entropy", "targets", "shape", [0, 1, 2], ValueError, r"`targets` has 3 entries but `H` has 2 rows"),
    ("chunked_cross_entropy", "targets", "non-finite", [0, NAN], ValueError,
     r"`targets` must be integers; got nan at position 1"),
    ("sampled_softmax_loss", "logits", "kind", STRINGS, TypeError, r"`logits` must hold real numbers"),
    ("sampled_softmax_loss", "logits", "shape", np.zeros(3), ValueError,
     r"`logits` must have shape \(N, K\); got shape \(3,\)"),
    ("sampled_softmax_loss", "logits", "non-finite", [[0.0, np.inf, 0.0]] * 2, ValueError,
     r"`logits` must not contain \+inf"),
    ("sampled_softmax_loss", "targets", "kind", ["a", "b"], TypeError, r"`targets` must be integer class labels"),
    ("sampled_softmax_loss", "targets", "shape", [0], ValueError, r"`targets` has 1 entries but `logits` has 2 rows"),
    ("sampled_softmax_loss", "targets", "non-finite", [0, NAN], ValueError, r"`targets` must be integers; got nan"),
    ("sampled_softmax_loss", "sampled", "kind", ["a"], TypeError, r"`sampled` must be integer class labels"),
    ("sampled_softmax_loss", "sampled", "shape", [[1, 0]], ValueError,
     r"`sampled` must have shape \(S,\); got shape \(1, 2\)"),
    ("sampled_softmax_loss", "sampled", "non-finite", [1, np.inf], ValueError,
     r"`sampled` must be integers; got inf at position 1"),
    ("sampled_softmax_loss", "q", "kind", ["a", "b", "c"], TypeError, r"`q` must hold real numbers"),
    ("sampled_softmax_loss", "q", "shape", [0.5, 0.5], ValueError,
     r"`q` must have shape \(3,\) \(K, the columns of `logits`\); got shape \(2,\)"),
    ("sampled_softmax_loss", "q", "non-finite", [0.5, NAN, 0.5], ValueError, r"`q` must be finite probabilities"),
]
INTS = [("init_mlp", ["n_in", "n_hidden", "n_out", "seed"]),
        ("train_mlp", ["n_hidden", "epochs", "seed", "batch_size"]),
        ("make_spirals", ["n_per_class", "n_classes", "seed"]), ("minibatches", ["n", "batch_size"]),
        ("train_softmax_regression", ["num_classes", "epochs", "batch_size", "seed"]),
        ("confusion_matrix", ["num_classes"]), ("reliability_curve", ["n_bins"]),
        ("expected_calibration_error", ["n_bins"]), ("smooth_labels", ["num_classes"]),
        ("tiled_attention", ["block_size"]), ("chunked_cross_entropy", ["chunk_size"])]
KINDS = {"seed": "None, an integer >= 0 or a numpy Generator"}
for _name, ints in INTS:
    for _arg in ints:
        BAD += [
            (_name, _arg, "kind", 2.0, TypeError, rf"`{_arg}` must be {KINDS.get(_arg, 'an integer')}; got 2.0"),
            # an integer argument cannot hold nan: a nan is a float, so the wrong kind (TypeError)
            (_name, _arg, "non-finite", NAN, TypeError, rf"`{_arg}` must be {KINDS.get(_arg, 'an integer')}; got nan"),
        ]

# Why a case does not apply (checked: each key must name a real argument).
SCALAR = "a scalar argument has no shape"
ANY_SHAPE = "elementwise: every shape, a scalar included, is valid"
NOT_APPLICABLE = {
    ("sigmoid", "x", "shape"): ANY_SHAPE,
    ("sigmoid_grad", "x", "shape"): ANY_SHAPE,
    ("relu", "x", "shape"): ANY_SHAPE,
    ("relu_backward", "x", "shape"): ANY_SHAPE + " (`dout` is checked against it)",
    ("logsumexp", "keepdims", "shape"): SCALAR,
    ("logsumexp", "keepdims", "non-finite"): "a bool cannot be nan or inf",
    ("one_hot", "num_classes", "shape"): SCALAR,
    ("sgd_step", "params", "shape"): "any mapping of arrays of any shapes; each gradient is checked against its own",
    ("sgd_step", "lr", "shape"): SCALAR,
    ("train_mlp", "lr", "shape"): SCALAR,
    ("make_spirals", "noise", "shape"): SCALAR,
}
for _name in ("softmax", "log_softmax", "logsumexp", "naive_softmax"):
    NOT_APPLICABLE[(_name, "axis", "shape")] = SCALAR
for _name in ("numerical_gradient", "numerical_jacobian"):
    NOT_APPLICABLE[(_name, "h", "shape")] = SCALAR
for _name, ints in INTS + [("load_digits_split", ["test_fraction", "seed"])]:
    for _arg in ints:
        NOT_APPLICABLE[(_name, _arg, "shape")] = SCALAR
for _name in ("softmax_regression_loss_and_grad", "train_softmax_regression"):
    NOT_APPLICABLE[(_name, "l2", "shape")] = SCALAR
NOT_APPLICABLE[("train_softmax_regression", "lr", "shape")] = SCALAR
NOT_APPLICABLE[("smooth_labels", "alpha", "shape")] = SCALAR
NOT_APPLICABLE[("distillation_loss_and_grad", "temperature", "shape")] = SCALAR
NOT_APPLICABLE[("tiled_attention", "causal", "shape")] = SCALAR
NOT_APPLICABLE[("tiled_attention", "causal", "non-finite")] = "a bool cannot be nan or inf"
NOT_APPLICABLE[("minibatches", "rng", "shape")] = "a Generator, not an array"
NOT_APPLICABLE[("minibatches", "rng", "non-finite")] = "a Generator holds no numbers to be nan or inf"


def call(name, **changes):
    """The function on its valid arguments with `changes`, on copies (sgd_step updates in place)."""
    return getattr(sb, name)(**copy.deepcopy({**VALID[name], **changes}))


def public_functions():
    return [name for name in sb.__all__ if callable(getattr(sb, name))]


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_valid_calls_are_valid(name):
    call(name)  # so that each bad case below fails for its one bad argument


@pytest.mark.parametrize("name, arg, case, value, error, message", BAD, ids=[f"{b[0]}-{b[1]}-{b[2]}" for b in BAD])
def test_bad_argument(name, arg, case, value, error, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call(name, **{arg: value})
    # exactly the type: numpy's own UFuncTypeError is a TypeError too, but names nothing
    assert type(info.value) is error, (type(info.value), info.value)
    text = str(info.value)
    assert re.search(message, text), text
    # it names the argument: `x`, or an entry of it (`params['W1']`) or its value (`f(x)`)
    assert re.search("`" + re.escape(arg) + r"[`\[(]", text), text


def test_table_covers_every_public_argument():
    rows = {(b[0], b[1], b[2]) for b in BAD}
    missing = []
    for name in public_functions():
        assert name in VALID, f"{name} has no valid call in VALID"
        for arg in inspect.signature(getattr(sb, name)).parameters:
            for case in CASES:
                if (name, arg, case) not in rows and (name, arg, case) not in NOT_APPLICABLE:
                    missing.append((name, arg, case))
    assert not missing, f"no bad-input row and no reason why not: {missing}"


def test_table_has_no_stale_or_contradictory_rows():
    rows = {(b[0], b[1], b[2]) for b in BAD}
    for name, arg, case in rows | set(NOT_APPLICABLE):
        assert name in public_functions() and case in CASES
        assert arg in inspect.signature(getattr(sb, name)).parameters, (name, arg)
    assert not rows & set(NOT_APPLICABLE), rows & set(NOT_APPLICABLE)
    assert all(NOT_APPLICABLE.values())


# --- the exact messages of the subtler cases -----------------------------------------------

LOGIT_FUNCTIONS = [
    ("z", sb.softmax),
    ("z", sb.log_softmax),
    ("z", sb.logsumexp),
    ("z", sb.naive_softmax),
    ("z", sb.softmax_jacobian),
    ("z", lambda z: sb.softmax_vjp(z, np.zeros(np.shape(z)))),
    ("logits", lambda z: sb.cross_entropy(z, np.zeros(np.shape(z)[0], int))),
    ("logits", lambda z: sb.cross_entropy_grad(z, np.zeros(np.shape(z)[0], int))),
    ("logits", lambda z: sb.cross_entropy_and_grad(z, np.zeros(np.shape(z)[0], int))),
]


@pytest.mark.parametrize("name, f", LOGIT_FUNCTIONS)
@pytest.mark.parametrize("z, error, message", [
    (np.zeros((0, 3)), ValueError, "must not be empty"),
    (NAN_ROW, ValueError, "must not contain nan"),
    (INF_ROW, ValueError, r"must not contain \+inf"),
    (MASKED_ROW, ValueError, "has a row of only -inf"),
    (np.array([["a", "b"]]), TypeError, "must hold real numbers; got dtype <U1"),
    (np.array([[1.0, None]], dtype=object), TypeError, "must hold real numbers; got dtype object"),
    (np.array([[True, False]]), TypeError, "must hold real numbers; got dtype bool"),
    (np.array([[1 + 2j, 0j]]), TypeError, "must hold real numbers; got dtype complex128"),
])
def test_bad_logits(name, f, z, error, message):
    with pytest.raises(error, match=f"`{name}` {message}"):
        f(z)


def test_ragged_input():
    with pytest.raises(ValueError, match="`z` must be a rectangular array of numbers"):
        sb.softmax([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="`targets` must be a rectangular array of numbers"):
        sb.cross_entropy(Z, [[1.0, 0.0, 0.0], [1.0]])
    with pytest.raises(ValueError, match="`labels` must be a rectangular array of numbers"):
        sb.one_hot([[1], [0, 1]], 2)


@pytest.mark.parametrize("f", [sb.cross_entropy, sb.cross_entropy_grad, sb.cross_entropy_and_grad])
@pytest.mark.parametrize("labels, message", [
    ([0, 3], r"`targets` must be integers in \[0, 3\); got 3 at position 1"),
    ([-1, 0], r"`targets` must be integers in \[0, 3\); got -1 at position 0"),
    ([0.5, 1.0], r"`targets` must be integers; got 0.5 at position 0"),
    ([0, np.nan], r"`targets` must be integers; got nan at position 1"),
    ([0, 1, 2], r"`targets` has 3 entries but `logits` has 2 rows"),
    ([[0], [1]], r"`targets` must have shape \(2, 3\); got shape \(2, 1\)"),
    (np.zeros((2, 3, 1)), r"`targets` must have shape \(2,\); got shape \(2, 3, 1\)"),
    ([[0.5, 0.5, 0.5], [1, 0, 0]], r"`targets` rows must sum to 1; row 0 sums to 1.5"),
    ([[1.5, -0.5, 0], [1, 0, 0]], r"`targets` must be probabilities in \[0, 1\]"),
    ([[np.nan, 1, 0], [1, 0, 0]], r"`targets` must be finite probabilities"),
])
def test_bad_targets(f, labels, message):
    with pytest.raises(ValueError, match=message):
        f(Z, labels)


@pytest.mark.parametrize("labels", [["a", "b"], [True, False]])
def test_non_numeric_labels(labels):
    with pytest.raises(TypeError, match="`targets` must be integer class labels"):
        sb.cross_entropy(Z, labels)


@pytest.mark.parametrize("y_true, y_pred, error, message", [
    ([0], [[0.5, 0.6]], ValueError, r"`y_pred` rows must sum to 1; row 0 sums to 1.1"),
    ([0], [[np.nan, 1.0]], ValueError, r"`y_pred` must be finite probabilities"),
    ([0], [[1.2, -0.2]], ValueError, r"`y_pred` must be probabilities in \[0, 1\]"),
    ([2], [[0.5, 0.5]], ValueError, r"`y_true` must be integers in \[0, 2\); got 2 at position 0"),
    ([0, 1], [[0.5, 0.5]], ValueError, r"`y_true` has 2 entries but `y_pred` has 1 rows"),
    ([[1.0, 0.0, 0.0]], [[0.5, 0.5]], ValueError, r"`y_true` must have shape \(1, 2\)"),
    ([0], [["a", "b"]], TypeError, r"`y_pred` must hold real numbers"),
    ([0], np.zeros((1, 1, 2)), ValueError, r"`y_pred` must have shape \(N, K\) or \(K,\)"),
    ([], np.zeros((0, 2)), ValueError, r"`y_pred` must not be empty; got shape \(0, 2\)"),
    (0, [0.5, 0.6], ValueError, r"`y_pred` rows must sum to 1; row 0 sums to 1.1"),  # a single (K,) row
])
def test_bad_probabilities(y_true, y_pred, error, message):
    with pytest.raises(error, match=message):
        sb.cross_entropy_from_probs(y_true, y_pred)


@pytest.mark.parametrize("v", [[0.0, np.nan, 1.0], [0.0, -np.inf, 1.0]])
def test_vjp_needs_a_finite_upstream_gradient(v):
    # chapter 6 prints this message: keep it word for word
    with pytest.raises(ValueError, match=r"^`v` must be finite; got nan or inf$"):
        sb.softmax_vjp(np.zeros(3), v)


@pytest.mark.parametrize("f", [sb.softmax, sb.log_softmax, sb.logsumexp, sb.naive_softmax])
@pytest.mark.parametrize("axis, error, message", [
    (None, TypeError, "`axis` must be an integer; got None"),
    (1.0, TypeError, "`axis` must be an integer; got 1.0"),
    (True, TypeError, "`axis` must be an integer; got True"),
    (2, ValueError, r"`axis` must be in \[-2, 2\) for an array of 2 dimension\(s\); got 2"),
    (-3, ValueError, r"`axis` must be in \[-2, 2\)"),
])
def test_bad_axis(f, axis, error, message):
    with pytest.raises(error, match=message):
        f(np.zeros((2, 3)), axis=axis)


def test_naive_softmax_follows_the_logit_rules_but_still_overflows():
    with pytest.raises(ValueError, match=r"`z` must not contain \+inf"):
        sb.naive_softmax([np.inf, 0.0])
    with pytest.raises(ValueError, match="`z` has a row of only -inf"):
        sb.naive_softmax([[0.0, 1.0], [-np.inf, -np.inf]])
    assert np.isnan(sb.naive_softmax([1000.0, 0.0])).any()  # finite input, overflow: the lesson


@pytest.mark.parametrize("f", [sb.sigmoid, sb.sigmoid_grad])
def test_sigmoid_rejects_nan_and_strings(f):
    with pytest.raises(ValueError, match="`x` must not contain nan"):
        f(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="`x` must hold real numbers"):
        f("1.0")


@pytest.mark.parametrize("k", [2.5, 3.0, True, "3", None, np.float64(3)])
def test_one_hot_num_classes_of_the_wrong_kind(k):
    # Bug story: a non-integer num_classes used to be a ValueError, unlike every other wrong kind.
    with pytest.raises(TypeError, match="`num_classes` must be an integer; got "):
        sb.one_hot([0], k)


@pytest.mark.parametrize("k", [0, -1, np.int64(0)])
def test_one_hot_num_classes_not_positive(k):
    with pytest.raises(ValueError, match=rf"`num_classes` must be an integer >= 1; got {k}"):
        sb.one_hot([0], k)


def test_one_hot_labels_out_of_range():
    with pytest.raises(ValueError, match=r"`labels` must be integers in \[0, 2\); got 2 at position 1"):
        sb.one_hot([0, 2], 2)


def test_numerical_gradient_needs_a_scalar_function():
    with pytest.raises(ValueError, match=r"`f\(x\)` must have shape \(\) \(a scalar"):
        sb.numerical_gradient(sb.softmax, np.zeros(3))


@pytest.mark.parametrize("f", [sb.numerical_gradient, sb.numerical_jacobian])
@pytest.mark.parametrize("h", [0.0, -1e-6])
def test_step_must_be_positive(f, h):
    with pytest.raises(ValueError, match=rf"`h` must be > 0; got {h}"):
        f(lambda v: float(np.sum(v)), [1.0], h=h)


def test_numerical_jacobian_rejects_non_numeric_output():
    with pytest.raises(TypeError, match=r"`f\(x\)` must hold real numbers; got dtype <U"):
        sb.numerical_jacobian(lambda v: "abc", [1.0])


# --- the network ----------------------------------------------------------------------------

@pytest.mark.parametrize("y, message", [
    # Bug story: these once reported "`logits` must not be empty" or an IndexError.
    ([-1, 0], r"`y` must be integers in \[0, K\); got -1 at position 0"),
    ([0, 1.5], r"`y` must be integers; got 1.5 at position 1"),
    ([0, 1, 1], r"`y` has 3 entries but `X` has 2 rows"),
    ([[0, 1]], r"`y` must have shape \(2,\); got shape \(1, 2\)"),
])
def test_train_mlp_labels(y, message):
    with pytest.raises(ValueError, match=message):
        sb.train_mlp(X2, y, epochs=1)


@pytest.mark.parametrize("X", [[[0.0, 1.0]], sb.make_spirals()[0]])
def test_train_mlp_a_single_negative_label(X):
    # the example: sb.train_mlp(X, [-1]) said "`logits` must not be empty"; the bad
    # value is reported before the count that does not match the 300 rows of the spirals
    with pytest.raises(ValueError, match=r"^`y` must be integers in \[0, K\); got -1 at position 0$"):
        sb.train_mlp(X, [-1])


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_hidden": 0}, ValueError, r"`n_hidden` must be an integer >= 1; got 0"),
    ({"epochs": -1}, ValueError, r"`epochs` must be an integer >= 0; got -1"),
    ({"lr": -0.1}, ValueError, r"`lr` must be >= 0; got -0.1"),
    ({"seed": -1}, ValueError, r"`seed` must be an integer >= 0; got -1"),
    ({"seed": "0"}, TypeError, r"`seed` must be None, an integer >= 0 or a numpy Generator; got '0'"),
])
def test_train_mlp_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        sb.train_mlp(X2, [0, 1], **{"epochs": 1, **kwargs})


def test_train_mlp_empty_input():
    with pytest.raises(ValueError, match=r"`X` must not be empty; got shape \(0, 2\)"):
        sb.train_mlp(np.zeros((0, 2)), [])


@pytest.mark.parametrize("f", [sb.mlp_forward, sb.predict, lambda p, X: sb.mlp_loss_and_grads(p, X, [0, 1])])
def test_params_with_missing_keys(f):
    params = {k: v for k, v in PARAMS.items() if k not in ("b1", "b2")}
    with pytest.raises(ValueError, match=r"`params` must have keys W1, b1, W2, b2; missing b1, b2"):
        f(params, X2)


@pytest.mark.parametrize("key, value, message", [
    ("W1", np.ones(2), r"`params\['W1'\]` must have shape \(D, H\); got shape \(2,\)"),
    ("W2", np.ones((5, 3)), r"`params\['W2'\]` must have shape \(4, K\) \(H, the columns of W1\); got shape \(5, 3\)"),
    ("b2", np.ones(2), r"`params\['b2'\]` must have shape \(3,\) \(K, the columns of W2\); got shape \(2,\)"),
    ("W1", "weights", r"`params\['W1'\]` must hold real numbers"),
])
def test_params_with_wrong_entries(key, value, message):
    with pytest.raises((TypeError, ValueError), match=message):
        sb.mlp_forward(with_(key, value), X2)


def test_labels_must_fit_the_output_layer():
    with pytest.raises(ValueError, match=r"`y` must be integers in \[0, 3\); got 3 at position 1"):
        sb.mlp_loss_and_grads(PARAMS, X2, [0, 3])


def test_empty_batch_for_the_loss():
    with pytest.raises(ValueError, match=r"`X` must not be empty; got shape \(0, 2\)"):
        sb.mlp_loss_and_grads(PARAMS, np.zeros((0, 2)), [])


def test_cache_of_the_wrong_length():
    with pytest.raises(TypeError, match=r"`cache` must be the tuple \(X, a, h\) that mlp_forward returns; got tuple"):
        sb.mlp_backward(PARAMS, CACHE[:2], np.ones((2, 3)))


@pytest.mark.parametrize("params, grads, lr, error, message", [
    ({"w": np.ones(2)}, {"v": np.ones(2)}, 0.1, ValueError, r"`grads` has key 'v' but `params` does not"),
    ({"w": np.ones(2)}, {"w": np.ones(2)}, -1.0, ValueError, r"`lr` must be >= 0; got -1.0"),
    ({"w": np.ones(2, int)}, {"w": np.ones(2)}, 0.1, TypeError, r"`params\['w'\]` must be a float ndarray .*int64"),
    ([np.ones(2)], {"w": np.ones(2)}, 0.1, TypeError,
     r"`params` must be a mutable mapping \(e.g. a dict\) of float arrays, updated in place; got list"),
    ({"w": np.ones(2)}, [np.ones(2)], 0.1, TypeError, r"`grads` must be a mapping \(e.g. a dict\) of arrays; got list"),
])
def test_sgd_step_arguments(params, grads, lr, error, message):
    with pytest.raises(error, match=message):
        sb.sgd_step(params, grads, lr)


def test_sgd_step_checks_everything_before_updating():
    params = {"a": np.ones(2), "b": np.ones(2)}
    with pytest.raises(ValueError, match=r"`grads\['b'\]` must be finite"):
        sb.sgd_step(params, {"a": np.ones(2), "b": np.array([np.nan, 0.0])}, 0.1)
    np.testing.assert_array_equal(params["a"], [1.0, 1.0])  # "a" was not updated either


@pytest.mark.parametrize("n, message", [
    ({"n_in": 0}, r"`n_in` must be an integer >= 1; got 0"),
    ({"n_out": -2}, r"`n_out` must be an integer >= 1; got -2"),
])
def test_init_mlp_sizes(n, message):
    with pytest.raises(ValueError, match=message):
        sb.init_mlp(**{"n_in": 2, "n_hidden": 3, "n_out": 2, **n})


@pytest.mark.parametrize("kwargs, message", [
    ({"n_per_class": 1}, r"`n_per_class` must be an integer >= 2; got 1"),
    ({"n_classes": 0}, r"`n_classes` must be an integer >= 1; got 0"),
    ({"noise": -0.1}, r"`noise` must be >= 0; got -0.1"),
])
def test_spirals_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sb.make_spirals(**kwargs)


# --- the plots (the `plots` extra) ----------------------------------------------------------

def regions(**changes):
    """plot_decision_regions on a fresh Axes, with valid arguments but for `changes`."""
    sbp = pytest.importorskip("softmaxbook.plots")
    from matplotlib.figure import Figure

    args = {"ax": Figure().add_subplot(), "predict": lambda P: (P[:, 0] > 0).astype(int), "X": X2, "y": [0, 1],
            "resolution": 10}
    return sbp.plot_decision_regions(**{**args, **changes})


@pytest.mark.parametrize("kwargs, error, message", [
    ({"ax": [1, 2]}, TypeError, r"^`ax` must be a matplotlib Axes, e\.g\. from plt\.subplots\(\); got list$"),
    ({"predict": "argmax"}, TypeError, r"^`predict` must be callable; got str$"),
    ({"X": STRINGS}, TypeError, r"^`X` must hold real numbers; got dtype <U1$"),
    ({"X": [0.5, -1.0]}, ValueError, r"^`X` must have shape \(N, 2\); got shape \(2,\)$"),
    ({"X": np.ones((2, 3))}, ValueError, r"^`X` must have shape \(N, 2\); got shape \(2, 3\)$"),
    ({"X": np.zeros((0, 2)), "y": []}, ValueError, r"^`X` must not be empty; got shape \(0, 2\)$"),
    ({"X": [[0.0, NAN], [1.0, 2.0]]}, ValueError, r"^`X` must be finite; got nan or inf$"),
    ({"y": ["a", "b"]}, TypeError, r"^`y` must be integer class labels; got dtype <U1$"),
    ({"y": [0, 1.5]}, ValueError, r"^`y` must be integers; got 1.5 at position 1$"),
    ({"y": [0, -1]}, ValueError, r"^`y` must be integers in \[0, K\); got -1 at position 1$"),
    ({"y": [0]}, ValueError, r"^`y` has 1 entries but `X` has 2 rows$"),
    ({"resolution": 1}, ValueError, r"^`resolution` must be an integer >= 2; got 1$"),
    ({"resolution": 10.0}, TypeError, r"^`resolution` must be an integer; got 10.0$"),
    # what predict returns is checked too: M integer classes for the M points of the grid
    # (the grid starts at the smallest x1 of X2 less the pad, 0.5 - 0.1)
    ({"predict": lambda P: P[:, 0]}, ValueError, r"^`predict\(points\)` must be integers; got 0.4 at position 0$"),
    ({"predict": lambda P: np.zeros(3, int)}, ValueError,
     r"^`predict\(points\)` has 3 entries but the grid of 10 x 10 points has 100 rows$"),
])
def test_plot_decision_regions_arguments(kwargs, error, message):
    with pytest.raises((TypeError, ValueError)) as info:
        regions(**kwargs)
    assert type(info.value) is error, (type(info.value), info.value)
    assert re.search(message, str(info.value)), str(info.value)


# --- the bugs of a review, each with its story ------------------------------------------------

K_MAX = 2**20


@pytest.mark.parametrize("y, shown", [
    # Bug story: with K inferred as y.max() + 1, these gave an IndexError (2**63 wrapped to a
    # negative intp), a RuntimeWarning (1e19 cast to int), numpy's "array is too big", and
    # an attempt to allocate 512 GB. The labels are now bounded before any cast or allocation.
    (np.array([0, 2**63], np.uint64), "9223372036854775808"),
    ([0.0, 1e19], "1e\\+19"),
    ([0, 2**62], "4611686018427387904"),
    ([0, 10**9], "1000000000"),
    ([0, K_MAX], "1048576"),
    (np.array([0, 2**64 - 1], np.uint64), "18446744073709551615"),
])
def test_train_mlp_bounds_the_inferred_number_of_classes(y, shown):
    message = (r"^`y` must be integers in \[0, K\) with K <= 1048576 classes \(K is inferred as the largest "
               rf"label \+ 1\); got {shown} at position 1$")
    with pytest.raises(ValueError, match=message):
        sb.train_mlp(X2, y, epochs=1)


def test_plot_decision_regions_draws_any_number_of_classes_given_as_lists():
    # Bug story: the README says every public function validates its input, but with 7
    # classes this raised IndexError (the palette has 6 colours), and given lists it raised
    # AttributeError (`X.min`). Past six classes each class now keeps a look of its own.
    sbp = pytest.importorskip("softmaxbook.plots")
    from matplotlib.figure import Figure

    X, y = sb.make_spirals(n_per_class=4, n_classes=13, seed=0)
    ax = Figure().add_subplot()
    sbp.plot_decision_regions(ax, lambda P: np.arange(len(P)) % 13, X.tolist(), y.tolist(), resolution=20)
    handles, labels = ax.get_legend_handles_labels()
    assert labels == [f"class {c}" for c in range(13)]
    looks = {(tuple(h.get_facecolor()[0]), h.get_paths()[0].vertices.round(6).tobytes()) for h in handles}
    assert len(looks) == 13  # colour and marker together tell every class apart


def test_the_largest_inferred_number_of_classes_is_accepted():
    from softmaxbook._validate import as_labels

    labels = as_labels(np.array([0, K_MAX - 1], np.uint64), 2, None, "y")
    assert labels.dtype == np.intp and labels.tolist() == [0, K_MAX - 1]


@pytest.mark.parametrize("call_, name", [
    # Bug story: a Python int beyond the float range reached np.isfinite, and numpy's
    # UFuncTypeError ("ufunc 'isfinite' not supported for the input types") named nothing.
    (lambda: sb.make_spirals(3, 2, 10**400), "noise"),
    (lambda: sb.sgd_step({"w": np.ones(2)}, {"w": np.ones(2)}, 2**1024), "lr"),
    (lambda: sb.train_mlp(X2, [0, 1], lr=-(10**400), epochs=1), "lr"),
    (lambda: sb.numerical_jacobian(lambda v: v, [1.0], h=10**309), "h"),
])
def test_a_huge_integer_is_not_a_finite_number(call_, name):
    with pytest.raises(ValueError, match=rf"^`{name}` must be finite; got an integer of \d+ bits, beyond float64's "
                                         r"range \(about ±1.8e308\)$"):
        call_()


@pytest.mark.parametrize("value", [2**64, 2**1000, np.uint64(2**64 - 1)], ids=["2**64", "2**1000", "uint64-max"])
def test_large_but_finite_integers_are_numbers(value):
    # beyond int64 (np.isfinite refused them too) but within float64's range
    params = {"w": np.zeros(2)}
    sb.sgd_step(params, {"w": np.full(2, 1e-300)}, lr=value)
    np.testing.assert_allclose(params["w"], -1e-300 * float(value), rtol=1e-15)
    assert np.isfinite(sb.make_spirals(3, 2, noise=value, seed=0)[0]).all()


@pytest.mark.parametrize("f", [sb.cross_entropy, sb.cross_entropy_grad, sb.cross_entropy_and_grad])
@pytest.mark.parametrize("targets, shape", [
    ([1], r"\(1,\)"), ([0.2, 0.8], r"\(2,\)"), ([[0.2, 0.3, 0.5]], r"\(1, 3\)"),
])
def test_a_single_row_says_what_its_target_must_be(f, targets, shape):
    # Bug story: cross_entropy([1., 2., 3.], [1]) said "`targets` must have shape (1, 3); got
    # shape (1, 1)", shapes the caller never wrote. A single row takes a scalar label or a
    # (K,) probability row, and the message says so.
    message = (r"^`targets` for a single row of `logits` \(shape \(3,\)\) must be a scalar label or a \(3,\) "
               rf"probability row; got shape {shape}$")
    with pytest.raises(ValueError, match=message):
        f([1.0, 2.0, 3.0], targets)
    assert f([1.0, 2.0, 3.0], 1) is not None and f([1.0, 2.0, 3.0], [0.2, 0.3, 0.5]) is not None


def test_a_single_prediction_says_what_its_target_must_be():
    with pytest.raises(ValueError, match=r"^`y_true` for a single row of `y_pred` \(shape \(2,\)\) must be a scalar "
                                         r"label or a \(2,\) probability row; got shape \(1,\)$"):
        sb.cross_entropy_from_probs([1], [0.5, 0.5])


@pytest.mark.parametrize("alpha, message", [(-0.1, r"`alpha` must be >= 0; got -0.1"),
                                            (1.5, r"`alpha` must be in \[0, 1\]; got 1.5")])
def test_smoothing_outside_zero_to_one(alpha, message):
    with pytest.raises(ValueError, match=message):
        sb.smooth_labels([0, 1], 2, alpha)


@pytest.mark.parametrize("T, message", [(0.0, r"`temperature` must be > 0; got 0.0"),
                                        (-1.0, r"`temperature` must be > 0; got -1.0")])
def test_distillation_temperature_must_be_positive(T, message):
    with pytest.raises(ValueError, match=message):
        sb.distillation_loss_and_grad(Z, Z, T)
