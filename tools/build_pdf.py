"""Write the whole book as one PDF, for readers and teachers who print: `make pdf`.

    .venv/bin/python tools/build_pdf.py [--html DIR] [--out FILE]

The site's own pages (tools/build_book.py builds them, unless --html names a built site), in
the order of _toc.yml, become one document: a title page, the contents, then every page's
article, each from a new page, with its ids made unique to the book (so a link between
chapters is a link inside the PDF) and all the pages' widgets in one state. Debian's Chromium
prints it through Playwright, with the site's print rules (web/print.css): each widget drawn
at its starting values (as its still picture, tools/widget_pictures.py), worked solutions
open in place, the self-check answer key at the end. `outline=True` turns the headings into
the PDF's bookmarks, `tagged=True` keeps them as headings for screen readers. Nothing leaves
the machine: the site is served on 127.0.0.1 and the book page is handed to the browser.
"""

import argparse
import contextlib
import functools
import html
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BOOK_PAGE = "/__book__.html"  # handed to the browser, never written into the site
TIMEOUT = 180_000  # ms: the page is 5 MB of HTML, parsed in seconds, longer on a busy machine

ARTICLE = re.compile(r'<article class="bd-article">(.*)</article>', re.S)
STATE = re.compile(r'(<script type="application/vnd\.jupyter\.widget-state\+json">)(.*?)(</script>)', re.S)
SCRIPTS = re.compile(r'<script\b[^>]*>.*?</script>|<link rel="modulepreload"[^>]*>', re.S)
PICTURE_STYLE = re.compile(r"<style data-sb-pictures>(.*?)</style>", re.S)  # tools/widget_pictures.py's
H1 = re.compile(r"<h1>(.*?)</h1>", re.S)  # the first: the theme's print header, the title alone
URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
ID_ATTR = re.compile(r'\b(id|for|aria-labelledby|aria-describedby)="([^"]*)"')
# What the book page does not need from a chapter's head: search (its index is the largest
# file of the site), the theme's script (it wires the sidebars the book page has not), and
# the page's own links.
DROP_FROM_HEAD = re.compile(r'\s*<script src="[^"]*(?:searchtools|language_data|searchindex|sphinx-book-theme)'
                            r'\.js[^"]*"></script>|\s*<link rel="(?:search|next|prev|preload)"[^>]*>'
                            r'|\s*<script>DOCUMENTATION_OPTIONS\.pagename[^<]*</script>')

BOOK_CSS = """
#sb-book .sb-book-page { break-before: page; }
/* The theme hides a printed page's first <h1> (its print header repeats it): every page's here. */
#sb-book h1 { display: block; }
#jb-print-docs-body { display: none; }
#sb-book .sb-book-title { text-align: center; padding-top: 30vh; }
#sb-book .sb-book-title .sb-book-name { font-size: 2.6rem; font-weight: 600; margin-bottom: 1rem; }
#sb-book .sb-book-contents ol { list-style: none; padding-left: 0; }
#sb-book .sb-book-contents li { margin: 0.2rem 0; }
#sb-book .sb-book-contents .sb-part { font-weight: 600; margin-top: 1rem; }
"""

FOOTER = ('<div style="width: 100%; font-size: 8px; text-align: center; color: #000;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def toc():
    """[(part caption or None, [page name, ...]), ...] in reading order, the root page first."""
    spec = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [(None, [spec["root"]])] + [(part.get("caption"), [c["file"] for c in part["chapters"]])
                                       for part in spec["parts"]]


def anchor(name, fragment=""):
    slug = name.replace("/", "-")
    return f"{slug}--{fragment}" if fragment else slug


def relink(name, text, pages):
    """A page's article for the book: ids prefixed with the page's name, links to the book's
    pages turned into links inside it, other local URLs made absolute from the site's root."""
    base = f"/{name}.html"

    def url(match):
        attr, value = match[1], html.unescape(match[2])
        parts = urlsplit(value)
        if parts.scheme in ("http", "https", "mailto", "data"):
            return match[0]
        target = urlsplit(urljoin(base, value))
        page = target.path.removeprefix("/").removesuffix(".html")
        if attr == "href" and page in pages:
            return f'href="#{anchor(page, target.fragment)}"'
        if attr == "href":  # a download or a source file: nothing on paper to follow
            return 'data-href-dropped=""'
        return f'{attr}="{html.escape(target.path, quote=True)}"'

    def ids(match):
        return f'{match[1]}="{" ".join(anchor(name, i) for i in match[2].split())}"'

    return ID_ATTR.sub(ids, URL_ATTR.sub(url, text))


def book_page(site):
    """The whole book as one HTML page, served from the root of the built site `site`."""
    parts = toc()
    pages = [name for _, names in parts for name in names]
    texts = {name: (site / f"{name}.html").read_text(encoding="utf-8") for name in pages}
    titles = {name: html.unescape(re.sub(r"<[^>]+>", "", H1.search(texts[name])[1])).strip() for name in pages}
    state, styles, articles = {}, {}, []
    for name in pages:
        text = texts[name]
        if found := STATE.search(text):
            state |= json.loads(found[2])["state"]
        if found := PICTURE_STYLE.search(text):
            styles[found[1]] = None
        article = ARTICLE.search(text)[1]
        articles.append(f'<section class="sb-book-page" id="{anchor(name)}">{relink(name, article, pages)}</section>')

    meta = yaml.safe_load((ROOT / "_config.yml").read_text())
    contents = "".join(
        (f'<li class="sb-part">{html.escape(caption)}</li>' if caption else "")
        + "".join(f'<li><a href="#{anchor(n)}">{html.escape(titles[n])}</a></li>' for n in names)
        for caption, names in parts)
    front = (f'<section class="sb-book-title"><p class="sb-book-name">{html.escape(meta["title"])}</p>'
             f'<p>{html.escape(meta["author"])}, {meta["copyright"]}</p>'
             "<p>The book on paper: each widget at its starting values; the online book lets you move them.</p>"
             "</section>"
             f'<nav class="sb-book-page sb-book-contents"><h1>Contents</h1><ol>{contents}</ol></nav>')

    # The head of a chapter (every widget page's stylesheets and scripts), from the site's root:
    # its links and its stylesheet's url()s.
    template = texts[next(n for n in pages if STATE.search(texts[n]))]
    head = template[template.index("<head>"):template.index("</head>")]
    head = head.replace('="../', '="/').replace('url("../', 'url("/')
    head = DROP_FROM_HEAD.sub("", PICTURE_STYLE.sub("", head))
    head = STATE.sub(lambda m: m[1] + json.dumps({"version_major": 2, "version_minor": 0, "state": state}) + m[3],
                     head)
    head = re.sub(r"<title>.*?</title>", f"<title>{html.escape(meta['title'])}</title>", head, flags=re.S)
    head += "".join(f"<style>{css}</style>" for css in [*styles, BOOK_CSS]) + "</head>"
    # A page keeps its widget state and scripts after the article (tools/page_assets.py): the
    # book's go after its last page, with the state of every page's widgets.
    tail = template[template.index("</article>") + len("</article>"):template.rindex("</body>")]
    tail = "".join(m[0] for m in SCRIPTS.finditer(tail)).replace('="../', '="/')
    tail = STATE.sub(lambda m: m[1] + json.dumps({"version_major": 2, "version_minor": 0, "state": state}) + m[3],
                     tail)
    # the site's own nesting, so its print rules apply (code wraps inside <main>, for one)
    body = ('<body><div class="bd-container"><div class="bd-container__inner bd-page-width"><main class="bd-main">'
            '<div class="bd-content"><div class="bd-article-container"><article class="bd-article" id="sb-book">'
            f'{front}{"".join(articles)}</article></div></div></main></div></div>{tail}</body>')
    root = '<html lang="en" data-content_root="/" data-theme="light" data-mode="light">'
    return f"<!DOCTYPE html>\n{root}{head}{body}</html>"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Every widget drawn live in place of its picture (the same drawing), the fonts in, and the
# answer key (drawn by the questions) a part of the book's own, not a section of the last page.
READY = """() => document.fonts.ready.then(() => new Promise((done, fail) => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const start = performance.now();
  const poll = () => {
    const live = document.querySelectorAll('.sb-widget:not(.sb-static)').length;
    if (performance.now() - start > 120000)  // fail, never hang: a widget that cannot mount
      return fail(new Error(`${live} of ${views} widgets live after 2 minutes`));
    if (live < views || document.querySelector('.sb-static')) return setTimeout(poll, 20);
    const key = document.querySelector('.sb-answer-key');
    if (key) key.classList.add('sb-book-page'), key.querySelector('h2')?.replaceWith(
      Object.assign(document.createElement('h1'), { textContent: 'Answers to the self-checks' }));
    done(views);
  };
  poll();
}))"""


# The headings Chromium makes bookmarks of, in order, as text: formulas as their MathML's text.
HEADINGS = """() => [...document.querySelectorAll('#sb-book :is(h1, h2, h3, h4, h5, h6)')]
  .filter((h) => h.getClientRects().length).map((h) => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.katex-html, .headerlink').forEach((e) => e.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  })"""


def retitle(pdf, titles):
    """Give the PDF's bookmarks the headings' own text. Chromium's drop the space where a
    heading wraps, repeat the first line of one that a page break moved, and leave out its
    formulas; each is matched to the next heading it is a garbled form of."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=pdf)
    items, stack = [], [writer.root_object.get("/Outlines", {}).get("/First")]
    while stack:  # depth first, as the document reads
        ref = stack.pop()
        if ref is not None:
            items.append(ref.get_object())
            stack += [ref.get_object().get("/Next"), ref.get_object().get("/First")]
    bare = [re.sub(r"\s+", "", t) for t in titles]
    k = 0
    for item in items:
        shown = re.sub(r"\s+", "", str(item["/Title"]))
        for j in range(k, min(k + 3, len(titles))):
            if not shown or bare[j].startswith(shown) or shown.endswith(bare[j]):
                item[NameObject("/Title")] = TextStringObject(titles[j])
                k = j + 1
                break
    writer.write(pdf)


def print_book(site, out, browser=None):
    """Print the built site `site` as one PDF at `out`; `browser` is a Playwright Chromium
    (one is started if None). Returns `out`."""
    page_html = book_page(site)
    with serve(site) as url, contextlib.ExitStack() as stack:
        if browser is None:
            from playwright.sync_api import sync_playwright

            p = stack.enter_context(sync_playwright())
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="light")
        stack.callback(page.close)
        page.route(f"{url}{BOOK_PAGE}", lambda route: route.fulfill(body=page_html, content_type="text/html"))
        page.goto(f"{url}{BOOK_PAGE}", timeout=TIMEOUT)
        page.evaluate(READY)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                 display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                 margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
        titles = page.evaluate(HEADINGS)
    retitle(out, titles)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="a built site (default: build it into _build/html)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "softmaxbook.pdf")
    args = parser.parse_args(argv)
    if args.html is None:
        from build_book import build

        args.html = build()
    print(f"The book is in {print_book(args.html, args.out)}")


if __name__ == "__main__":
    main()
