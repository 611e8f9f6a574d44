"""A local Sphinx extension: what this site needs of Jupyter Book 1's stack beyond settings.

- KaTeX renders the math at build time through Node; sphinxcontrib-katex finds npm's
  ``katex.min.js`` by a path relative to its own folder, so it is given this checkout's
  absolute path here rather than a path that depends on the venv's layout.
- The theme loads Font Awesome's 1.5 MB script on every page to draw fourteen icons; the
  pages get ``vendor/icons.css`` (tools/vendor_assets.py) instead, and the script goes.
- KaTeX's render server (a Node process) is stopped when the build ends: left to the
  interpreter's exit, it outlives jupyter-book and holds the caller's output pipes open.
- A hidden cell's toggle says what it hides: exercise solutions (tag ``hide-cell``) read
  "Solution", the collapsed set-up cell (``hide-input``) "Set-up code", instead of myst-nb's
  "Show code cell content"; and the toggle's fixed aria-label "Toggle hidden content" goes, so
  a screen reader announces the words on screen. Bibliography entries sit in docutils'
  ``role="list"``, so they are list items (docutils marks them ``doc-biblioentry``, which
  ARIA does not allow in a list).
- The book's title at the top of the sidebar is the site's banner (role="banner"): it sat
  outside every landmark (axe-core's "region"), where a screen reader's landmark list misses it.
- pydata-sphinx-theme's header loses its toggles and is hidden (see PST_TOGGLES): with it, the sidebars' toggle buttons
  did nothing (upstream pydata-sphinx-theme#2451, sphinx-book-theme#988).
- KaTeX's server is started patiently: sphinxcontrib-katex connects as soon as the socket
  file exists, which on a busy machine can be before the server listens ("Connection
  refused", a failed build); here a refused connection is retried until the usual timeout.
- Prerendered KaTeX sets ``throwOnError: false``: a formula it cannot parse is drawn in red
  instead of failing the build. Such a formula fails it here.
- On a slow connection every page painted late: tools/page_assets.py puts its one
  stylesheet in its head, one deferred script at its end, no search code outside the search
  page, and cuts KaTeX's fonts to what the formulas show (tools/math_fonts.py).
  The theme's colour-mode script resolves "auto" before the first paint (see THEME_MODE).
  KaTeX's two main fonts are preloaded: without them, math drawn first in a fallback font
  reflowed the text around it once they came (a layout shift of 0.09 on chapter 11's first
  screen); at 400 kbps their 18 KB (once cut) share the link with the page.
- Self-check questions (softmaxbook.widgets.quiz): every question bank is checked against its
  schema when the build starts (a bad bank fails it). A chapter with questions gets
  <meta name="softmaxbook-quiz"> (and, with a formula question, "softmaxbook-mathjs")
  naming the vendored code its questions load; its progress line (``<div
  class="sb-progress"></div>`` in the notebook) gets the chapter's question ids, and the intro
  page's (``<div class="sb-progress sb-book"></div>``) every chapter's, with the script that
  draws it.
"""

import atexit
import re
import socket
import time
import unicodedata
from pathlib import Path
from subprocess import PIPE, Popen

from docutils import nodes
from page_assets import Pages
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parent.parent
KATEX_JS = ROOT / "node_modules" / "katex" / "dist" / "katex.min.js"
FONTAWESOME = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
TOGGLE_LABEL = '<summary aria-label="Toggle hidden content">'
BIBLIOENTRY = 'role="doc-biblioentry"'
# pydata-sphinx-theme 0.17's own header, which sphinx-book-theme 1.3 does not use: its hidden
# toggle buttons come first in the page, so the themes' scripts wire those (the visible ☰ and
# "Contents" then do nothing), and at 1280 px and wider it shows a second search bar. Its
# buttons go here; book.css hides the rest (scripts still measure the element).
# The theme's first script sets the light or dark theme before the first paint, but leaves
# "auto" for its deferred script to resolve: a reader whose system is dark saw the light page
# until then (seconds on a slow connection). Resolved here at once, as the theme's script does.
THEME_MODE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
OWN_MODE = ('document.documentElement.dataset.theme = /^(light|dark)$/.test(document.documentElement.dataset.mode)'
            ' ? document.documentElement.dataset.mode'
            ' : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";')
PST_TOGGLES = re.compile(r'\s*<button class="pst-navbar-icon sidebar-toggle (?:primary|secondary)-toggle"'
                         r'.*?</button>', re.S)
BRAND = re.compile(r'<div class="sidebar-primary-item">(?=\s*<a class="navbar-brand logo")')


MATH_FONTS = ("KaTeX_Main-Regular", "KaTeX_Math-Italic")


def preload_math_fonts(app, pagename, templatename, context, doctree):
    if 'class="katex"' not in context.get("body", ""):
        return
    links = "".join(f'<link rel="preload" href="{context["pathto"](f"_static/vendor/katex/fonts/{font}.woff2", 1)}"'
                    ' as="font" type="font/woff2" crossorigin>\n' for font in MATH_FONTS)
    context["metatags"] = context.get("metatags", "") + links


def use_search_scorer(app, config):
    config.html_search_scorer = str(ROOT / "web" / "search-scorer.js")


def use_local_katex(app, config):
    if not KATEX_JS.is_file():
        raise ExtensionError(f"{KATEX_JS} is missing: run `npm ci` (make setup does)")
    config.katex_js_path = str(KATEX_JS)


def fail_on_katex_error(app, pagename, templatename, context, doctree):
    if doctree is not None and "katex-error" in context.get("body", ""):
        raise ExtensionError(f"{pagename}: KaTeX could not render a formula (look for class katex-error)")


# The search index holds a formula's TeX source split into words ("hat", "y"), so a reader who
# types ŷ or σ found only the pages that also spell it out. Each page's formulas add their
# accented letters and Greek letters, as typed, to its keywords (a <meta> in its head).
# \hat y, \hat{y}, \hat{\mathbf{y}}; not \\hat (a line break, then "hat") nor \barwedge
ACCENT = re.compile(r"(?<!\\)\\(hat|widehat|tilde|widetilde|bar|overline)(?![A-Za-z])\s*\{?\s*"
                    r"(?:\\(?:mathbf|boldsymbol|bm)\s*\{?\s*)?([A-Za-z])(?![A-Za-z])")
COMBINING = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0304",
             "overline": "\u0304"}
GREEK_LETTERS = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
                 "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "ell": "ℓ",
                 "Sigma": "Σ", "Delta": "Δ"}  # not ∂ or ∇: the search box splits a query at them
GREEK = re.compile(r"(?<!\\)\\(" + "|".join(GREEK_LETTERS) + r")(?![A-Za-z])")


def math_symbols(tex):
    """The symbols a formula shows that a reader may type: ŷ for \\hat y, σ for \\sigma."""
    accented = {unicodedata.normalize("NFC", letter + COMBINING[accent]) for accent, letter in ACCENT.findall(tex)}
    # one letter, as typed: x̄ has no single code point, and the search box splits a query at its mark
    return {a for a in accented if len(a) == 1} | {GREEK_LETTERS[name] for name in GREEK.findall(tex)}


def index_math_symbols(app, doctree, docname):
    words = set().union(*(math_symbols(m.astext()) for m in doctree.findall(lambda n: isinstance(
        n, (nodes.math, nodes.math_block)))))
    if words:
        doctree.append(nodes.meta(name="keywords", content=", ".join(sorted(words))))


TOGGLES = {"tag_hide-cell": ("Solution", "Hide the solution"),
           "tag_hide-input": ("Set-up code", "Hide the set-up code")}


def label_toggles(app, doctree):
    for cell in doctree.findall(nodes.container):
        for tag, (show, hide) in TOGGLES.items():
            if cell.get("hide_mode") and tag in cell["classes"]:
                cell["prompt_show"], cell["prompt_hide"] = show, hide


def tidy_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    pages = {}
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        trimmed = FONTAWESOME.sub("", text).replace(TOGGLE_LABEL, "<summary>")
        trimmed = PST_TOGGLES.sub("", trimmed.replace(BIBLIOENTRY, 'role="listitem"'))
        trimmed = BRAND.sub('<div class="sidebar-primary-item" role="banner">', trimmed)
        if "data-cfasync" in text:  # a page (not index.html's redirect, nor the theme's macros)
            if THEME_MODE not in text:
                raise ExtensionError(f"{page}: the theme's colour-mode script changed; update THEME_MODE")
            pages[page] = trimmed.replace(THEME_MODE, OWN_MODE)
        elif trimmed != text:
            page.write_text(trimmed, encoding="utf-8")
    for f in (out / "_static" / "scripts").glob("fontawesome.js*"):  # before Pages reads the scripts' words
        f.unlink()
    slim = Pages(out)  # sees the pages as trimmed, the search page first (the others name its bundle)
    for page in sorted(pages, key=lambda p: p.name != "search.html"):
        page.write_text(slim.slim(page, pages[page]), encoding="utf-8")


def start_katex_patiently(cls, rundir, timeout):
    """sphinxcontrib-katex's KaTeXServer.start_server_process, retrying a refused connection."""
    socket_path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(max(deadline - time.monotonic(), 0.01))
                sock.connect(str(socket_path))
                sock.settimeout(None)
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        time.sleep(0.01)
    process.terminate()
    raise cls.timeout_error(timeout)


def stop_katex_server(app, exception):
    from sphinxcontrib.katex import KaTeXServer

    if KaTeXServer.katex_server is not None:
        atexit.unregister(KaTeXServer.terminate)
        KaTeXServer.katex_server.terminate()
        KaTeXServer.katex_server = None


def check_question_banks(app, config):
    from softmaxbook.widgets._bank import BankError, banks

    try:
        app.question_banks = banks()  # {chapter name: its questions}
    except BankError as err:
        raise ExtensionError(f"a self-check question bank does not follow its schema: {err}") from None


PROGRESS = '<div class="sb-progress"></div>'
BOOK_PROGRESS = '<div class="sb-progress sb-book"></div>'


def wire_questions(app, pagename, templatename, context, doctree):
    import html
    import json

    body = context.get("body", "")
    chapter = pagename.removeprefix("chapters/") if pagename.startswith("chapters/") else None
    questions = app.question_banks.get(chapter, [])
    tags = []
    if questions:
        tags.append(("softmaxbook-quiz", "_static/vendor/quiz.js"))
        if any(q["kind"] == "formula" for q in questions):
            tags.append(("softmaxbook-mathjs", "_static/vendor/mathjs/mathjs.js"))
        ids = " ".join(q["id"] for q in questions)
        body = body.replace(PROGRESS, f'<div class="sb-progress" data-questions="{ids}"></div>')
    if BOOK_PROGRESS in body:
        chapters = [{"title": app.env.titles[f"chapters/{name}"].astext(),
                     "href": context["pathto"](f"chapters/{name}"), "ids": [q["id"] for q in qs]}
                    for name, qs in app.question_banks.items()]
        book = html.escape(json.dumps(chapters))
        body = body.replace(BOOK_PROGRESS, f'<div class="sb-progress sb-book" data-book="{book}"></div>')
        app.add_js_file("quiz-progress.js", type="module")
    context["body"] = body
    context["metatags"] = context.get("metatags", "") + "".join(
        f'<meta name="{name}" content="{context["pathto"](path, 1)}">\n' for name, path in tags)


def setup(app):
    from sphinxcontrib.katex import KaTeXServer

    KaTeXServer.start_server_process = classmethod(start_katex_patiently)
    app.connect("config-inited", use_local_katex)
    app.connect("config-inited", check_question_banks)
    app.connect("html-page-context", wire_questions)
    app.connect("doctree-read", label_toggles)
    app.connect("doctree-resolved", index_math_symbols)
    app.connect("config-inited", use_search_scorer)
    app.connect("html-page-context", fail_on_katex_error)
    app.connect("html-page-context", preload_math_fonts)
    app.connect("build-finished", tidy_pages, priority=900)
    app.connect("build-finished", stop_katex_server)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
