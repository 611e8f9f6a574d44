"""The widgets outside Jupyter: standalone pages in Debian's Chromium, no kernel, no CDN.

Each widget is embedded with its state in a self-contained page (standalone_html: the state
and the package's host.js, nothing else) served on 127.0.0.1; the test moves its controls
with the keyboard and compares the numbers the page shows with softmaxbook's. The same pages
work from file:// URLs, and the host keeps the anywidget front-end contract.
"""

from pathlib import Path

import anywidget
import numpy as np
import pytest
import traitlets as t
from numpy.testing import assert_allclose
from site_checks import OVERFLOW, SMALL_PHONE

import softmaxbook as sb
import softmaxbook.widgets as sw
from browser import RecordedPage, serve
from widget_checks import check_controls_labelled, check_widget

WIDGET_JS = Path(sw.__file__).parent

# A seeded over-confident model: labels drawn from softmax(z / 2), logits z
RELIABILITY_Z = 3 * np.random.default_rng(5).normal(size=(300, 4))
RELIABILITY_Y = (sb.softmax(RELIABILITY_Z / 2).cumsum(axis=1) < np.random.default_rng(6).random((300, 1))).sum(axis=1)

PAGES = {
    "explorer": lambda: sw.SoftmaxExplorer(logits=[2.0, 1.0, 0.1, -1.0]),
    "overflow": lambda: sw.OverflowLab(),
    "jacobian": lambda: sw.JacobianView(logits=[0.0, 4.0, 5.0]),
    "loss": lambda: sw.LossCurve(p=0.619),
    "gradient": lambda: sw.GradientExplorer(logits=[2.0, 1.0, 0.1]),
    "reliability": lambda: sw.ReliabilityDiagram(logits=RELIABILITY_Z.tolist(), labels=RELIABILITY_Y.tolist()),
    "online": lambda: sw.OnlineNormaliser(logits=[1.0, 3.0, 0.5, 4.0, 2.0], step=2),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One page per widget, and one page with all of them; nothing else in the folder."""
    folder = tmp_path_factory.mktemp("widgets")
    for name, make in PAGES.items():
        (folder / f"{name}.html").write_text(sw.standalone_html([make()], title=name))
    (folder / "all.html").write_text(sw.standalone_html([make() for make in PAGES.values()]))
    return folder


@pytest.fixture(scope="module")
def site(folder):
    with serve(folder) as url:
        yield url


@pytest.fixture
def open_page(site, browser):
    pages = []

    def open_(name):
        p = RecordedPage(browser)
        p.page.goto(f"{site}/{name}.html")
        p.page.wait_for_selector(".sb-widget .sb-readout, .sb-widget table", timeout=20_000)
        pages.append(p)
        return p.page

    yield open_
    for p in pages:
        p.assert_clean()  # no request to another host, no failed request, no console error
        p.close()


def test_js_numerics_equal_the_package(site, browser):
    """math.js, run by Chromium's V8 in float64, against softmaxbook on seeded logits."""
    p = RecordedPage(browser)
    p.page.goto(f"{site}/loss.html")
    # math.js is an ES module (its functions are exports): import it, and expose them.
    p.page.evaluate("""async (source) => {
        const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
        Object.assign(window, await import(url)); }""", (WIDGET_JS / "math.js").read_text())
    rng = np.random.default_rng(0)
    cases = [rng.normal(0, 10 ** rng.uniform(-1, 2.5), int(rng.integers(2, 11))) for _ in range(200)]
    cases += [np.array([800.0, -800.0]), np.array([0.0, -120.0, -130.0])]
    labels = [int(rng.integers(0, z.size)) for z in cases]
    js = p.page.evaluate("""([cases, labels]) => cases.map((z, n) => ({
        p: softmax(z), ls: logSoftmax(z), loss: crossEntropy(z, labels[n]),
        grad: crossEntropyGrad(z, labels[n]), jac: softmaxJacobian(z),
        naive32: jsonSafe(naiveSoftmax(z, true)), stable32: stableSoftmax32(z)}))""",
                        [[z.tolist() for z in cases], labels])
    for z, y, r in zip(cases, labels, js, strict=True):
        assert_allclose(r["p"], sb.softmax(z), rtol=1e-12, atol=1e-300)
        assert_allclose(r["ls"], sb.log_softmax(z), rtol=1e-12)
        assert_allclose(r["loss"], sb.cross_entropy(z, y), rtol=1e-12)
        assert_allclose(r["grad"], sb.cross_entropy_grad(z, y), rtol=1e-12, atol=1e-300)
        assert_allclose(r["jac"], sb.softmax_jacobian(z), rtol=1e-12, atol=1e-300)
        z32 = z.astype(np.float32)
        assert_allclose(r["stable32"], sb.softmax(z32), rtol=2e-6, atol=1e-30)
        naive = np.array([float(v) for v in r["naive32"]])
        assert_allclose(naive, sb.naive_softmax(z32), rtol=2e-6, atol=1e-30)  # nan where numpy's is nan
    p.assert_clean()
    p.close()


@pytest.mark.parametrize("name", PAGES)
def test_widget_is_live_and_labelled(open_page, name):
    page = open_page(name)
    (root,) = page.locator(".sb-widget").all()
    check_widget(page, root)
    check_controls_labelled(root)


def test_one_page_holds_all_the_widgets(open_page):
    page = open_page("all")
    page.evaluate("window.softmaxbookWidgets.ready")
    roots = page.locator(".sb-widget").all()
    assert sorted(check_widget(page, root) for root in roots) == sorted(
        ["Softmax explorer", "Overflow lab", "Softmax Jacobian", "Cross-entropy loss −ln p",
         "Gradient of cross-entropy: ŷ − y", "Reliability diagram and ECE",
         "Online normaliser: log-sum-exp in one pass"])
    for root in roots:
        check_controls_labelled(root)
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
    assert len(ids) == len(set(ids)) == 22  # 20 sliders and a select: a <label for> finds its own control


def test_a_new_number_of_classes_redraws_the_widget(tmp_path, browser):
    """Logits of another length (from Python, or any front-end) redraw every control and
    number for the new K; a label left without a class moves, in view, to the last class."""
    widgets = [sw.SoftmaxExplorer(logits=[2.0, 1.0, 0.1, -1.0]), sw.JacobianView(logits=[0.0, 4.0, 5.0]),
               sw.GradientExplorer(logits=[2.0, 1.0, 0.1], label=2), sw.OnlineNormaliser(step=4)]
    (tmp_path / "k.html").write_text(sw.standalone_html(widgets))
    with serve(tmp_path) as url:
        p = RecordedPage(browser)
        p.page.goto(f"{url}/k.html")
        p.page.evaluate("window.softmaxbookWidgets.ready")
        for w in widgets:
            p.page.evaluate("([id, z]) => window.softmaxbookWidgets.model(id).then((m) => m.set('logits', z))",
                            [w.model_id, [0.5, -1.5]])
        roots = p.page.locator(".sb-widget").all()
        for root in roots:
            assert root.locator("input[aria-label^='logit ']").count() == 2
            check_controls_labelled(root)
            check_widget(p.page, root)  # the numbers shown equal softmaxbook's for the new K
        assert roots[3].get_by_label("logits streamed in, t", exact=True).input_value() == "2"  # all of them
        grad = roots[2]
        assert grad.get_by_label("true class", exact=True).input_value() == "1"
        assert grad.locator("option").count() == 2
        ids = p.page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
        assert len(ids) == len(set(ids))
        p.assert_clean()
        p.close()


def test_online_normaliser_writes_back_the_package_values_and_fits_a_small_phone(site, browser):
    """The traits the front-end writes (a kernel would receive them) against softmaxbook on
    every prefix; and at 320 px, all K steps shown, nothing sticks out of the page."""
    p = RecordedPage(browser, viewport=SMALL_PHONE)
    p.page.goto(f"{site}/online.html")
    p.page.wait_for_selector(".sb-widget .sb-readout")
    root = p.page.locator(".sb-widget")
    root.get_by_label("logit A", exact=True).focus()
    p.page.keyboard.press("ArrowRight")  # z = [1.1, 3, 0.5, 4, 2]
    root.get_by_label("logits streamed in, t", exact=True).focus()
    p.page.keyboard.press("End")
    traits = p.page.evaluate("""() => window.softmaxbookWidgets.model(Object.keys(JSON.parse(
        document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]').textContent).state)[0])
        .then((m) => Object.fromEntries(["logits", "step", "running_max", "running_sum", "logsumexp", "rescaled_at",
                                         "rescale_factors"].map((k) => [k, m.get(k)])))""")
    z = np.array(traits.pop("logits"))
    assert_allclose(z, [1.1, 3.0, 0.5, 4.0, 2.0])
    assert traits.pop("step") == 5
    parts = [sb.partial_logsumexp(z[:j]) for j in range(1, 6)]
    assert traits["rescaled_at"] == [2, 4]  # 3 > 1.1 and 4 > 3
    assert_allclose(traits["running_max"], [q.max for q in parts], rtol=0)
    assert_allclose(traits["running_sum"], [q.sum_exp for q in parts], rtol=1e-13)
    assert_allclose(traits["logsumexp"], [sb.online_logsumexp(np.split(z[:j], j)) for j in range(1, 6)], rtol=1e-13)
    factors = [np.exp(parts[j - 2].max - parts[j - 1].max) for j in (2, 4)]
    assert_allclose(traits["rescale_factors"], factors, rtol=1e-13)
    overflow = p.page.evaluate(OVERFLOW)
    assert overflow["scrollWidth"] <= 320 and not overflow["outside"], overflow
    p.assert_clean()
    p.close()


def test_page_works_from_a_file_url(folder, browser):
    p = RecordedPage(browser)
    url = (folder / "gradient.html").as_uri()
    p.page.goto(url)
    p.page.wait_for_selector(".sb-widget .sb-readout")
    (root,) = p.page.locator(".sb-widget").all()
    check_widget(p.page, root)
    # the page itself, then the front-end imported from a blob: URL; nothing else
    assert {u for u in p.requests if not u.startswith("blob:")} == {url}
    assert not p.failed and not p.errors, (p.failed, p.errors)
    p.close()


def test_class_names_are_shown(tmp_path, browser):
    w = sw.GradientExplorer(logits=[2.0, 1.0, 0.1], class_names=["cat", "dog", "fox"], label=1)
    (tmp_path / "names.html").write_text(sw.standalone_html([w]))
    with serve(tmp_path) as url:
        p = RecordedPage(browser)
        p.page.goto(f"{url}/names.html")
        root = p.page.locator(".sb-widget")
        root.get_by_label("logit dog", exact=True).focus()
        p.page.keyboard.press("ArrowRight")
        assert root.get_by_label("true class", exact=True).input_value() == "1"
        assert [o.inner_text() for o in root.locator("option").all()] == ["cat", "dog", "fox"]
        loss = float(root.locator(".sb-readout").inner_text().split()[2])
        assert_allclose(loss, sb.cross_entropy(np.array([2.0, 1.1, 0.1]), 1), rtol=5e-6)
        p.assert_clean()
        p.close()


class _Probe(anywidget.AnyWidget):
    """A widget that exercises the contract: initialize once per model, render per view,
    change events on set (once per change), off, and the cleanup render returns."""

    _esm = t.Unicode("""
    export default {
      initialize({ model }) { model.set("inits", model.get("inits") + 1); },
      render({ model, el }) {
        const seen = [];
        const log = (m, v) => seen.push(v);
        model.on("change:x", log);
        model.set("x", 1);
        model.set("x", 1);  // no change, no event
        model.set("x", 2);
        model.off("change:x", log);
        model.set("x", 3);
        el.dataset.report = JSON.stringify({ seen, x: model.get("x"), inits: model.get("inits") });
        el.classList.add("probe");
        return () => { window.probeCleanups = (window.probeCleanups || 0) + 1; };
      },
    };""").tag(sync=True)
    _css = t.Unicode(".probe { outline: 1px solid; }").tag(sync=True)
    x = t.Int(0).tag(sync=True)
    inits = t.Int(0).tag(sync=True)


def test_host_keeps_the_anywidget_contract(tmp_path, browser):
    probe = _Probe()
    (tmp_path / "probe.html").write_text(sw.standalone_html([probe, probe]))  # two views, one model
    with serve(tmp_path) as url:
        p = RecordedPage(browser)
        p.page.goto(f"{url}/probe.html")
        p.page.evaluate("window.softmaxbookWidgets.ready")
        reports = p.page.eval_on_selector_all(".probe", "els => els.map((e) => JSON.parse(e.dataset.report))")
        assert reports == [{"seen": [1, 2], "x": 3, "inits": 1}] * 2
        assert p.page.evaluate("document.querySelectorAll('style').length") == 1  # the CSS, once
        p.page.evaluate("document.querySelectorAll('.probe').forEach((el) => softmaxbookWidgets.unmount(el))")
        assert p.page.evaluate("window.probeCleanups") == 2
        assert p.page.locator(".probe").count() == 0
        # Bug story: an unmounted view's script stayed "seen", so mount() never showed it again.
        p.page.evaluate("softmaxbookWidgets.mount()")
        reports = p.page.eval_on_selector_all(".probe", "els => els.map((e) => JSON.parse(e.dataset.report))")
        assert reports == [{"seen": [1, 2], "x": 3, "inits": 1}] * 2  # its last view went: a fresh model
        p.page.evaluate("softmaxbookWidgets.mount()")  # nothing left to mount
        assert p.page.locator(".probe").count() == 2
        p.assert_clean()
        p.close()
