"""`make lab`, the learner's way in: JupyterLab on the chapters, reachable from this machine only."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "softmaxbook-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outside_address():
    """An address of this machine other than loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent, the kernel only picks a route
            return s.getsockname()[0]
        except OSError:
            return None


def test_make_lab_serves_the_chapters_on_loopback_only(tmp_path):
    port = free_port()
    args = f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN}"
    if os.geteuid() == 0:  # CI's containers run as root; JupyterLab refuses root unless told
        args += " --allow-root"
    log = tmp_path / "lab.log"
    with log.open("w") as out:  # a file, not a pipe: JupyterLab's log cannot fill it and stall
        lab = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/contents?token={TOKEN}"
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    listing = json.load(r)
                break
            except OSError:
                assert lab.poll() is None, log.read_text()[-3000:]
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within a minute")
        names = {c["name"] for c in listing["content"]}
        assert {p.name for p in (ROOT / "chapters").glob("*.ipynb")} <= names, names  # the chapters, at the root
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=5) as r:
            assert r.status == 200 and b"JupyterLab" in r.read()
        other = outside_address()
        if other and other != "127.0.0.1":
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
