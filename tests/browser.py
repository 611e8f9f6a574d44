"""Helpers for tests (and benchmarks) that drive Debian's Chromium through Playwright.

A static server on 127.0.0.1 for a folder, a headless Chromium that never downloads
anything, and a page wrapper that records every request, failure and console error so a
test can assert none of them went wrong.
"""

import contextlib
import functools
import gzip
import http.server
import json
import os
import re
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
# As root in a container: no sandbox. The rest keep Chromium from phoning home (the
# network here is closed, and a refused connection would show up as noise).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for clients that accept it, as any web host serves them
    (so transfer sizes measured here are the ones readers see); no request log."""

    COMPRESS = (".html", ".js", ".css", ".json", ".svg", ".txt", ".ipynb", ".map")
    _cache = {}

    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not (path.endswith(self.COMPRESS) and os.path.isfile(path)
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        key = (path, os.stat(path).st_mtime_ns)
        if key not in self._cache:
            with open(path, "rb") as f:
                self._cache[key] = gzip.compress(f.read(), compresslevel=6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve `folder` on 127.0.0.1 at a free port; yield the base URL; stop on exit."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Playwright drives the Chromium it was released with (browsers.json in the playwright
# package); an older one works through the same protocol for some versions (seen: Debian's 150
# under Playwright 1.65.2, which expects 159), a much older or any newer one may not.
CHROMIUM_MAJORS_BEHIND = 12
CHROMIUM_MAJORS_AHEAD = 2


def playwright_chromium_major():
    """The major version of the Chromium this Playwright was released for."""
    import playwright

    listed = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    browsers = json.loads(listed.read_text())["browsers"]
    return int(next(b for b in browsers if b["name"] == "chromium")["browserVersion"].split(".")[0])


@functools.cache
def check_chromium():
    """Fail with a clear message unless Debian's Chromium is one this Playwright can drive."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
                           "(apt-get install chromium)")
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=60).stdout
    found = re.search(r"\b(\d+)\.\d+\.\d+", version)
    if not found:
        raise RuntimeError(f"cannot read the version of {CHROMIUM}: `{CHROMIUM} --version` printed {version!r}")
    major, expected = int(found[1]), playwright_chromium_major()
    if not expected - CHROMIUM_MAJORS_BEHIND <= major <= expected + CHROMIUM_MAJORS_AHEAD:
        from importlib.metadata import version as installed

        raise RuntimeError(
            f"{CHROMIUM} is Chromium {major}, but Playwright {installed('playwright')} drives Chromium {expected} "
            f"(accepted here: {expected - CHROMIUM_MAJORS_BEHIND} to {expected + CHROMIUM_MAJORS_AHEAD}). "
            "Pin a Playwright released for this Chromium in requirements.txt and run `make lock`, "
            "or install a Chromium in that range.")
    return major


@contextlib.contextmanager
def chromium():
    """A headless Debian Chromium under Playwright; closed on exit."""
    from playwright.sync_api import sync_playwright

    check_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class RecordedPage:
    """A Playwright page plus what it asked for and what went wrong while it ran."""

    def __init__(self, browser, **options):
        self.page = browser.new_page(**options)
        self.requests, self.failed, self.errors = [], [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def foreign_requests(self):
        """Requests to any host but this machine (blob: and data: URLs are in-page)."""
        return [u for u in self.requests
                if urlparse(u).scheme not in ("blob", "data", "about") and urlparse(u).hostname not in LOCAL_HOSTS]

    def assert_clean(self):
        assert not self.foreign_requests(), f"requests to other hosts: {self.foreign_requests()}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"console errors: {self.errors}"

    def close(self):
        self.page.close()
