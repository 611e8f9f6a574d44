"""The widgets outside Jupyter: standalone pages in Debian's Chromium, no kernel, no CDN.

Each widget is embedded with its state (ipywidgets.embed) in a page served on 127.0.0.1
with the vendored scripts; the test moves its controls with the keyboard and compares the
numbers the page shows with softmaxbook's.
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

import softmaxbook as sb
import softmaxbook.widgets as sw
from browser import RecordedPage, chromium, serve
from widget_checks import check_controls_labelled, check_widget

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "web" / "vendor"
WIDGET_JS = Path(sw.__file__).parent

PAGES = {
    "explorer": lambda: sw.SoftmaxExplorer(logits=[2.0, 1.0, 0.1, -1.0]),
    "overflow": lambda: sw.OverflowLab(),
    "jacobian": lambda: sw.JacobianView(logits=[0.0, 4.0, 5.0]),
    "loss": lambda: sw.LossCurve(p=0.619),
    "gradient": lambda: sw.GradientExplorer(logits=[2.0, 1.0, 0.1]),
}


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


@pytest.mark.parametrize("name", PAGES)
def test_widget_is_live_and_labelled(open_page, name):
    page = open_page(name)
    (root,) = page.locator(".sb-widget").all()
    check_widget(page, root)
    check_controls_labelled(root)
