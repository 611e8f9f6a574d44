"""The widgets' JavaScript under Node's own test runner, no browser (tests/js/*.test.mjs):
`math.js` against fixtures written from softmaxbook, `ui.js`'s helpers, every widget file
imported as the ES module it is and drawn on a fake document (and the `_esm` Python ships
beside it), and `host.js` against the anywidget front-end contract. Here too: the small
bundler that turns a widget's files into that one `_esm` module. The same code is checked in
Chromium by tests/test_widgets_browser.py."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import softmaxbook.widgets as sw
from softmaxbook.widgets._bundle import bundle

HERE = Path(__file__).parent / "js"
WIDGET_JS = Path(sw.__file__).parent


def test_javascript_unit_tests(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the web assets need Node.js with npm (see README)")
    fixtures = tmp_path / "fixtures.json"
    subprocess.run([sys.executable, str(HERE / "write_fixtures.py"), str(fixtures)], check=True)
    run = subprocess.run([node, "--test", *sorted(map(str, HERE.glob("*.test.mjs")))], capture_output=True,
                         text=True, env={**os.environ, "SB_FIXTURES": str(fixtures)})
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout, run.stdout[-2000:]


def write(folder, files):
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_bundle_inlines_each_import_once_before_its_importers(tmp_path):
    write(tmp_path, {
        "d.js": "export const D = 1;\n",
        "b.js": 'import { D } from "./d.js";\nexport function b() { return D; }\n',
        "c.js": 'import { D } from "./d.js";\n\nexport function c() { return D + 1; }\n',
        "a.js": ('import { b } from "./b.js";\nimport {\n  c,\n} from "./c.js";\n\n'
                 "export default { render: () => b() + c() };\n"),
    })
    assert bundle(tmp_path / "a.js") == (
        "const D = 1;\n\n"
        "function b() { return D; }\n\n"
        "\nfunction c() { return D + 1; }\n\n"
        "\nexport default { render: () => b() + c() };\n")


@pytest.mark.parametrize("files, message", [
    # gradient_explorer.js once used KEEP_KEYS, which ui.js did not export
    ({"ui.js": "const KEEP_KEYS = {};\n", "w.js": 'import { KEEP_KEYS } from "./ui.js";\nexport default {};\n'},
     "w.js imports KEEP_KEYS from ui.js, which does not export it"),
    ({"w.js": 'import { h } from "./missing.js";\n'}, "w.js imports missing.js, which does not exist"),
    ({"w.js": 'import ui from "./ui.js";\n'}, r"only `import \{ a, b \} from"),
    ({"w.js": 'import { h } from "https://example.org/ui.js";\n'}, r"only `import \{ a, b \} from"),
    ({"ui.js": "export function h() {}\n", "w.js": 'import { h as g } from "./ui.js";\n'}, "no renaming"),
    ({"ui.js": "export function h() {}\nexport default {};\n", "w.js": 'import { h } from "./ui.js";\n'},
     "only `export` before a function"),
    ({"ui.js": "const n = 1;\nexport function h() {}\n", "w.js": 'import { h } from "./ui.js";\nlet n = 2;\n'},
     "`n` is declared at the top level of both ui.js and w.js"),
    ({"a.js": 'import { b } from "./w.js";\nexport const a = 1;\n',
      "w.js": 'import { a } from "./a.js";\nexport const b = 1;\n'},
     r"circular import: w.js -> a.js -> w.js"),
])
def test_bundle_refuses_what_it_cannot_inline(tmp_path, files, message):
    write(tmp_path, files)
    with pytest.raises(ValueError, match=message):
        bundle(tmp_path / "w.js")


@pytest.mark.parametrize("cls", [sw.SoftmaxExplorer, sw.OverflowLab, sw.JacobianView, sw.LossCurve,
                                 sw.GradientExplorer, sw.ReliabilityDiagram, sw.OnlineNormaliser])
def test_each_widget_ships_its_file_with_what_it_imports_inlined(cls):
    esm = cls()._esm
    (source,) = [f for f in WIDGET_JS.glob("*.js") if bundle(f) == esm]
    deps = re.findall(r'^import \{[^}]*\} from "\./([\w.]+)";$', source.read_text(), re.M)
    assert "ui.js" in deps and set(deps) <= {"math.js", "calibration.js", "online.js", "ui.js"}
    for dep in deps:  # each whole, its exports now plain declarations and its own imports inlined before it
        body = re.sub(r'^import \{[^}]*\} from "\./[\w.]+";\n', "", (WIDGET_JS / dep).read_text(), flags=re.M)
        assert re.sub(r"^export ", "", body, flags=re.M) in esm
    (line,) = re.findall(r"^[ \t]*(?:import|export)\b.*", esm, re.M)  # one module, with one export
    assert line.startswith("export default {")
