"""The whole book as one PDF (`make pdf`, tools/build_pdf.py), printed once per run from the
site the other site tests share, and read back with pypdf: a sane number of pages, a
bookmark for every page of the table of contents in its order (each chapter with its
sections), each chapter's title on the page its bookmark opens, a widget drawn with its
numbers, worked solutions and the answer key on paper. And a chapter printed from the browser
follows the same print rules: captions in full black, widgets and code cells kept whole."""

import re
import unicodedata

import numpy as np
import pytest
import yaml
from build_pdf import ROOT, print_book
from pypdf import PdfReader
from shared_folders import built_once

import softmaxbook as sb
from browser import serve

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"], *(c["file"] for part in TOC["parts"] for c in part["chapters"])]


@pytest.fixture(scope="module")
def book(book_html, browser, tmp_path_factory, worker_id):
    def make(out):
        print_book(book_html, out / "book.pdf", browser)

    return PdfReader(built_once(tmp_path_factory, worker_id, "pdf", make) / "book.pdf")


def titles(site):
    """Each page's title, as the site's own print header shows it (the first <h1>)."""
    return [re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", (site / f"{p}.html").read_text(), re.S)[1])
            .replace("&amp;", "&").strip() for p in PAGES]


def page_text(book, k):
    return unicodedata.normalize("NFKC", book.pages[k].extract_text())  # "ﬁ" is "fi"


def test_the_book_pdf(book, book_html):
    assert 120 <= len(book.pages) <= 400, len(book.pages)
    top = [item for item in book.outline if not isinstance(item, list)]
    expected = ["Contents", *titles(book_html), "Answers to the self-checks"]
    assert [t.title for t in top] == expected
    starts = [book.get_destination_page_number(t) for t in top]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts
    outline = book.outline
    for k, item in enumerate(outline):  # a chapter's sections are bookmarks inside its own
        if not isinstance(item, list) and item.title[:1].isdigit():
            assert isinstance(outline[k + 1], list) and len(outline[k + 1]) >= 5, item.title
    for item, title in zip(top, expected, strict=True):
        text = " ".join(page_text(book, book.get_destination_page_number(item)).split())
        assert title in text, (title, text[:300])
    # Chapter 2: its softmax explorer on paper with its numbers, and its solutions in place.
    chapter = " ".join(page_text(book, k) for k in range(starts[4], starts[5]))
    assert "Softmax explorer" in chapter and "starting values" in chapter
    for p in sb.softmax(np.array([2.0, 1.0, 0.1, -1.0])):  # the explorer's logits, T = 1
        assert f"{p:.6g}" in chapter
    assert chapter.count("Solution") >= 2 and "Check yourself" in chapter


def test_a_printed_page_keeps_its_parts_whole(book_html, browser):
    with serve(book_html) as url:
        page = browser.new_page()
        page.emulate_media(media="print")
        page.goto(f"{url}/chapters/02-softmax.html")
        page.wait_for_selector(".sb-widget:not(.sb-static)")
        style = page.evaluate("""() => {
            const s = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
            return { caption: s('figcaption', 'color'), widget: s('.sb-widget', 'breakInside'),
                     code: s('div.cell_input', 'breakInside'),
                     solution: document.querySelector('details:not([open]) :is(.sd-card-body, .cell_input)')
                       .getClientRects().length > 0 };
        }""")
        page.close()
    assert style == {"caption": "rgb(0, 0, 0)", "widget": "avoid", "code": "avoid", "solution": True}, style
