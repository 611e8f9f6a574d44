"""Write the fixtures the JavaScript unit tests compare with: softmaxbook's results on hard
logit rows (±1e308, -inf masks, ties, tiny and huge gaps, float32 overflow), the online
normaliser's state after each logit of the finite rows, each widget's front-end as Python
ships it (its bundled `_esm`, its source file and its default traits), and every
self-check question of the book's banks, as JSON.

    .venv/bin/python tests/js/write_fixtures.py OUT.json

JSON has no inf or nan: they are written as the strings "Infinity", "-Infinity" and "NaN",
which JavaScript's Number() reads back.
"""

import json
import sys

import numpy as np

import softmaxbook as sb
import softmaxbook.widgets as sw
from softmaxbook.widgets._bank import banks

ROWS = [
    [2.0, 1.0, 0.1],
    [1.0, 0.0, 3.0, 5.0],
    [0.0, 0.0, 0.0, 0.0],                        # a tie: uniform
    [5.0, 5.0, -3.0],                            # a tie at the max
    [1e308, -1e308, 1e308],                      # opposite extremes
    [-1e308, -1e308],
    [1.7976931348623157e308, 0.0],
    [3.0, -np.inf, 1.0],                         # a masked class
    [0.0, -115.12925464970229],                  # log-probability -1e-50 for class 0
    [800.0, -800.0],
    [1000.0, 1.0, 0.0],                          # naive float64 overflows
    [89.0, 0.0],                                 # naive float32 overflows, float64 does not
    [1e-3, -1e-3, 1e-3, 5e-4],
]

# Streams whose max grows, for the online normaliser (with the finite rows above).
GROWING = [
    [-3.0, -2.0, -1.0, 0.0, 1.0],                # rescaled at every step, by e^-1
    [-1e308, 0.0, 1e308],                        # factors e^-1e308 = 0 and 0
    [0.0, 700.0, 1.5],                           # a factor of e^-700, near the smallest normal
    [1.0, 1.0 + 2.0 ** -52, 1.0],                # a factor one ulp below 1, then a tie
    [-115.12925464970229, 0.0],                  # log-sum-exp 1e-50: log1p of the rescaled 1
]


def encode(x):
    """Floats for JSON: inf and nan as strings."""
    a = np.asarray(x, dtype=np.float64)
    names = {np.inf: "Infinity", -np.inf: "-Infinity"}
    return [v if np.isfinite(v) else names.get(v, "NaN") for v in a.ravel().tolist()]


def loss_or_inf(z, label):
    """The package's loss; inf where the true loss is beyond float64, which the package refuses
    and the widgets' JavaScript gives as Infinity (their logits stay within [-10, 10])."""
    try:
        return sb.cross_entropy(z, label)
    except ValueError:
        return np.inf


def case(z):
    z = np.array(z)
    with np.errstate(over="ignore"):  # beyond float32's range a logit is inf: no float32 case then
        z32 = z.astype(np.float32)
    fits32 = bool(np.all(np.isfinite(z32) | np.isneginf(z)))
    label = int(np.argmin(np.where(np.isfinite(z), z, np.inf)))  # the least likely unmasked class
    with np.errstate(over="ignore", invalid="ignore"):
        return {
            "z": encode(z),
            "label": label,
            "softmax": encode(sb.softmax(z)),
            "logSoftmax": encode(sb.log_softmax(z)),
            "crossEntropy": encode(loss_or_inf(z, label))[0],
            "crossEntropyGrad": encode(sb.cross_entropy_grad(z, label)),
            "softmaxJacobian": encode(sb.softmax_jacobian(z)),
            "naiveSoftmax64": encode(sb.naive_softmax(z)),
            "naiveSoftmax32": encode(sb.naive_softmax(z32)) if fits32 else None,
            "stableSoftmax32": encode(sb.softmax(z32)) if fits32 else None,
        }


def online_case(z):
    """softmaxbook's partial state of each prefix z[:j] of a finite row, j = 1..K, and where
    the max grew (a logit above all before it: the sum so far was rescaled, by the factor)."""
    parts = [sb.partial_logsumexp(z[:j]) for j in range(1, len(z) + 1)]
    grew = [j for j in range(2, len(z) + 1) if z[j - 1] > max(z[:j - 1])]
    return {"z": z, "max": [p.max for p in parts], "sum": [p.sum_exp for p in parts],
            "lse": [float(sb.logsumexp(z[:j])) for j in range(1, len(z) + 1)], "rescaled_at": grew,
            "factors": [float(np.exp(parts[j - 2].max - parts[j - 1].max)) for j in grew]}


WIDGETS = {sw.SoftmaxExplorer: "softmax_explorer.js", sw.OverflowLab: "overflow_lab.js",
           sw.JacobianView: "jacobian_view.js", sw.LossCurve: "loss_curve.js",
           sw.GradientExplorer: "gradient_explorer.js", sw.ReliabilityDiagram: "reliability_diagram.js",
           sw.OnlineNormaliser: "online_normaliser.js"}
STATE = {sw.OnlineNormaliser: {"step": 4}}  # a state with something to show, where the default has not


def widget(cls, source):
    w = cls(**STATE.get(cls, {}))
    state = {k: v for k, v in w.get_state().items() if not k.startswith("_")}
    return {"name": cls.__name__, "source": source, "esm": w._esm, "state": state}


def reliability_cases():
    """softmaxbook's reliability curve, ECE, NLL and accuracy of softmax(z / T), seeded logits."""
    rng = np.random.default_rng(0)
    z = 3 * rng.normal(size=(300, 4))
    labels = (sb.softmax(z / 2).cumsum(axis=1) < rng.random((300, 1))).sum(axis=1)
    z[:3] = [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [np.log(4.0), 0.0, 0.0, 0.0]]  # ties, 1/4, a bin edge
    out = []
    for T in (0.5, 1.0, 3.0):
        for M in (1, 5, 15, 30):
            probs = sb.softmax(z / T)
            conf, acc, count = sb.reliability_curve(probs, labels, M)
            out.append({"T": T, "M": M, "confidence": conf.tolist(), "accuracy": acc.tolist(), "count": count.tolist(),
                        "ece": sb.expected_calibration_error(probs, labels, M), "nll": sb.cross_entropy(z / T, labels),
                        "accuracyAll": float(np.mean(probs.argmax(axis=1) == labels))})
    return {"logits": z.tolist(), "labels": labels.tolist(), "cases": out}


def main(path):
    with open(path, "w") as f:
        json.dump({"cases": [case(z) for z in ROWS],
                   "online": [online_case(z) for z in ROWS + GROWING if np.isfinite(z).all()],
                   "widgets": [widget(c, s) for c, s in WIDGETS.items()],
                   "reliability": reliability_cases(), "questions": [q for qs in banks().values() for q in qs]},
                  f, indent=1, allow_nan=False)


if __name__ == "__main__":
    main(sys.argv[1])
