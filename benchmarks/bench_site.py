"""Build and load times of the website, measured (not a test: it prints, never fails).

- clean build: `jupyter-book build` into an empty folder, from the stored outputs;
- incremental build: the same after touching one chapter;
- the site's size on disk;
- per page, in Chromium over 127.0.0.1 with a cold cache and gzip (as web hosts serve):
  bytes transferred, and the time from navigation until MathJax has typeset and every
  widget has rendered. Targets: clean build < 2 min on 2 cores, < 3 MB for any chapter.

    .venv/bin/python benchmarks/bench_site.py
"""

import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]
from browser import RecordedPage, chromium, serve  # noqa: E402
from build_book import build as build_book  # noqa: E402

READY = """() => MathJax.startup.promise.then(() => new Promise((done) => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const poll = () =>
    document.querySelectorAll('.sb-widget').length === views ? done(performance.now()) : setTimeout(poll, 5);
  poll();
}))"""


def build(out):
    t0 = time.perf_counter()
    build_book(out, quiet=True)
    return time.perf_counter() - t0


def main():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"], *(c["file"] for part in toc["parts"] for c in part["chapters"])]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        clean = build(out)
        (ROOT / f"{pages[1]}.ipynb").touch()
        incremental = build(out)
        html = out / "_build" / "html"
        size = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
        print(f"clean build        {clean:7.1f} s")
        print(f"incremental build  {incremental:7.1f} s   (one chapter touched)")
        print(f"site on disk       {size / 1e6:7.1f} MB  ({sum(1 for _ in html.rglob('*.html'))} HTML pages)")
        print(f"\n{'page':<32}{'transferred':>12}{'requests':>10}{'ready':>10}")
        with serve(html) as url, chromium() as browser:
            for name in pages:
                p = RecordedPage(browser)  # a new page in a new context: a cold cache
                responses = []
                p.page.on("requestfinished", lambda r, into=responses: into.append(r))  # a function Playwright can tag
                p.page.goto(f"{url}/{name}.html")
                ready = p.page.evaluate(READY)
                p.page.wait_for_load_state("networkidle")
                sent = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in responses)
                print(f"{name:<32}{sent / 1e6:>9.2f} MB{len(responses):>10}{ready:>8.0f} ms")
                p.close()


if __name__ == "__main__":
    main()
