"""The widgets outside Jupyter: standalone pages in Debian's Chromium, no kernel, no CDN.

Each widget is embedded with its state (ipywidgets.embed) in a page served on 127.0.0.1
with the vendored scripts; the test moves its controls with the keyboard and compares the
numbers the page shows with softmaxbook's.
"""

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

import softmaxbook as sb
import softmaxbook.widgets as sw
from browser import RecordedPage, chromium, serve

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "web" / "vendor"
WIDGET_JS = Path(sw.__file__).parent
SHOWN = 5e-6  # the widgets print 6 significant digits

PAGES = {
    "explorer": lambda: sw.SoftmaxExplorer(logits=[2.0, 1.0, 0.1, -1.0]),
    "overflow": lambda: sw.OverflowLab(),
    "jacobian": lambda: sw.JacobianView(logits=[0.0, 4.0, 5.0]),
    "loss": lambda: sw.LossCurve(p=0.619),
    "gradient": lambda: sw.GradientExplorer(logits=[2.0, 1.0, 0.1]),
}


def numbers(text):
    """Every number in a text, in order ('nan' and 'inf' included)."""
    return [float(x) for x in re.findall(r"-?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)", text)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not (VENDOR / "require.js").exists():
        pytest.fail("web/vendor is missing: `make setup` runs npm ci and tools/vendor_assets.py")
    folder = tmp_path_factory.mktemp("widgets")
    shutil.copytree(VENDOR, folder / "vendor")
    for name, make in PAGES.items():
        (folder / f"{name}.html").write_text(sw.standalone_html([make()], assets="vendor"))
    with serve(folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


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


def press(page, label, key, times=1):
    control = page.get_by_label(label, exact=True)
    control.focus()
    for _ in range(times):
        page.keyboard.press(key)
    return control


def test_js_numerics_equal_the_package(site, browser):
    """math.js, run by Chromium's V8 in float64, against softmaxbook on seeded logits."""
    p = RecordedPage(browser)
    p.page.goto(f"{site}/loss.html")
    p.page.add_script_tag(content=(WIDGET_JS / "math.js").read_text())
    rng = np.random.default_rng(0)
    cases = [rng.normal(0, 10 ** rng.uniform(-1, 2.5), int(rng.integers(2, 11))) for _ in range(200)]
    cases += [np.array([800.0, -800.0]), np.array([0.0, -120.0, -130.0])]
    labels = [int(rng.integers(0, z.size)) for z in cases]
    js = p.page.evaluate("""([cases, labels]) => cases.map((z, n) => ({
        p: softmax(z), ls: logSoftmax(z), loss: crossEntropy(z, labels[n]),
        grad: crossEntropyGrad(z, labels[n]), jac: softmaxJacobian(z),
        naive32: jsonSafe(naiveSoftmax(z, true)), stable32: stableSoftmax32(z)}))""",
                        [[z.tolist() for z in cases], labels])
    for z, y, r in zip(cases, labels, js):
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


def test_softmax_explorer(open_page):
    page = open_page("explorer")
    press(page, "logit B", "ArrowRight", 5)  # 1.0 -> 1.5 in steps of 0.1
    z = np.array([2.0, 1.5, 0.1, -1.0])
    shown = numbers(page.locator(".sb-readout").inner_text())
    assert_allclose(shown, sb.softmax(z), rtol=SHOWN)
    press(page, "temperature T", "End")  # T = 100: nearly uniform
    assert_allclose(numbers(page.locator(".sb-readout").inner_text()), sb.softmax(z / 100), rtol=SHOWN)
    press(page, "temperature T", "Home")  # T = 0.01: all mass on the largest logit
    assert_allclose(numbers(page.locator(".sb-readout").inner_text()), sb.softmax(z / 0.01), rtol=SHOWN, atol=1e-300)
    bar_numbers = numbers(" ".join(page.locator(".sb-bars .sb-num").all_text_contents()))
    assert_allclose(bar_numbers, sb.softmax(z / 0.01), rtol=SHOWN, atol=1e-300)


def test_overflow_lab(open_page):
    page = open_page("overflow")
    rows = page.locator(".sb-table tr")

    def table():
        return {rows.nth(r).locator("th").inner_text(): numbers(" ".join(rows.nth(r).locator("td").all_text_contents()))
                for r in range(1, 5)}

    press(page, "pushed logit z₀", "PageUp")  # 10% of the range: z₀ = 100
    t = table()
    z = np.array([100.0, 0.0, 1.0])
    assert np.isnan(t["naive float32"]).any() and not np.isnan(t["naive float64"]).any()
    assert_allclose(t["naive float64"], sb.softmax(z), rtol=SHOWN, atol=1e-300)
    assert "float32" in page.locator(".sb-readout").inner_text()
    press(page, "pushed logit z₀", "End")  # z₀ = 1000: float64 overflows too
    t = table()
    z = np.array([1000.0, 0.0, 1.0])
    assert_allclose(t["naive float64"], sb.naive_softmax(z), rtol=SHOWN)  # nan where numpy's is
    assert_allclose(t["stable float64"], sb.softmax(z), rtol=SHOWN, atol=1e-300)
    assert_allclose(t["stable float32"], sb.softmax(z.astype(np.float32)), rtol=SHOWN, atol=1e-30)
    assert page.locator(".sb-broken").count() >= 2


def test_jacobian_view(open_page):
    page = open_page("jacobian")
    press(page, "logit C", "ArrowLeft", 10)  # 5.0 -> 4.0
    z = np.array([0.0, 4.0, 4.0])
    cells = numbers(" ".join(page.locator(".sb-heat .sb-num").all_text_contents()))
    assert_allclose(np.reshape(cells, (3, 3)), sb.softmax_jacobian(z), rtol=5e-3, atol=1e-6)  # 3 digits shown
    assert_allclose(numbers(page.locator(".sb-readout").inner_text()), sb.softmax(z), rtol=SHOWN)


def test_loss_curve(open_page):
    page = open_page("loss")
    press(page, "probability of the true class p", "ArrowLeft", 100)  # 0.619 -> 0.519
    p, loss = numbers(page.locator(".sb-readout").inner_text())
    assert p == pytest.approx(0.519)
    assert_allclose(loss, sb.cross_entropy_from_probs(0, [p, 1 - p]), rtol=SHOWN)
    cx = float(page.locator(".sb-dot").get_attribute("cx"))
    assert cx == pytest.approx(34 + (320 - 34 - 8) * 0.519)  # the marked point moved with p


def test_gradient_explorer(open_page):
    page = open_page("gradient")
    press(page, "true class", "ArrowDown")  # A -> B
    press(page, "logit C", "ArrowRight", 20)  # 0.1 -> 2.1
    z, label = np.array([2.0, 1.0, 2.1]), 1
    shown = numbers(page.locator(".sb-readout").inner_text())
    assert_allclose(shown[0], sb.cross_entropy(z, label), rtol=SHOWN)
    assert_allclose(shown[1:], sb.cross_entropy_grad(z, label), rtol=SHOWN)
    bars = numbers(" ".join(page.locator(".sb-bars").nth(0).locator(".sb-num").all_text_contents()))
    assert_allclose(bars, sb.softmax(z), rtol=SHOWN)


@pytest.mark.parametrize("name", PAGES)
def test_controls_are_labelled(open_page, name):
    page = open_page(name)
    for control in page.locator(".sb-widget input, .sb-widget select").all():
        assert control.get_attribute("aria-label")
        assert page.locator(f'label[for="{control.get_attribute("id")}"]').count() == 1
