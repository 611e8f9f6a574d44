"""The package as a user installs it: the wheel, in a fresh virtual environment, outside the
repository.

The wheel is built from a copy of the sources (so nothing left in a ``build/`` folder can
hide a file the package data no longer lists), installed first without extras (the numeric
core, NumPy only), then with ``[widgets,plots]``. Every check in the fresh environment runs
its own Python in isolated mode (``-I``) from a folder outside the repository, so it can only
see what the wheel installed. Last, a page written by the installed package is opened in
Chromium: the widget renders from that one file, shows the installed package's numbers and
requests nothing else.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

import softmaxbook as sb
from browser import RecordedPage, serve
from widget_checks import check_widget, numbers

ROOT = Path(__file__).resolve().parent.parent
WIDGETS = ROOT / "src" / "softmaxbook" / "widgets"
TIMEOUT = 900  # seconds for one pip command: the first install may download NumPy and matplotlib

CORE_PROBE = """
import importlib.util, json
import softmaxbook as sb

def error(module):
    try:
        __import__(module)
    except ImportError as e:
        return str(e)

print(json.dumps({
    "version": sb.__version__, "file": sb.__file__,
    "missing_names": [n for n in sb.__all__ if not hasattr(sb, n)],
    "widgets_error": error("softmaxbook.widgets"), "plots_error": error("softmaxbook.plots"),
    "installed": [m for m in ("anywidget", "ipywidgets", "matplotlib") if importlib.util.find_spec(m)],
}))
"""

FULL_PROBE = """
import importlib.metadata, json, sys
import numpy as np
import softmaxbook as sb
import softmaxbook.plots as sp
import softmaxbook.widgets as sw

z, y = [2.0, 1.0, 0.1], 0
sp.use_book_style()
page = sw.standalone_html([sw.GradientExplorer(logits=z, label=y)], title="From the wheel")
open("page.html", "w", encoding="utf-8").write(page)
print(json.dumps({
    "version": sb.__version__, "metadata_version": importlib.metadata.version("softmaxbook"),
    "files": [sb.__file__, sw.__file__, sp.__file__], "sys_path": sys.path,
    "missing_names": [n for n in sb.__all__ if not hasattr(sb, n)],
    "widgets": sorted(sw.__all__),
    "loss": float(sb.cross_entropy(np.array([z]), np.array([y]))),
    "grad": sb.cross_entropy_grad(np.array([z]), np.array([y]))[0].tolist(),
}))
"""


# The fresh environment sees only what the wheel installed: no PYTHONPATH (a source tree on it,
# with its egg-info, would make pip think the package is already installed).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def run(*cmd, cwd):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=ENV)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A scratch folder that is not inside the repository."""
    folder = tmp_path_factory.mktemp("packaging")
    assert ROOT not in folder.resolve().parents
    return folder


@pytest.fixture(scope="module")
def wheel(outside):
    src = outside / "src-copy"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(outside / "dist"), cwd=src)
    (path,) = (outside / "dist").glob("softmaxbook-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(outside):
    """A fresh virtual environment's python, and a working folder beside it. It has no pip of
    its own (`install` runs this pip for it): what it holds is the wheel and what that pulls in."""
    run(sys.executable, "-m", "venv", "--without-pip", str(outside / "venv"), cwd=outside)
    work = outside / "work"
    work.mkdir()
    return outside / "venv" / "bin" / "python", work


def install(python, requirement, cwd):
    """pip install into the fresh environment, as a user would; without byte-compiling what it
    installs (only the speed of later imports depends on it, and compiling the extras' thousands
    of files took half of each install)."""
    run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-compile", requirement, cwd=cwd)


def probe(python, work, code):
    return json.loads(run(str(python), "-I", "-c", code, cwd=work))


@pytest.fixture(scope="module")
def core(wheel, venv):
    python, work = venv
    install(python, str(wheel), cwd=work)
    return probe(python, work, CORE_PROBE)


@pytest.fixture(scope="module")
def full(core, wheel, venv):
    """The same environment once the extras are installed (after `core` has looked at it)."""
    python, work = venv
    install(python, f"{wheel}[widgets,plots]", cwd=work)
    return probe(python, work, FULL_PROBE), work / "page.html"


def test_wheel_holds_the_front_end_and_the_right_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(z.read(meta).decode())
    # every file beside the widgets' Python that a front-end loads: the ES modules, host.js, the CSS
    front_end = {f"softmaxbook/widgets/{f.name}" for f in WIDGETS.iterdir() if f.suffix in (".js", ".css")}
    assert {"softmaxbook/widgets/host.js", "softmaxbook/widgets/widgets.css"} <= front_end
    assert front_end <= names, f"missing from the wheel: {sorted(front_end - names)}"
    assert not [n for n in names if n.startswith(("tests/", "chapters/", "web/"))]
    assert metadata["Version"] == sb.__version__
    requires = metadata.get_all("Requires-Dist")
    assert [r for r in requires if "extra ==" not in r] == ["numpy>=1.26"]  # the core: NumPy only
    assert set(metadata.get_all("Provides-Extra")) == {"widgets", "plots", "data", "classroom"}


def test_core_install_needs_only_numpy(core):
    assert core["version"] == sb.__version__
    assert "site-packages" in core["file"] and ROOT.as_posix() not in core["file"]
    assert core["missing_names"] == [] and core["installed"] == []
    assert core["widgets_error"].startswith(
        "softmaxbook.widgets needs the `widgets` extra: pip install 'softmaxbook[widgets]'")
    assert core["plots_error"].startswith("softmaxbook.plots needs the `plots` extra: pip install 'softmaxbook[plots]'")


def test_extras_install_everything(full):
    result, _ = full
    assert result["version"] == result["metadata_version"] == sb.__version__
    assert all("site-packages" in f for f in result["files"])
    assert not [p for p in result["sys_path"] if p.startswith(ROOT.as_posix())]
    assert result["missing_names"] == []
    assert result["widgets"] == sorted(["SoftmaxExplorer", "OverflowLab", "JacobianView", "LossCurve",
                                        "GradientExplorer", "ReliabilityDiagram", "OnlineNormaliser", "Question", "ask",
                                        "standalone_html"])


def test_page_from_the_installed_package_is_live_and_self_contained(full, browser):
    result, page_file = full
    with serve(page_file.parent) as url:
        p = RecordedPage(browser)
        page_url = f"{url}/{page_file.name}"
        p.page.goto(page_url)
        p.page.wait_for_selector(".sb-widget .sb-readout", timeout=20_000)
        (root,) = p.page.locator(".sb-widget").all()
        shown = numbers(root.locator(".sb-readout").inner_text())  # before any key: the installed numbers
        assert_allclose(shown[0], result["loss"], rtol=5e-6)
        k = len(result["grad"])  # the loss, the gradient, then the probabilities
        assert_allclose(shown[1:1 + k], result["grad"], rtol=5e-6, atol=1e-300)
        assert check_widget(p.page, root) == "Gradient of cross-entropy: ŷ − y"  # keyboard, vs softmaxbook
        # The page and, in-page, the front-end imported from a blob: URL: nothing else at all.
        assert {u for u in p.requests if not u.startswith("blob:")} == {page_url}
        assert not p.failed and not p.errors, (p.failed, p.errors)
        p.close()
