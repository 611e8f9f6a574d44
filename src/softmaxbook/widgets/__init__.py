"""Live widgets that recompute in the browser, so they stay live on the static website.

Each class is an anywidget: Python holds the inputs as synced traits (``logits``,
``temperature``, ``label``, ...), and a small JavaScript front-end (``*.js`` beside this
file, an ES module importing ``math.js`` and ``ui.js``, shipped as one module with its
imports inlined: see ``_bundle.py``) computes and draws the results from them.
The front-end writes what it computed back into read-only traits (``probs``, ``loss``,
``grad``, ...), so Python and the tests can compare them with the package's functions.
Those traits are empty until a front-end has rendered the widget. ``class_names`` sets the
names shown for the classes (A, B, C, ... by default). `standalone_html` writes a page that
shows widgets live with no kernel and no other file. `ask` shows a self-check question
(`Question`, in ``quiz.py``) from the book's question banks.

>>> import softmaxbook.widgets as sw
>>> w = sw.SoftmaxExplorer(logits=[2.0, 1.0, 0.1], temperature=1.0)
>>> w.logits, w.probs
([2.0, 1.0, 0.1], [])
"""

from pathlib import Path

import numpy as np

from .._extras import missing_extra
from .._validate import as_array, as_labels, as_logits, check_row_max
from ._bundle import bundle

try:
    import anywidget
    import traitlets as t

    from ._embed import standalone_html  # ipywidgets
except ImportError as err:
    raise missing_extra(__name__, "widgets", err) from None

_HERE = Path(__file__).parent
_CSS = (_HERE / "widgets.css").read_text()


def _bundle(name):
    """The widget's front-end as one ES module: its file with what it imports inlined."""
    return bundle(_HERE / name)


def _finite_logits(proposal, k_min=2, k_max=10):
    z = as_logits(proposal["value"], "logits", min_ndim=1)
    check_row_max(z.max(keepdims=True), "logits")
    if not (z.ndim == 1 and k_min <= z.size <= k_max and np.isfinite(z).all()):
        raise ValueError(f"`logits` must be {k_min} to {k_max} finite numbers; got {proposal['value']!r}")
    return [float(x) for x in z]


def _in_range(proposal, name, lo, hi):
    if not lo <= proposal["value"] <= hi:
        raise ValueError(f"`{name}` must be in [{lo:g}, {hi:g}]; got {proposal['value']!r}")
    return proposal["value"]


def _floats(values):
    """A read-only trait's list as a float array ("NaN"/"Infinity" strings become nan/inf)."""
    return np.array([float(v) for v in values])


class _BookWidget(anywidget.AnyWidget):
    """What every widget of the book shares: its stylesheet, its class names and its repr."""

    _css = t.Unicode(_CSS).tag(sync=True)
    class_names = t.List(t.Unicode(), help="names shown for the classes; default A, B, C, ...").tag(sync=True)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in self._inputs)})"


class _LogitsWidget(_BookWidget):
    """A widget driven by a `logits` trait of 2 to `_k_max` finite numbers."""

    _k_max = 10

    @t.validate("logits")
    def _check_logits(self, proposal):
        z = _finite_logits(proposal, k_max=self._k_max)
        if not all(-10 <= x <= 10 for x in z):  # what the logit sliders can show (ui.js)
            raise ValueError(f"`logits` must be in [-10, 10], the sliders' range; got {proposal['value']!r}")
        return z


class SoftmaxExplorer(_LogitsWidget):
    """Logit and temperature sliders -> softmax(z / T) as bars with their values."""

    _esm = t.Unicode(_bundle("softmax_explorer.js")).tag(sync=True)
    _inputs = ("logits", "temperature")
    logits = t.List(t.Float(), default_value=[2.0, 1.0, 0.1, -1.0]).tag(sync=True)
    temperature = t.Float(1.0).tag(sync=True)
    probs = t.List(t.Float(), read_only=True, help="softmax(logits / temperature), from the front-end").tag(sync=True)

    @t.validate("temperature")
    def _check_temperature(self, proposal):
        return _in_range(proposal, "temperature", 0.01, 100.0)


class OverflowLab(_BookWidget):
    """Push one logit from 0 to 1000: naive vs stable softmax, float64 and float32."""

    _esm = t.Unicode(_bundle("overflow_lab.js")).tag(sync=True)
    _inputs = ("logit", "others")
    logit = t.Float(0.0).tag(sync=True)
    others = t.List(t.Float(), default_value=[0.0, 1.0]).tag(sync=True)
    naive64 = t.List(t.Union([t.Float(), t.Unicode()]), read_only=True).tag(sync=True)
    stable64 = t.List(t.Union([t.Float(), t.Unicode()]), read_only=True).tag(sync=True)
    naive32 = t.List(t.Union([t.Float(), t.Unicode()]), read_only=True).tag(sync=True)
    stable32 = t.List(t.Union([t.Float(), t.Unicode()]), read_only=True).tag(sync=True)

    @t.validate("logit")
    def _check_logit(self, proposal):
        return _in_range(proposal, "logit", 0.0, 1000.0)

    @t.validate("others")
    def _check_others(self, proposal):
        return _finite_logits(proposal, k_min=1, k_max=5)

    def results(self):
        """The four front-end results as float arrays, nan/inf restored."""
        return {k: _floats(getattr(self, k)) for k in ("naive64", "stable64", "naive32", "stable32")}


class JacobianView(_LogitsWidget):
    """Logit sliders -> the softmax Jacobian diag(s) - s sᵀ as a heat map with numbers."""

    _esm = t.Unicode(_bundle("jacobian_view.js")).tag(sync=True)
    _inputs = ("logits",)
    logits = t.List(t.Float(), default_value=[0.0, 4.0, 5.0]).tag(sync=True)
    probs = t.List(t.Float(), read_only=True).tag(sync=True)
    jacobian = t.List(t.List(t.Float()), read_only=True).tag(sync=True)
    _k_max = 6  # a larger heat map no longer fits a page


class LossCurve(_BookWidget):
    """The true class's probability p -> the loss -ln p on its curve."""

    _esm = t.Unicode(_bundle("loss_curve.js")).tag(sync=True)
    _inputs = ("p",)
    p = t.Float(0.619).tag(sync=True)
    loss = t.Float(None, allow_none=True, read_only=True).tag(sync=True)

    @t.validate("p")
    def _check_p(self, proposal):
        return _in_range(proposal, "p", 0.001, 1.0)


class GradientExplorer(_LogitsWidget):
    """Logits and a true label -> probabilities, the loss and the gradient ŷ − y."""

    _esm = t.Unicode(_bundle("gradient_explorer.js")).tag(sync=True)
    _inputs = ("logits", "label")
    logits = t.List(t.Float(), default_value=[2.0, 1.0, 0.1]).tag(sync=True)
    label = t.Int(0).tag(sync=True)
    probs = t.List(t.Float(), read_only=True).tag(sync=True)
    loss = t.Float(None, allow_none=True, read_only=True).tag(sync=True)
    grad = t.List(t.Float(), read_only=True).tag(sync=True)

    @t.validate("label")
    def _check_label(self, proposal):
        k = len(self.logits)
        if not 0 <= proposal["value"] < k:
            raise ValueError(f"`label` must be an integer in [0, {k}); got {proposal['value']}")
        return proposal["value"]

    @t.validate("logits")
    def _check_logits(self, proposal):
        z = super()._check_logits(proposal)
        if self.label >= len(z):
            raise ValueError(
                f"`label` must be an integer in [0, {len(z)}) for {len(z)} logits; got {self.label}: set the label "
                "first, or both at once inside `with widget.hold_trait_notifications():`")
        return z


class ReliabilityDiagram(_BookWidget):
    """Stored logits and labels, a temperature -> the reliability diagram and ECE of softmax(logits / T).

    The logits and labels are a model's held-out examples (its validation split): the page
    keeps them, so the diagram, the ECE, the NLL and the accuracy redraw with no kernel as
    the temperature moves (a log-scale slider from 0.1 to 10) or the number of bins does.
    """

    _esm = t.Unicode(_bundle("reliability_diagram.js")).tag(sync=True)
    _css = t.Unicode(_CSS + (_HERE / "reliability_diagram.css").read_text()).tag(sync=True)
    _inputs = ("temperature", "n_bins")
    logits = t.List(t.List(t.Float()), default_value=[[2.0, 0.5, -1.0], [0.2, 0.1, 0.0], [1.0, 3.0, 0.0],
                                                      [0.0, 0.5, 4.0], [3.0, 0.0, 0.0]]).tag(sync=True)
    labels = t.List(t.Int(), default_value=[0, 1, 1, 2, 1]).tag(sync=True)
    temperature = t.Float(1.0).tag(sync=True)
    n_bins = t.Int(15).tag(sync=True)
    ece = t.Float(None, allow_none=True, read_only=True, help="the ECE the front-end computed").tag(sync=True)
    nll = t.Float(None, allow_none=True, read_only=True).tag(sync=True)
    accuracy = t.Float(None, allow_none=True, read_only=True).tag(sync=True)
    bin_confidence = t.List(t.Float(), read_only=True).tag(sync=True)
    bin_accuracy = t.List(t.Float(), read_only=True).tag(sync=True)
    bin_count = t.List(t.Int(), read_only=True).tag(sync=True)

    @t.validate("logits")
    def _check_logits(self, proposal):
        z = as_array(proposal["value"], "logits", shape=("N", "K"), nonempty=True)
        if not 2 <= z.shape[1] <= 100 or z.shape[0] > 20_000:
            raise ValueError(f"`logits` must have 2 to 100 classes and at most 20000 rows; got shape {z.shape}")
        if len(self.labels) != z.shape[0] or max(self.labels, default=0) >= z.shape[1]:
            raise ValueError(f"`logits` of shape {z.shape} do not fit the {len(self.labels)} labels: set both at "
                             "once inside `with widget.hold_trait_notifications():`, or in the constructor")
        return [[float(x) for x in row] for row in z]

    @t.validate("labels")
    def _check_labels(self, proposal):
        return as_labels(proposal["value"], None, len(self.logits[0]), "labels").tolist()

    @t.validate("temperature")
    def _check_temperature(self, proposal):
        return _in_range(proposal, "temperature", 0.1, 10.0)

    @t.validate("n_bins")
    def _check_n_bins(self, proposal):
        return _in_range(proposal, "n_bins", 1, 30)

    def __repr__(self):
        n, k = len(self.logits), len(self.logits[0])
        return f"ReliabilityDiagram(N={n}, K={k}, temperature={self.temperature!r}, n_bins={self.n_bins!r})"


class OnlineNormaliser(_LogitsWidget):
    """Logits streamed in one at a time -> the running max, the rescaled sum and log-sum-exp, and the two-pass ones.

    `step` is how many logits have streamed in, 0 to K. The front-end folds them in one by
    one as `online_logsumexp` does with one-logit chunks: when a logit is above the running
    max, the sum so far is rescaled by e^(m_old - m_new). The read-only lists hold, for
    j = 1..step, m_j, d_j = sum_i<=j e^(z_i - m_j) and m_j + log d_j; `rescaled_at` the steps
    at which the max grew (never step 1: there was no sum to rescale) and
    `rescale_factors` their factors. Logits are finite: a slider cannot show -inf.
    """

    _esm = t.Unicode(_bundle("online_normaliser.js")).tag(sync=True)
    _css = t.Unicode(_CSS + (_HERE / "online_normaliser.css").read_text()).tag(sync=True)
    _inputs = ("logits", "step")
    logits = t.List(t.Float(), default_value=[1.0, 3.0, 0.5, 4.0, 2.0]).tag(sync=True)
    step = t.Int(0, help="how many logits have streamed in, 0 to len(logits)").tag(sync=True)
    running_max = t.List(t.Float(), read_only=True, help="m_j = max(z_1..z_j), j = 1..step").tag(sync=True)
    running_sum = t.List(t.Float(), read_only=True, help="d_j = sum_i<=j e^(z_i - m_j), j = 1..step").tag(sync=True)
    logsumexp = t.List(t.Float(), read_only=True, help="m_j + log d_j, j = 1..step").tag(sync=True)
    rescaled_at = t.List(t.Int(), read_only=True, help="the steps j <= step at which the max grew").tag(sync=True)
    rescale_factors = t.List(t.Float(), read_only=True, help="e^(m_(j-1) - m_j) at those steps").tag(sync=True)

    @t.validate("step")
    def _check_step(self, proposal):
        k = len(self.logits)
        if not 0 <= proposal["value"] <= k:
            raise ValueError(f"`step` must be an integer in [0, {k}] for {k} logits; got {proposal['value']}")
        return proposal["value"]

    @t.validate("logits")
    def _check_logits(self, proposal):
        z = super()._check_logits(proposal)
        if self.step > len(z):
            raise ValueError(
                f"`step` must be an integer in [0, {len(z)}] for {len(z)} logits; got {self.step}: set the step first, "
                "or both at once inside `with widget.hold_trait_notifications():`")
        return z


from .quiz import Question, ask  # noqa: E402  (self-check questions: their own module)

__all__ = ["SoftmaxExplorer", "OverflowLab", "JacobianView", "LossCurve", "GradientExplorer", "ReliabilityDiagram",
           "OnlineNormaliser", "Question", "ask", "standalone_html"]
