"""Widgets in a real JupyterLab: a slider of the softmax explorer moved in the browser updates
both the probabilities shown and the kernel-side `probs` trait to the package's values; a
self-check question gets its shared code and mathjs from the kernel, checks answers in the
browser, and the kernel learns the result."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from jupyter_client import BlockingKernelClient
from numpy.testing import assert_allclose

import softmaxbook as sb
from browser import RecordedPage
from softmaxbook.widgets._bank import find
from widget_checks import answer

TOKEN = "softmaxbook-test-token"
NOTEBOOK = {
    "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [
        "from softmaxbook.widgets import SoftmaxExplorer\n",
        "w = SoftmaxExplorer(logits=[2.0, 1.0, 0.1])\n",
        "w",
    ]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, in a scratch folder; shut down afterwards."""
    root = tmp_path_factory.mktemp("lab")
    (root / "explorer.ipynb").write_text(json.dumps(NOTEBOOK))
    port, runtime, log = free_port(), root / ".runtime", root / "lab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(root / ".config"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"), "JUPYTERLAB_WORKSPACES_DIR": str(root / ".ws")}
    log_file = log.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         # nothing from the internet: no news, no update check, no extension search
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited: {log.read_text()[-2000:]}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=10) as r:
            assert r.status == 200
        yield url, runtime
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()


def kernel_value(lab, notebook, expression):
    """Evaluate `expression` in the kernel of `notebook` through a second client; JSON back."""
    url, runtime = lab
    with urllib.request.urlopen(f"{url}/api/sessions?token={TOKEN}", timeout=10) as r:
        (kernel,) = [s["kernel"]["id"] for s in json.load(r) if s["path"] == notebook]
    connection = runtime / f"kernel-{kernel}.json"
    client = BlockingKernelClient(connection_file=str(connection))
    client.load_connection_file()
    client.start_channels()
    printed = []
    try:
        reply = client.execute_interactive(f"import json; print(json.dumps({expression}))", timeout=30,
                                           output_hook=lambda m: printed.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
        return json.loads("".join(printed))
    finally:
        client.stop_channels()


def open_notebook(lab, browser, notebook):
    """Open `notebook` in JupyterLab and run all its cells once its kernel is idle; don't await
    the command (it resolves only when every cell has run, and evaluate() has no timeout)."""
    url, _ = lab
    p = RecordedPage(browser, viewport={"width": 1280, "height": 900})
    p.page.goto(f"{url}/lab/tree/{notebook}?token={TOKEN}")
    # (the workspace may bring back a notebook opened earlier: wait for this one to be current)
    p.page.wait_for_function("""(path) => { const w = window.jupyterapp?.shell.currentWidget;
                                  return w?.context?.path === path
                                    && w.sessionContext?.session?.kernel?.status === 'idle'; }""",
                             arg=notebook, timeout=60_000, polling=250)
    p.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    return p


def test_slider_updates_display_and_kernel(lab, browser):
    p = open_notebook(lab, browser, "explorer.ipynb")
    page = p.page
    page.wait_for_selector(".sb-widget .sb-readout", timeout=60_000)

    slider = page.get_by_label("logit B", exact=True)
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # 1.0 -> 1.5
    z = np.array([2.0, 1.5, 0.1])
    shown = [float(x) for x in page.locator(".sb-readout").inner_text().split("[")[1].rstrip("]").split(",")]
    assert_allclose(shown, sb.softmax(z), rtol=5e-6)

    for _ in range(40):  # the front-end's update reaches the kernel asynchronously
        logits, probs = kernel_value(lab, "explorer.ipynb", "[w.logits, w.probs]")
        if logits == z.tolist():
            break
        time.sleep(0.25)
    assert logits == z.tolist()
    assert_allclose(probs, sb.softmax(z), rtol=1e-12)
    assert not p.foreign_requests(), p.foreign_requests()
    p.close()


QUESTION = {**NOTEBOOK, "cells": [{**NOTEBOOK["cells"][0], "source": [
    "import softmaxbook.widgets as sw\n", "q = sw.ask('ch06-grad')\n", "q"]}]}


def test_a_question_gets_its_code_from_the_kernel_and_tells_it_the_answer(lab, browser):
    url, _ = lab
    request = urllib.request.Request(f"{url}/api/contents/quiz.ipynb?token={TOKEN}", method="PUT",
                                     data=json.dumps({"type": "notebook", "content": QUESTION}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()
    p = open_notebook(lab, browser, "quiz.ipynb")
    page = p.page
    page.wait_for_selector("[data-quiz='ch06-grad'] input[type=text]", timeout=60_000)
    root = page.locator("[data-quiz='ch06-grad']")
    q = find("ch06-grad")
    assert answer(page, root, q, right=False) == "wrong"  # mathjs came from the kernel
    assert answer(page, root, q, keys=True) == "right"  # key by key: no notebook shortcut takes them
    for _ in range(40):  # the front-end's result reaches the kernel asynchronously
        response, right = kernel_value(lab, "quiz.ipynb", "[q.response, q.right]")
        if right:
            break
        time.sleep(0.25)
    assert (response, right) == (q["answer"], True)
    assert not p.foreign_requests(), p.foreign_requests()
    p.close()
