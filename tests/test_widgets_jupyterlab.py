"""The softmax explorer in a real JupyterLab: a slider moved in the browser updates both
the probabilities shown and the kernel-side `probs` trait to the package's values."""

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


def kernel_value(runtime, expression):
    """Evaluate `expression` in the notebook's kernel through a second client; JSON back."""
    (connection,) = runtime.glob("kernel-*.json")
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


def test_slider_updates_display_and_kernel(lab, browser):
    url, runtime = lab
    p = RecordedPage(browser, viewport={"width": 1280, "height": 900})
    page = p.page
    page.goto(f"{url}/lab/tree/explorer.ipynb?token={TOKEN}")
    # Run the notebook once its kernel is idle; don't await the command (it resolves
    # only when every cell has run, and evaluate() itself has no timeout).
    page.wait_for_function("""() => window.jupyterapp?.shell.currentWidget?.sessionContext
                                ?.session?.kernel?.status === 'idle'""", timeout=60_000, polling=250)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_selector(".sb-widget .sb-readout", timeout=60_000)

    slider = page.get_by_label("logit B", exact=True)
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # 1.0 -> 1.5
    z = np.array([2.0, 1.5, 0.1])
    shown = [float(x) for x in page.locator(".sb-readout").inner_text().split("[")[1].rstrip("]").split(",")]
    assert_allclose(shown, sb.softmax(z), rtol=5e-6)

    for _ in range(40):  # the front-end's update reaches the kernel asynchronously
        logits, probs = kernel_value(runtime, "[w.logits, w.probs]")
        if logits == z.tolist():
            break
        time.sleep(0.25)
    assert logits == z.tolist()
    assert_allclose(probs, sb.softmax(z), rtol=1e-12)
    assert not p.foreign_requests(), p.foreign_requests()
    p.close()
