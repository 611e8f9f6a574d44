"""Build and load times of the website, measured (not a test: it prints, never fails).

- build: `make book`'s build (every page, from the stored outputs, into an empty folder);
- the site's size on disk;
- per page, in Chromium over 127.0.0.1 with a cold cache and gzip (as web hosts serve):
  bytes transferred, requests, first contentful paint, widgets live (every widget view
  drawn), ready (from navigation until the math is visible, the fonts loaded and every widget
  drawn) and cumulative layout shift, at 1280 px;
- the same on a slow connection (Chromium's own throttling, CDP
  Network.emulateNetworkConditions: 400 kbps each way, 400 ms round trip), with a cold cache
  and, for every page but the first, after the first (a reader's next page);
- per page at 390 px (a phone) and 1280 px, light and dark: the page's scroll width and
  axe-core's violations by impact (the moderate and minor ones named).
Targets (issue 12): every chapter <= 1.0 MB, ready <= 1.5 s median, layout shift < 0.1; on
the slow connection, text painted <= 2.5 s and widgets live <= 4 s.

    .venv/bin/python benchmarks/bench_site.py [--html DIR] [--pages intro,chapters/02-softmax] [--no-audit]

--html measures a site already built (e.g. an older build, to compare) instead of building.
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]
from site_checks import AXE, AXE_RUN, CLS_OBSERVER, DESKTOP, OVERFLOW, PAINT_OBSERVER, PHONE, READY  # noqa: E402

from browser import RecordedPage, chromium, serve  # noqa: E402
from build_book import build as build_book  # noqa: E402

LOADS = 3  # cold loads per page; the median is printed
# 400 kbps down and up (in bytes per second), 400 ms added to every request's round trip
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def build(out):
    t0 = time.perf_counter()
    build_book(out, quiet=True)
    return time.perf_counter() - t0


def cold_load(browser, url, network=None, after=None):
    """One load in a new context (a cold cache), throttled to `network` if given, or the load
    of `url` that follows one of `after` (the cache then holds what that page fetched):
    (bytes transferred, requests, first contentful paint, widgets live, ready, layout shift)."""
    p = RecordedPage(browser, viewport=DESKTOP)
    if network:
        cdp = p.page.context.new_cdp_session(p.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    responses = []
    p.page.on("requestfinished", lambda r, into=responses: into.append(r))  # a function Playwright can tag
    p.page.add_init_script(CLS_OBSERVER)
    p.page.add_init_script(PAINT_OBSERVER)
    if after:
        p.page.goto(after, timeout=120_000)
        p.page.wait_for_load_state("networkidle", timeout=120_000)
        responses.clear()
        p.requests.clear()
    p.page.goto(url, timeout=120_000)
    ready = p.page.evaluate(READY)
    p.page.wait_for_load_state("networkidle", timeout=120_000)
    p.page.wait_for_timeout(300)
    cls, paint, live = p.page.evaluate("[window.__cls, window.__paint, window.__live]")
    sent = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in responses)
    requests = sum(u.startswith("http") for u in p.requests)
    p.close()
    return sent, requests, paint["at"], live, ready, cls


def load_table(browser, url, html, pages, network=None, after=None):
    print(f"{'page':<32}{'transferred':>12}{'requests':>10}{'painted':>10}{'widgets':>10}{'ready':>10}"
          f"{'layout shift':>14}")
    for name in pages:
        runs = [cold_load(browser, f"{url}/{name}.html", network, after and f"{url}/{after}.html")
                for _ in range(LOADS)]
        sent, n, paint, live, ready, cls = (statistics.median(r[i] for r in runs) for i in range(6))
        views = (html / f"{name}.html").read_text().count("application/vnd.jupyter.widget-view+json")
        widgets = f"{live:>7.0f} ms" if views else f"{'-':>10}"
        print(f"{name:<32}{sent / 1e6:>9.3f} MB{n:>10.0f}{paint:>7.0f} ms{widgets}{ready:>7.0f} ms{cls:>14.3f}")


def audit(browser, url, viewport, scheme):
    p = RecordedPage(browser, viewport=viewport, color_scheme=scheme)
    p.page.goto(url)
    p.page.evaluate(READY)
    p.page.add_script_tag(path=str(AXE))
    violations = p.page.evaluate(AXE_RUN)
    width = p.page.evaluate(OVERFLOW)["scrollWidth"]
    p.close()
    return width, violations


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="a built site's html folder: measure it instead of building")
    parser.add_argument("--pages", help="comma-separated pages to load (default: the table of contents)")
    parser.add_argument("--no-audit", action="store_true", help="skip the axe-core and width table")
    args = parser.parse_args(argv)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = args.pages.split(",") if args.pages else [toc["root"], *(c["file"] for part in toc["parts"]
                                                                     for c in part["chapters"])]
    with tempfile.TemporaryDirectory() as tmp:
        html = args.html
        if html is None:
            out = Path(tmp)
            seconds = build(out)
            html = out / "_build" / "html"
            print(f"build              {seconds:7.1f} s")
        size = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
        print(f"site on disk       {size / 1e6:7.1f} MB  ({sum(1 for _ in html.rglob('*.html'))} HTML pages)")
        with serve(html) as url, chromium() as browser:
            print(f"\nCold loads at 1280 px, median of {LOADS}")
            load_table(browser, url, html, pages)
            print(f"\nThe same on a slow connection (400 kbps, 400 ms round trip), median of {LOADS}")
            load_table(browser, url, html, pages, SLOW)
            print(f"\nThe same, each page read after {pages[0]} (what that page fetched is in the cache)")
            load_table(browser, url, html, pages[1:], SLOW, after=pages[0])
            if args.no_audit:
                return
            print("\naxe-core violations (serious+critical / moderate / minor) and the page's scroll width")
            moderate = Counter()
            print(f"{'page':<32}" + "".join(f"{f'{w}px {s}':>22}" for w in (390, 1280) for s in ("light", "dark")))
            for name in pages:
                cells = []
                for viewport in (PHONE, DESKTOP):
                    for scheme in ("light", "dark"):
                        width, vs = audit(browser, f"{url}/{name}.html", viewport, scheme)
                        by = Counter(v["impact"] for v in vs)
                        minor = [v for v in vs if v["impact"] in ("moderate", "minor")]
                        moderate.update(f"{v['id']} ({v['impact']})" for v in minor)
                        cells.append(f"{by['serious'] + by['critical']}/{by['moderate']}/{by['minor']} w{width}")
                print(f"{name:<32}" + "".join(f"{c:>22}" for c in cells))
            print("\nmoderate and minor violations (page x mode x width):",
                  ", ".join(f"{k}: {v}" for k, v in moderate.most_common()) or "none")


if __name__ == "__main__":
    main()
