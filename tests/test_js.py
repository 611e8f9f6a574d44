"""The widgets' JavaScript under Node's own test runner, no browser: `math.js` against
fixtures written from softmaxbook, and `ui.js`'s number formatting (tests/js/*.test.mjs).
The same code is checked in Chromium by tests/test_widgets_browser.py."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "js"


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
