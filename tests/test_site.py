"""The website, built from the notebooks' stored outputs and read in Debian's Chromium.

The book is built once per run (as `make book` does, warnings are errors) into a scratch
folder that the pytest workers share, served on 127.0.0.1, and every page of the table of
contents is loaded with no internet on a phone (390 x 844) and a desktop (1280 x 900), light
and dark. Each load is one test (`test_page`) that runs every check for it, so a page costs
four loads and four axe-core runs. In every load: no
request may leave the machine or fail, no console error, no moderate, serious or critical
axe-core violation, nothing wider than the screen, widgets in the page's colours at 3:1
(graphics) and 4.5:1 (text), no icon webfont; on the phone, figures readable. The reader's own
settings, in the same loads: on the phone, forced colours (high contrast, both themes: every
header button and slider still drawn) and, in light, a 24 px default font (nothing wider than
the screen, no formula or widget number cut off), then the window narrowed to the smallest
phones (320 x 640): nothing wider than the screen, every box that scrolls sideways
shows it and is a Tab stop; at 1280 px, the sidebar's title is not cut off. At 1280 px in light, also: all
math rendered at build time (no math script, no formula a Tab stop), every image described,
every widget live (moved with the keyboard and checked against softmaxbook), the page under
1 MB on a cold cache, its links resolve, and a chapter reads as a lesson. Search shows text,
not TeX.
"""

import base64
import contextlib
import hashlib
import io
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import matplotlib as mpl
import numpy as np
import pytest
import yaml
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_checks import (
    AXE,
    AXE_RUN,
    CLIPPED,
    CONTROLS,
    DESKTOP,
    FIGURE_COLOURS,
    FIGURE_SIZES,
    OVERFLOW,
    PAINT_OBSERVER,
    PHONE,
    READY,
    SCROLL_BOXES,
    SMALL_PHONE,
    SMALL_TEXT,
    TITLE_CUT,
    WIDGET_COLOURS,
)
from vendor_assets import ICONS

import softmaxbook as sb
import softmaxbook.plots as sbp
from browser import RecordedPage, serve
from softmaxbook.widgets._bank import find
from widget_checks import check_controls_labelled, check_widget

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"], *(c["file"] for part in TOC["parts"] for c in part["chapters"])]
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]
LOADS = {"390-light": (PHONE, "light"), "390-dark": (PHONE, "dark"), "1280-light": (DESKTOP, "light"),
         "1280-dark": (DESKTOP, "dark")}


@pytest.fixture(scope="session")
def site(book_html):
    with serve(book_html) as url:
        yield url, book_html


def open_ready(browser, url, viewport=DESKTOP, **options):
    """Open a page and wait until its fonts are loaded and every widget has rendered."""
    p = RecordedPage(browser, viewport=viewport, **options)
    p.page.goto(url)
    p.page.evaluate(READY)
    return p


def axe_violations(page):
    """axe-core's findings of moderate impact or worse (of minor, it has none to give here)."""
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("moderate", "serious", "critical")]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


@pytest.mark.parametrize("load", LOADS)
@pytest.mark.parametrize("name", PAGES)
def test_page(site, browser, name, load):
    """One load of one page at one width in one theme, and every check for it."""
    url, _ = site
    viewport, scheme = LOADS[load]
    p = RecordedPage(browser, viewport=viewport, color_scheme=scheme)
    finished = []
    p.page.on("requestfinished", lambda r: finished.append(r))
    p.page.add_init_script(PAINT_OBSERVER)
    p.page.goto(f"{url}/{name}.html")
    p.page.evaluate(READY)
    page = p.page
    # the paint observer's callback may run after a page with nothing to typeset is ready
    page.wait_for_function("() => window.__paint !== null", timeout=10_000)
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    assert page.evaluate("window.__paint.theme") == scheme, "first painted in the other theme"
    check_first_paint(page, p.requests)
    if load == "1280-light":  # before anything else runs in the page: what a cold cache fetches
        page.wait_for_load_state("networkidle")
        sent = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
        assert sent < 1.0e6, f"{name}: {sent / 1e6:.2f} MB transferred (gzip, cold cache)"
    failures = check_layout(page, viewport)
    failures += [f"axe {v['id']} ({v['impact']}) at {v['nodes']}" for v in axe_violations(page)]
    # admonitions, GitHub links: any page may need an icon, and vendor/icons.css draws them all
    failures += [f"icon webfont fetched: {r}" for r in p.requests if "webfonts" in r]
    if viewport is PHONE:  # where the header shows all six buttons
        failures += check_forced_colours(page)
    if load == "390-light":
        failures += check_large_font(page, viewport)
        failures += check_small_phone(page)
    if viewport is DESKTOP and (cut := page.evaluate(TITLE_CUT)) > 0.5:
        failures.append(f"the sidebar's title is cut off by {cut:.0f} px")
    assert not failures, f"{name} at {load}:\n" + "\n".join(failures)
    if load == "1280-light":
        check_math_and_images(page, name)
        for root in page.locator(".sb-widget").all():  # every widget live: keyboard, numbers
            check_controls_labelled(root)
            check_widget(page, root)
        check_links(page, url)
        if name in CHAPTERS:
            check_lesson(page, name)
    p.assert_clean()  # nothing from another host, no failed request, no console error
    p.close()


SEARCH_CODE = re.compile(r"/(searchindex|searchtools|language_data|search-text|search-[0-9a-f]+)\.js")


def check_first_paint(page, requests):
    """What the first paint waits for: nothing but the page (its stylesheet is in it, its
    scripts deferred); no search code or index before the search box is used; and no font
    of KaTeX's own, only the cuts of them that hold what the formulas show (tools/page_assets.py,
    tools/math_fonts.py). At 400 kbps the page's requests kept it blank for 7 s."""
    blocking = page.evaluate("""performance.getEntriesByType("resource")
        .filter((e) => e.renderBlockingStatus === "blocking").map((e) => e.name)""")
    assert not blocking, f"render-blocking: {blocking}"
    assert not page.locator('link[rel="stylesheet"]').count(), "a stylesheet outside the page"
    assert not [r for r in requests if SEARCH_CODE.search(r)], [r for r in requests if SEARCH_CODE.search(r)]
    full = [r for r in requests if "/vendor/katex/fonts/" in r]
    assert not full, f"a formula shows a character that the cut fonts lack: {full}"


def check_layout(page, viewport):
    """Nothing wider than the screen (display math and code scroll or wrap in their own boxes);
    widgets in the page's own colours at 3:1 for graphics and 4.5:1 for text; on the phone,
    every figure drawn at 2x, shown at its own shape, with text at least as large as the page's
    small text. Returns what failed."""
    failures = []
    overflow = page.evaluate(OVERFLOW)
    if overflow["scrollWidth"] > viewport["width"] or overflow["outside"]:
        failures.append(f"page {overflow['scrollWidth']} px wide; out of reach: {overflow['outside']}")
    if overflow["code"]:
        failures.append(f"{len(overflow['code'])} code cells scroll sideways, e.g. {overflow['code'][:3]}")
    for w in page.evaluate(WIDGET_COLOURS):
        if w["cards"]:
            failures.append(f"{w['title']} sits on a card: {w['cards']}")
        low = {k: round(v, 2) for k, v in w["graphics"].items() if v < 3}
        low |= {k: round(w[k], 2) for k in ("text", "broken") if w[k] < 4.5}
        if w["cells"] is not None and w["cells"] < 4.5:
            low["heat-map numbers"] = round(w["cells"], 2)
        if low:
            failures.append(f"{w['title']} contrast below 3:1 (graphics) or 4.5:1 (text): {low}")
    if viewport is PHONE:
        small = page.evaluate(SMALL_TEXT)
        text_px = sbp.FONT_SIZE * mpl.rcParams["figure.dpi"] / 72  # at the figure's own size
        for f in page.evaluate(FIGURE_SIZES):
            if f["natural"] - 2 * f["width"] not in (0, 1):  # IPython halves an odd width down
                failures.append(f"{f['src']}: {f['natural']} px PNG for {f['width']} px: not 2x")
            squash = (f["shown"] / f["shownHeight"]) / (f["natural"] / f["naturalHeight"])
            if abs(squash - 1) > 0.02:
                failures.append(f"{f['src']}: shown {squash:.2f} times as wide for its height as drawn")
            shown = text_px * f["shown"] / f["width"]
            if shown < small - 0.05:
                failures.append(f"{f['src']}: figure text {shown:.1f} px < small text {small:.1f} px")
    return failures


def rgb(shot):
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), int)


def drawn(pixels):
    """How many pixels of an (h, w, 3) area differ clearly from its most common colour (its background)."""
    pixels = pixels.reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return int((np.abs(pixels - colours[counts.argmax()]).sum(axis=-1) > 96).sum())


def check_forced_colours(page):
    """In forced colours (Windows' high contrast), every header button and every widget slider is
    still drawn: each one's box, as the screen shows it, holds pixels of another colour than the
    page's own; and an accented letter (\\hat Y) keeps its letter, not only its accent. The page
    goes back to its usual colours after. Returns what failed."""
    accent = page.locator(".katex-html .katex-accent:visible").first  # not one in a closed dropdown
    before = drawn(rgb(accent.screenshot())) if accent.count() else None
    page.emulate_media(forced_colors="active")
    try:
        failures = []
        if before is not None and (after := drawn(rgb(accent.screenshot()))) < 0.7 * before:
            failures.append(f"forced colours: an accented letter loses its ink ({after} of {before} pixels)")
        for group in [page.locator(".bd-header-article"), *page.locator(".sb-widget .sb-controls").all()]:
            boxes = group.evaluate(CONTROLS)
            shot = rgb(group.screenshot())
            for box in boxes:
                if (n := drawn(shot[box["top"]:box["bottom"], box["left"]:box["right"]])) < 20:
                    failures.append(f"forced colours: {box['name']} is not drawn ({n} pixels)")
        return failures
    finally:
        page.emulate_media(forced_colors="none")


def check_large_font(page, viewport):
    """A reader's larger default font (Chromium's font-size setting, 24 px for 16): the page still
    fits the phone's width, and no formula or widget number is cut off. Set back to 16 px after."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")  # resize observers
    try:
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 24
        failures = [f"24 px font: {c}" for c in page.evaluate(CLIPPED)]
        overflow = page.evaluate(OVERFLOW)
        if overflow["scrollWidth"] > viewport["width"] or overflow["outside"]:
            failures.append(f"24 px font: page {overflow['scrollWidth']} px wide; out of reach: {overflow['outside']}")
        return failures
    finally:
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16}})
        cdp.detach()


def check_small_phone(page):
    """The narrowest phones still sold (320 px), in the same load, the window narrowed: nothing
    wider than the screen, and every box that scrolls sideways shows it and is a Tab stop. (The
    theme's layout is the same below 576 px, so axe-core's findings at 390 px hold here.)"""
    page.set_viewport_size(SMALL_PHONE)
    # the theme marks its scrolling tables 300 ms after a window resize (on a busy machine, later)
    with contextlib.suppress(PlaywrightTimeout):  # if it never does, the check below says so
        page.wait_for_function("""() => [...document.querySelectorAll('.pst-scrollable-table-container')]
            .every((e) => e.scrollWidth <= e.clientWidth || e.tabIndex >= 0)""", timeout=5_000)
    page.wait_for_timeout(100)  # and the ResizeObservers of web/a11y-fixes.js have run
    failures = [f"at 320 px: {f}" for f in check_layout(page, SMALL_PHONE)]
    boxes = page.evaluate(SCROLL_BOXES)
    failures += [f"at 320 px: {b['name']} scrolls sideways but is not a Tab stop" for b in boxes if not b["tabStop"]]
    failures += [f"at 320 px: {b['name']} scrolls sideways with no sign of it (no fade at its edge)"
                 for b in boxes if b["fade"] == "none"]
    return failures


def check_math_and_images(page, name):
    """All math rendered at build time (HTML for the eye, MathML for screen readers): no math
    script, no TeX left in the prose, no formula KaTeX failed on, no formula a Tab stop; every
    image says what it shows."""
    assert page.locator(".math:not(:has(.katex))").count() == 0
    assert page.locator(".katex").count() >= (20 if name in CHAPTERS else 0)
    assert page.locator(".katex .katex-mathml math").count() == page.locator(".katex").count()
    assert page.locator(".katex-error").count() == 0
    assert not page.evaluate("!!window.MathJax || !!document.querySelector('script[src*=mathjax i]')")
    assert page.locator(".katex [tabindex], .katex a, .katex button, .math[tabindex]").count() == 0
    # nor a scroll box inside a formula (Chromium makes those Tab stops): only the display's own
    assert page.evaluate("""() => [...document.querySelectorAll('.katex, .katex *')]
        .filter((e) => /(auto|scroll)/.test(getComputedStyle(e).overflowX)).length""") == 0
    prose = page.evaluate("""() => { const m = document.querySelector('main').cloneNode(true);
        m.querySelectorAll('pre, code, .cell_output, script, .katex').forEach(e => e.remove());
        return m.innerText; }""")
    assert not re.search(r"\$\$|\\frac|\\sum|\\begin|\\operatorname", prose), prose[:500]
    for alt in page.locator("main img").evaluate_all("imgs => imgs.map(i => i.getAttribute('alt'))"):
        assert alt and len(alt) > 15 and not alt.startswith("<Figure"), alt


LINKS_SEEN = set()  # each link target is fetched once per worker


def check_links(page, url):
    """Every link to this site resolves (fetched, not just named); the sidebar lists every chapter."""
    for h in page.locator("a[href]").evaluate_all("as => as.map(a => a.href)"):
        target = urldefrag(h)[0]
        if urlparse(target).hostname == urlparse(url).hostname and target not in LINKS_SEEN:
            assert get(target)[0] == 200, f"{page.url} links to {target}"
            LINKS_SEEN.add(target)
    toc = page.locator("nav.bd-docs-nav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(toc) >= len(CHAPTERS)


def check_lesson(page, chapter):
    """A chapter reads as a lesson: its learning goal first, how to run it, the set-up cell and
    the solutions collapsed, its notebook downloadable, its sources cited by author and year."""
    first = page.locator("main section p").first.inner_text()
    assert first.startswith("Learning goal:"), (chapter, first)
    how = page.locator("main a[href$='intro.html#run-it-yourself']")  # how to run the download
    assert how.count() == 1 and "make lab" in how.locator("xpath=..").inner_text(), chapter
    setup = page.locator(".cell.tag_hide-input").first  # imports and seeds: collapsed
    assert setup.count() and not setup.locator(".cell_input pre").first.is_visible(), chapter
    for solution in page.locator(".cell.tag_hide-cell").all():  # exercise solutions: behind a toggle
        assert not solution.locator("pre").first.is_visible(), chapter
        summary = solution.locator("summary")  # says what it hides, to the eye and to screen readers
        assert summary.inner_text().strip() == "Solution" and summary.get_attribute("aria-label") is None, chapter
    assert page.locator(".cell.tag_hide-cell").count() >= 2, chapter
    (download,) = page.locator("a[href$='.ipynb']").evaluate_all("as => [...new Set(as.map(a => a.href))]")
    status, body = get(download)
    assert status == 200 and json.loads(body)["nbformat"] == 4, chapter
    # The teaching apparatus: sources cited by author and year (no bare "[003]" or "seed
    # article"), worked answers to derivation and conceptual exercises behind "Solution".
    text = page.locator("main").inner_text()
    assert not re.search(r"\[00[0-4]\]|seed (article|post|source)|\bseeds? 00\d", text, re.I), chapter
    assert page.locator("main a[href^='../references.html#']").count() >= 1, chapter
    answers = page.locator("main details.sd-dropdown summary").all_inner_texts()
    assert sum(a.strip().startswith("Solution") for a in answers) >= 2, (chapter, answers)


def test_every_chapter_has_its_widgets(site, browser):
    """The chapters hold their widgets; without JavaScript each shows its still picture (drawn
    at build time, tools/widget_pictures.py): the widget at its starting values with the
    numbers as text, a question with its prompt, controls disabled, and a note saying so."""
    url, html = site
    counts = {c: (html / f"{c}.html").read_text().count("application/vnd.jupyter.widget-view+json") for c in CHAPTERS}
    for chapter in ("02-softmax", "03-stability", "04-jacobian", "05-cross-entropy", "06-combined-gradient"):
        assert counts[f"chapters/{chapter}"] >= 1, counts
    p = RecordedPage(browser, viewport=DESKTOP, java_script_enabled=False)
    page = p.page
    page.goto(f"{url}/chapters/02-softmax.html")
    pictures = page.locator(".sb-static")
    assert pictures.count() == counts["chapters/02-softmax"] and page.locator(".sb-host:not(.sb-static)").count() == 0
    (explorer,) = page.locator(".sb-static:not(.sb-quiz)").all()
    assert explorer.locator(".sb-title").inner_text() == "Softmax explorer" and explorer.is_visible()
    shown = [float(x) for x in re.findall(r"\d\.\d+", explorer.locator(".sb-readout").inner_text())]
    logits = np.array([2.0, 1.0, 0.1, -1.0])  # the chapter's explorer, at T = 1
    np.testing.assert_allclose(shown, sb.softmax(logits), rtol=1e-5)
    assert len(explorer.locator(".sb-bar").all()) == 4
    for root in page.locator(".sb-static[data-quiz]").all():
        prompt = find(root.get_attribute("data-quiz"))["prompt"].replace("`", "")
        assert " ".join(prompt.split()[:4]) in root.inner_text()
    assert page.locator(".sb-static :is(input, button, select):not([disabled])").count() == 0
    notes = page.locator(".sb-static-note")
    assert notes.count() == pictures.count() and notes.first.is_visible()
    assert "JavaScript" in notes.first.inner_text()
    assert not p.foreign_requests() and not p.errors
    # (the theme preloads its scripts, which a page without JavaScript refuses to fetch)
    assert not [f for f in p.failed if not re.search(r"\.js(\?\S*)? \(csp\)$", f)], p.failed
    p.close()


def test_reading_experience(site, browser):
    url, _ = site
    p = RecordedPage(browser)
    page = p.page
    page.goto(f"{url}/{TOC['root']}.html")
    intro = page.locator("main").inner_text()
    for words in ("What you will learn", "Who it is for", "Read", "Run", "Teach", "make lab"):
        assert words in intro
    # No made-up address: with no repository in _config.yml, no page links or clones one.
    assert not yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert "git clone" not in intro and "copy of the book" in intro
    assert not page.locator("a[href*='github.com'], .btn-source-repository-button").count()
    assert get(f"{url}/notation.html")[0] == 200 and get(f"{url}/references.html")[0] == 200
    with pytest.raises(urllib.error.HTTPError):  # no empty index page
        get(f"{url}/genindex.html")
    p.close()


def search(page, url, query):
    """The results of a search on the site's search page: each one's link and snippet, in order."""
    page.goto(f"{url}/search.html?q={query}")
    # every result listed and every snippet in (each page is fetched for its snippet, one by one)
    page.wait_for_function("""() => {
        const summary = document.querySelector('#search-results .search-summary');
        const items = [...document.querySelectorAll('#search-results li')];
        return summary?.textContent.startsWith('Search finished') && items.every((li) => li.querySelector('p.context'));
    }""", timeout=30_000)
    return page.locator("#search-results li").evaluate_all("""items => items.map((li) =>
        [li.querySelector('a').getAttribute('href'), li.querySelector('p.context').innerText])""")


# a big operator or an operator name with its limits, run into what follows: "∑_ke^(z_k)", "max_jz_j"
RUN_TOGETHER = re.compile(r"(?:[∑∏]|(?<!\w)(?:max|min)\u2061?)(?:_(?:\([^)]*\)|\w))(?:\^(?:\([^)]*\)|\w))?(?=\w)")


def test_search_works_offline(site, browser):
    """Search finds a section by its name before the pages that only use its words, finds a
    symbol typed as a reader types it (ŷ, in formulas as \\hat y) on the Notation page and the
    chapters, and its snippets read formulas as text ("Σ_k e^(z_k)", never TeX)."""
    url, _ = site
    p = RecordedPage(browser)
    found = search(p.page, url, "log-sum-exp")
    assert found[0][0].endswith("chapters/03-stability.html#log-sum-exp"), [h for h, _ in found]
    pages = [h for h, _ in search(p.page, url, "ŷ")]
    assert any(h.startswith("notation.html") for h in pages[:3]), pages  # where the symbol is defined
    assert any("02-softmax" in h for h in pages), pages
    found = search(p.page, url, "logsumexp")
    assert any("03-stability" in h for h, _ in found), found
    snippets = [text for _, text in found + search(p.page, url, "gradient")]
    assert len(snippets) >= 6 and any("ŷ" in s for s in snippets), snippets
    assert not [s for s in snippets if re.search(r"\\[a-zA-Z(\[]|\$", s)], snippets  # no TeX
    assert any("∑" in s for s in snippets) and not [m[0] for s in snippets for m in RUN_TOGETHER.finditer(s)], snippets
    # an accent over a subscripted letter (KaTeX's MathML for \hat{y_i}, and for \hat{AB})
    accents = p.page.evaluate("""[["msub", "<mi>y</mi><mi>i</mi>"], ["mrow", "<mi>A</mi><mi>B</mi>"]]
      .map(([tag, kids]) => `<mover accent="true"><${tag}>${kids}</${tag}><mo>^</mo></mover>`)
      .map((mover) => Search.htmlToText(
        `<div role="main"><span class="katex"><math>${mover}</math></span></div>`).trim())""")
    assert accents == ["ŷ_i", "(AB)^^"], accents
    p.assert_clean()
    p.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figure_colours_read_in_both_themes(site, browser, scheme):
    """Figures are white PNGs in dark ink (softmaxbook.plots). As the page shows them, in each
    theme, their white is the page's background, the ink reaches 4.5:1 and every palette
    colour 3:1; in dark mode the figure's own pixels are dark with light ink."""
    url, _ = site
    p = open_ready(browser, f"{url}/chapters/02-softmax.html", color_scheme=scheme)
    page = p.page
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    shown = page.evaluate(FIGURE_COLOURS, [sbp.INK, *sbp.PALETTE])
    assert max(abs(a - b) for a, b in zip(shown["white"], shown["page"], strict=True)) <= 2, shown
    low = {c: round(r, 2) for c, r in shown["ratios"].items() if r < (4.5 if c == sbp.INK else 3)}
    assert not low, f"{scheme}: figure colours below 4.5:1 (ink) or 3:1 (lines) as shown: {low}; {shown}"
    img = page.locator("main figure img").first
    img.scroll_into_view_if_needed()
    img.evaluate("(i) => i.decode()")  # it loads as it nears the screen
    pixels = np.asarray(Image.open(io.BytesIO(img.screenshot())).convert("L"), dtype=float) / 255
    page_grey = np.mean(shown["page"]) / 255
    assert abs(np.median(pixels) - page_grey) < 0.05, "the figure's background is not the page's"
    ink = pixels > 0.5 if scheme == "dark" else pixels < 0.5
    assert ink.mean() > 0.005, "no visible ink"
    p.assert_clean()
    p.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_sidebar_toggles_work(site, browser, viewport):
    """The ☰ button opens the chapter list on a phone and hides it on a desktop; the theme
    button's name says the mode in use; Ctrl+K opens the search box, whose first use fetches
    the search page's code and index (no page loads them before)."""
    url, _ = site
    p = open_ready(browser, f"{url}/chapters/02-softmax.html", viewport=viewport)
    page = p.page
    toggle = page.locator("button.primary-toggle:visible")
    assert toggle.count() == 1
    toggle.click()
    if viewport is PHONE:
        page.wait_for_function("document.querySelector('#pst-primary-sidebar-modal').open")
        assert page.locator("#pst-primary-sidebar-modal a[href$='01-sigmoid.html']").is_visible()
    else:
        page.wait_for_function("document.querySelector('.bd-sidebar-primary').classList.contains('pst-sidebar-hidden')")
        switch = page.locator(".theme-switch-button")
        before = switch.get_attribute("aria-label")
        switch.click()
        page.wait_for_function("(b) => document.querySelector('.theme-switch-button').getAttribute('aria-label') !== b",
                               arg=before)
        after = switch.get_attribute("aria-label")
        assert before.startswith("Color mode: ") and after.startswith("Color mode: ") and before != after
        assert page.evaluate("document.documentElement.dataset.mode") in after
        assert not [r for r in p.requests if SEARCH_CODE.search(r)]
        page.keyboard.press("Control+k")
        page.wait_for_function("document.activeElement.matches('#pst-search-dialog[open] input[name=q]')")
        page.wait_for_function("""performance.getEntriesByType("resource")
            .some((e) => /search-[0-9a-f]+\\.js$/.test(e.name))""")
        assert page.locator("#pst-search-dialog form").get_attribute("action").endswith("search.html")
    p.assert_clean()
    p.close()


def test_figures_are_the_notebooks_pixels_as_lossless_webp(site):
    """Each figure on the site is a notebook's stored PNG (myst-nb names it by the PNG's
    SHA-256), as a lossless WebP with the same visible pixels, and no page asks for a PNG."""
    _, html = site
    stored = {}
    for notebook in ROOT.glob("chapters/*.ipynb"):
        for cell in json.loads(notebook.read_text())["cells"]:
            for output in cell.get("outputs", []):
                if png := output.get("data", {}).get("image/png"):
                    data = base64.b64decode("".join(png))
                    stored[hashlib.sha256(data).hexdigest()] = data
    figures = sorted((html / "_images").iterdir())
    assert figures and all(f.suffix == ".webp" and f.stem in stored for f in figures), figures
    for figure in figures:
        webp, png = (np.asarray(Image.open(f).convert("RGBA")).astype(int)
                     for f in (figure, io.BytesIO(stored[figure.stem])))
        seen = png[..., 3] > 0  # what a fully transparent pixel's colour was does not show
        assert np.array_equal(webp[..., 3], png[..., 3]) and np.array_equal(webp[seen], png[seen]), figure.name
    assert not [p for p in html.rglob("*.html") if re.search(r"_images/\w+\.png", p.read_text())]


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


def test_figures_use_the_book_style_text_size():
    """The phone check above assumes every figure's text is the book style's size."""
    sbp.use_book_style()
    assert mpl.rcParams["figure.dpi"] == 100 and mpl.rcParams["font.size"] == sbp.FONT_SIZE
    for key in ("xtick.labelsize", "ytick.labelsize", "axes.labelsize", "legend.fontsize", "axes.titlesize"):
        assert mpl.rcParams[key] in ("medium", sbp.FONT_SIZE), key
    for chapter in CHAPTERS:
        code = "\n".join("".join(c["source"]) for c in json.loads((ROOT / f"{chapter}.ipynb").read_text())["cells"]
                         if c["cell_type"] == "code")
        assert "sbp.use_book_style()" in code and not re.search(r"fontsize|labelsize|set_size", code), chapter


def test_theme_icons_come_from_the_book_stylesheet(site, browser):
    """The theme's 1.5 MB Font Awesome script is gone; every icon a page uses is drawn by
    vendor/icons.css (tools/vendor_assets.py), visibly."""
    url, html = site
    assert not list(html.rglob("fontawesome.js"))
    used = set()
    for page in html.rglob("*.html"):
        text = page.read_text()
        assert "fontawesome.js" not in text, page
        classes = " ".join(re.findall(r'\bclass="([^"]*)"', text))  # not the page's stylesheet
        used |= set(re.findall(r"\bfa-([a-z0-9-]+)", classes))
    assert used - {"solid", "lg"} <= set(ICONS), used - {"solid", "lg"} - set(ICONS)
    p = open_ready(browser, f"{url}/chapters/02-softmax.html")
    drawn = p.page.evaluate("""() => [...document.querySelectorAll('.fa-solid, .fas')].filter((i) => i.offsetParent)
        .map((i) => { const s = getComputedStyle(i, '::before');
                      return [i.tagName, i.className, s.maskImage || s.webkitMaskImage, s.width]; })""")
    assert {"I", "SPAN"} <= {tag for tag, *_ in drawn}, drawn
    assert all(m.startswith("url(") and w != "0px" for _, _, m, w in drawn), drawn
    p.assert_clean()  # (test_page: no page fetches an icon webfont)
    p.close()
