"""The widget classes on the Python side: traits, validation, and what they ship to JS."""

import html.parser
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import softmaxbook.widgets as sw

ALL = [sw.SoftmaxExplorer, sw.OverflowLab, sw.JacobianView, sw.LossCurve, sw.GradientExplorer, sw.ReliabilityDiagram,
       sw.OnlineNormaliser]
# the widgets that show one entry per class (the reliability diagram shows bins)
NAMED_CLASSES = [cls for cls in ALL if cls is not sw.ReliabilityDiagram]


@pytest.mark.parametrize("cls", ALL)
def test_front_end_is_one_module_with_what_it_imports_inlined(cls):
    # (tests/test_js.py checks the bundling itself, and Node runs the result)
    esm = cls()._esm
    assert "function slider(" in esm  # ui.js, inlined
    assert esm.count("export default") == 1
    # nothing fetched by the front-end (the SVG namespace URI is a name, not a request)
    assert not re.search(r"\bimport\b|fetch\(|XMLHttpRequest", esm)


@pytest.mark.parametrize("cls, outputs", [
    (sw.SoftmaxExplorer, ["probs"]),
    (sw.OverflowLab, ["naive64", "stable64", "naive32", "stable32"]),
    (sw.JacobianView, ["probs", "jacobian"]),
    (sw.LossCurve, ["loss"]),
    (sw.GradientExplorer, ["probs", "loss", "grad"]),
    (sw.ReliabilityDiagram, ["ece", "nll", "accuracy", "bin_confidence", "bin_accuracy", "bin_count"]),
    (sw.OnlineNormaliser, ["running_max", "running_sum", "logsumexp", "rescaled_at", "rescale_factors"]),
])
def test_outputs_are_synced_and_read_only(cls, outputs):
    w = cls()
    for name in outputs:
        assert w.trait_metadata(name, "sync")
        with pytest.raises(Exception, match="read-only"):
            setattr(w, name, [1.0])


@pytest.mark.parametrize("make, message", [
    (lambda: sw.SoftmaxExplorer(logits=[1.0]), r"`logits` must be 2 to 10 finite numbers"),
    (lambda: sw.SoftmaxExplorer(logits=[1.0] * 11), r"`logits` must be 2 to 10 finite numbers"),
    (lambda: sw.SoftmaxExplorer(logits=[1.0, float("nan")]), r"`logits` must not contain nan"),
    (lambda: sw.SoftmaxExplorer(logits=[1.0, float("inf")]), r"`logits` must not contain \+inf"),
    (lambda: sw.SoftmaxExplorer(temperature=0.0), r"`temperature` must be in \[0.01, 100\]"),
    (lambda: sw.OverflowLab(logit=1001.0), r"`logit` must be in \[0, 1000\]"),
    (lambda: sw.JacobianView(logits=[0.0] * 7), r"`logits` must be 2 to 6 finite numbers"),
    (lambda: sw.LossCurve(p=0.0), r"`p` must be in \[0.001, 1\]"),
    (lambda: sw.GradientExplorer(logits=[1.0, 2.0], label=2), r"`label` must be an integer in \[0, 2\)"),
    (lambda: sw.ReliabilityDiagram(temperature=0.05), r"`temperature` must be in \[0.1, 10\]"),
    (lambda: sw.ReliabilityDiagram(n_bins=0), r"`n_bins` must be in \[1, 30\]"),
    (lambda: sw.ReliabilityDiagram(logits=[[0.0, float("nan")]] * 5), r"`logits` must be finite"),
    (lambda: sw.ReliabilityDiagram(logits=[[0.0]] * 5), r"`logits` must have 2 to 100 classes"),
    (lambda: sw.ReliabilityDiagram(labels=[0, 1, 3, 0, 0]), r"`labels` must be integers in \[0, 3\); got 3"),
    (lambda: sw.ReliabilityDiagram(logits=[[0.0, 1.0]] * 4), r"do not fit the 5 labels"),
    (lambda: sw.OnlineNormaliser(step=6), r"`step` must be an integer in \[0, 5\] for 5 logits; got 6"),
    (lambda: sw.OnlineNormaliser(step=-1), r"`step` must be an integer in \[0, 5\]"),
    (lambda: sw.OnlineNormaliser(logits=[1.0, 2.0], step=3), r"`step` must be an integer in \[0, 2\]"),
    (lambda: sw.OnlineNormaliser(logits=[0.0, float("-inf")]), r"`logits` must be 2 to 10 finite numbers"),
    (lambda: sw.OnlineNormaliser(logits=[0.0] * 11), r"`logits` must be 2 to 10 finite numbers"),
])
def test_bad_input(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_logits_that_leave_the_label_without_a_class_are_refused():
    w = sw.GradientExplorer(logits=[1.0, 2.0, 3.0], label=2)
    message = r"`label` must be an integer in \[0, 2\) for 2 logits; got 2: set the label first"
    with pytest.raises(ValueError, match=message):
        w.logits = [1.0, 2.0]
    assert w.logits == [1.0, 2.0, 3.0]
    with w.hold_trait_notifications():  # both at once, as the message says
        w.logits, w.label = [1.0, 2.0], 1
    assert (w.logits, w.label) == ([1.0, 2.0], 1)


def test_logits_that_leave_the_step_past_the_end_are_refused():
    w = sw.OnlineNormaliser(logits=[1.0, 3.0, 0.5], step=3)
    with pytest.raises(ValueError, match=r"`step` must be an integer in \[0, 2\] for 2 logits; got 3: set the step"):
        w.logits = [1.0, 3.0]
    assert w.logits == [1.0, 3.0, 0.5]
    with w.hold_trait_notifications():  # both at once, as the message says
        w.logits, w.step = [1.0, 3.0], 2
    assert (w.logits, w.step) == ([1.0, 3.0], 2)
    assert w.running_max == [] and w.rescaled_at == []  # until a front-end has drawn it


def test_repr_names_the_inputs():
    assert repr(sw.GradientExplorer(logits=[1, 2, 3], label=2)) == "GradientExplorer(logits=[1.0, 2.0, 3.0], label=2)"
    assert repr(sw.OnlineNormaliser(logits=[1, 3], step=1)) == "OnlineNormaliser(logits=[1.0, 3.0], step=1)"


def test_reliability_diagram_takes_a_validation_split_and_says_its_size():
    import numpy as np

    z, y = np.random.default_rng(0).normal(size=(40, 4)), np.arange(40) % 4
    w = sw.ReliabilityDiagram(logits=z.tolist(), labels=y.tolist(), temperature=2.0, n_bins=10)
    assert repr(w) == "ReliabilityDiagram(N=40, K=4, temperature=2.0, n_bins=10)"  # not 160 numbers
    assert w.ece is None and w.bin_count == []  # until a front-end has drawn it
    with w.hold_trait_notifications():  # another split: both at once
        w.logits, w.labels = z[:10, :3].tolist(), (y[:10] % 3).tolist()
    assert len(w.logits) == 10


def test_overflow_results_restore_nan_and_inf():
    w = sw.OverflowLab()
    w.set_trait("naive64", ["NaN", 0.0, "Infinity"])
    r = w.results()["naive64"]
    assert r[0] != r[0] and r[1] == 0.0 and r[2] == float("inf")


def test_standalone_page_is_self_contained():
    page = sw.standalone_html([sw.SoftmaxExplorer(), sw.LossCurve()], title="Two <widgets>")
    assert "<title>Two &lt;widgets&gt;</title>" in page
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*stylesheet|require\.js|embed-amd", page)
    host = (Path(sw.__file__).parent / "host.js").read_text()
    assert host in page and "</script" not in host  # inlined as is, so it must not end its tag
    state = json.loads(re.search(r'widget-state\+json">\n(.*?)\n</script>', page, re.S).group(1))
    esms = [m["state"].get("_esm", "") for m in state["state"].values()]
    assert sum("export default" in e for e in esms) == 2  # the front-end code travels in the state
    assert page.count('<script type="application/vnd.jupyter.widget-view+json">') == 2


class _Links(html.parser.HTMLParser):
    """Every attribute of the markup that names a URL, as (tag, attribute, value)."""

    URL_ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "action", "formaction", "xlink:href", "background"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value) for name, value in attrs if name in self.URL_ATTRIBUTES]


def test_standalone_page_refers_to_no_other_file():
    # Pages used to load require.js and the widget manager from an `assets` folder beside
    # them. Parsed as HTML, no tag may point outside the page: a URL attribute holds inline
    # data (data:...) or a place in the page (#...), never a file, here or on another host.
    links = _Links()
    links.feed(sw.standalone_html([w() for w in ALL]))
    links.close()
    assert links.found, "the parser found no URL at all (the page has one: its data: icon)"
    outside = [link for link in links.found if not (link[2] or "").startswith(("data:", "#"))]
    assert not outside, outside


def test_class_names_are_names_and_labels_stay_integers():
    # In the package `labels` are integer classes; the widgets' names for the classes are
    # `class_names`, in Python and in the front-end.
    w = sw.GradientExplorer(logits=[1.0, 2.0, 3.0], class_names=["cat", "dog", "fox"], label=2)
    assert w.class_names == ["cat", "dog", "fox"] and w.label == 2
    for cls in NAMED_CLASSES:
        assert "class_names" in cls().trait_names() and "labels" not in cls().trait_names()
        assert 'model.get("class_names")' in cls()._esm and 'model.get("labels")' not in cls()._esm


@pytest.mark.parametrize("module, extra, dependency", [
    ("softmaxbook.widgets", "widgets", "anywidget"),
    ("softmaxbook.plots", "plots", "matplotlib"),
])
def test_a_missing_extra_is_named(module, extra, dependency):
    # A fresh interpreter where `dependency` cannot be imported (None in sys.modules), as if
    # the extra were not installed; tests/test_packaging.py checks a real install.
    code = f"import sys; sys.modules[{dependency!r}] = None; import {module}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ImportError: {module} needs the `{extra}` extra: pip install 'softmaxbook[{extra}]'"), last


NOTEBOOKS = sorted((Path(__file__).parent.parent / "chapters").glob("*.ipynb")) + \
    sorted((Path(__file__).parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_widget_state_has_the_current_front_end(path):
    # The website draws widgets from the state stored in each notebook, front-end code
    # included: after changing a widget's JavaScript, re-run the notebooks with
    # tools/execute_notebooks.py or the site keeps showing the old widget.
    # The stored traits must be today's too (a renamed trait, like `labels` -> `class_names`,
    # would reach the front-end under its old name).
    current = {cls()._esm: set(cls().get_state()) for cls in [*ALL, sw.Question]}  # (tests/test_quiz.py: the questions)
    state = json.loads(path.read_text())["metadata"].get("widgets", {})
    models = state.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    stored = [m["state"] for m in models.values() if "_esm" in m["state"]]
    stale = f"{path.name}: stale widget front-end; re-run tools/execute_notebooks.py"
    assert all(m["_esm"] in current and set(m) == current[m["_esm"]] for m in stored), stale
