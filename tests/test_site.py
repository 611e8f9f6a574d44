"""The website, built from the notebooks' stored outputs and read in Debian's Chromium.

The book is built once (as `make book` does, warnings are errors) into a scratch folder,
served on 127.0.0.1, and every page of the table of contents is opened with no internet:
no request may leave the machine or fail, no console error; all math typeset; every image
described; every widget live (moved with the keyboard and checked against softmaxbook);
no serious or critical axe-core violation; links resolve; figures read in dark mode.
"""

import io
import json
import re
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import numpy as np
import pytest
import yaml
from PIL import Image

from browser import RecordedPage, serve
from build_book import build as build_book
from widget_checks import check_controls_labelled, check_widget

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
PAGES = [TOC["root"], *CHAPTERS]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    try:
        html = build_book(out, quiet=True)
    except subprocess.CalledProcessError as err:
        pytest.fail(f"the book does not build:\n{err.stdout[-3000:]}\n{err.stderr[-3000:]}")
    with serve(html) as url:
        yield url, html


def open_ready(browser, url, **options):
    """Open a page and wait until MathJax has typeset it and every widget has rendered."""
    p = RecordedPage(browser, viewport={"width": 1280, "height": 900}, **options)
    p.page.goto(url)
    p.page.wait_for_function("() => window.MathJax?.startup?.promise")
    p.page.evaluate("() => MathJax.startup.promise")
    p.page.wait_for_function("""() => document.querySelectorAll('.sb-widget').length ===
        document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length""")
    return p


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


@pytest.mark.parametrize("name", PAGES)
def test_page(site, browser, name):
    url, _ = site
    p = open_ready(browser, f"{url}/{name}.html")
    page = p.page

    # All math typeset, no TeX left in the prose (code and outputs may hold a '$').
    assert page.locator(".math:not(:has(mjx-container))").count() == 0
    assert page.locator("mjx-container").count() >= (1 if name == TOC["root"] else 20)
    prose = page.evaluate("""() => { const m = document.querySelector('main').cloneNode(true);
        m.querySelectorAll('pre, code, .cell_output, script, mjx-container').forEach(e => e.remove());
        return m.innerText; }""")
    assert not re.search(r"\$\$|\\frac|\\sum|\\begin|\\operatorname", prose), prose[:500]

    # Every image says what it shows.
    for alt in page.locator("main img").evaluate_all("imgs => imgs.map(i => i.getAttribute('alt'))"):
        assert alt and len(alt) > 15 and not alt.startswith("<Figure"), alt

    # No serious or critical accessibility violation (axe-core, injected from node_modules).
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(r =>
        r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
         .map(v => ({id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""")
    assert not violations, json.dumps(violations, indent=1)

    # Every widget is live: keyboard input, numbers checked against softmaxbook.
    for root in page.locator(".sb-widget").all():
        check_controls_labelled(root)
        check_widget(page, root)

    p.assert_clean()  # nothing from another host, no failed request, no console error
    p.close()


def test_every_chapter_has_its_widgets(site):
    _, html = site
    counts = {c: (html / f"{c}.html").read_text().count("application/vnd.jupyter.widget-view+json") for c in CHAPTERS}
    for chapter in ("02-softmax", "03-stability", "04-jacobian", "05-cross-entropy", "06-combined-gradient"):
        assert counts[f"chapters/{chapter}"] >= 1, counts


def test_links_resolve(site, browser):
    url, _ = site
    p = RecordedPage(browser)
    seen, todo = set(), [f"{url}/{name}.html" for name in PAGES]
    for page_url in list(todo):
        p.page.goto(page_url)
        hrefs = p.page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
        for h in hrefs:
            target = urldefrag(h)[0]
            if urlparse(target).hostname == urlparse(url).hostname and target not in seen:
                seen.add(target)
                assert get(target)[0] == 200, f"{page_url} links to {target}"
    toc = p.page.locator("nav.bd-docs-nav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(toc) >= len(CHAPTERS)
    p.close()


def test_reading_experience(site, browser):
    url, _ = site
    p = RecordedPage(browser)
    page = p.page
    page.goto(f"{url}/{TOC['root']}.html")
    intro = page.locator("main").inner_text()
    for words in ("What you will learn", "Who it is for", "Read", "Run", "Teach"):
        assert words in intro
    for chapter in CHAPTERS:
        page.goto(f"{url}/{chapter}.html")
        first = page.locator("main section p").first.inner_text()
        assert first.startswith("Learning goal:"), (chapter, first)
        setup = page.locator(".cell.tag_hide-input").first  # imports and seeds: collapsed
        assert setup.count() and not setup.locator(".cell_input pre").first.is_visible(), chapter
        for solution in page.locator(".cell.tag_hide-cell").all():  # exercise solutions: behind a toggle
            assert not solution.locator("pre").first.is_visible(), chapter
        assert page.locator(".cell.tag_hide-cell").count() >= 2, chapter
        (download,) = page.locator("a[href$='.ipynb']").evaluate_all("as => [...new Set(as.map(a => a.href))]")
        status, body = get(download)
        assert status == 200 and json.loads(body)["nbformat"] == 4, chapter
    p.close()


def test_search_works_offline(site, browser):
    url, _ = site
    p = RecordedPage(browser)
    p.page.goto(f"{url}/search.html?q=logsumexp")
    p.page.wait_for_selector("#search-results li", timeout=20_000)
    found = p.page.locator("#search-results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any("03-stability" in h for h in found), found
    p.assert_clean()
    p.close()


def test_figures_read_in_dark_mode(site, browser):
    """Figures are transparent PNGs: on the dark theme the page shows through, grey ink on top."""
    url, html = site
    p = open_ready(browser, f"{url}/chapters/02-softmax.html", color_scheme="dark")
    page = p.page
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    img = page.locator("main figure img").first
    img.scroll_into_view_if_needed()
    shot = np.asarray(Image.open(io.BytesIO(img.screenshot())).convert("L"), dtype=float) / 255
    assert np.median(shot) < 0.3, "the figure's background is not the dark page"
    assert (shot > 0.4).mean() > 0.005, "no visible ink on the dark page"
    src = urljoin(page.url, img.get_attribute("src"))
    alpha = np.asarray(Image.open(io.BytesIO(get(src)[1])).convert("RGBA"))[..., 3]
    assert (alpha == 0).mean() > 0.5, "figure PNG is not transparent"
    p.assert_clean()
    p.close()


def test_no_solution_or_hidden_test_is_published(site):
    """The classroom's masters hold solutions and hidden tests: none of it may reach the site."""
    _, html = site
    secrets = []  # whole solution blocks and test cases: distinctive, unlike a single line such
    # as `z = np.array([...])` that the book itself also uses
    for master in sorted((ROOT / "classroom" / "assignments").glob("*.ipynb")):
        inside = None
        for cell in json.loads(master.read_text())["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "raw" and src.strip() in ("# BEGIN SOLUTION", "# BEGIN TESTS"):
                inside = src.strip()
            elif cell["cell_type"] == "raw" and src.strip() in ("# END SOLUTION", "# END TESTS"):
                inside = None
            elif inside and cell["cell_type"] == "code":
                body = src.split("# BEGIN SOLUTION")[-1].split("# END SOLUTION")[0]
                body = body.split('""" # END TEST CONFIG')[-1]
                block = "\n".join(line.strip() for line in body.strip().splitlines())
                if "\n" in block:
                    secrets.append(block)
    assert secrets, "no solution or test blocks found in the masters"
    texts = (".html", ".js", ".ipynb", ".txt")
    published = "\n".join(p.read_text(errors="ignore") for p in html.rglob("*") if p.suffix in texts)
    assert "BEGIN SOLUTION" not in published and "hidden: true" not in published
    published = "\n".join(line.strip() for line in published.splitlines())
    leaked = [s for s in secrets if s in published]
    assert not leaked, leaked[:3]
