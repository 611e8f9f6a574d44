"""Self-check questions in Debian's Chromium: on the built site, in a standalone page, and in
a real JupyterLab.

On every chapter page, every question: a wrong answer gets "Not right" feedback, its hints
unlock in order and then the worked answer, and the right answer (read from the question's
bank) gets "Right"; the chapter's progress line counts them, and still does after a reload.
mathjs is fetched only where a formula question is, and only once the reader reaches one.
The intro page shows the book's progress and resets it; printed, a chapter shows its
questions and ends with its answer key. The same question works from a standalone page
(nothing else requested) and in JupyterLab, where the kernel sends the shared code and
mathjs and learns the result.
"""

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from site_checks import AXE, AXE_RUN, CLS_OBSERVER, DESKTOP, OVERFLOW, PHONE, READY
from test_widgets_jupyterlab import TOKEN, kernel_value, lab  # noqa: F401  (the JupyterLab fixture)

import softmaxbook.widgets as sw
from browser import RecordedPage, serve
from build_book import build as build_book
from softmaxbook.widgets._bank import banks, find
from widget_checks import answer, check_controls_labelled

BANKS = banks()
TOC = yaml.safe_load((Path(__file__).resolve().parent.parent / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"] if c["file"].startswith("chapters/")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    try:
        html = build_book(out, quiet=True)
    except subprocess.CalledProcessError as err:
        pytest.fail(f"the book does not build:\n{err.stdout[-3000:]}\n{err.stderr[-3000:]}")
    with serve(html) as url:
        yield url


def open_page(browser, url, **options):
    p = RecordedPage(browser, **{"viewport": DESKTOP, **options})
    p.page.goto(url)
    p.page.evaluate(READY)
    return p


def progress(page):
    return page.locator(".sb-progress [role=status] strong").inner_text()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_question_on_the_page(site, browser, chapter):
    questions = BANKS[chapter.removeprefix("chapters/")]
    p = open_page(browser, f"{site}/{chapter}.html")
    page = p.page
    page.wait_for_load_state("networkidle")
    assert not [r for r in p.requests if "mathjs" in r], "mathjs before any formula question was reached"
    roots = page.locator("[data-quiz]")
    assert [r.get_attribute("data-quiz") for r in roots.all()] == [q["id"] for q in questions]
    assert progress(page) == f"0 of {len(questions)}"
    for root, q in zip(roots.all(), questions, strict=True):
        root.scroll_into_view_if_needed()
        check_controls_labelled(root)
        assert root.locator(".sb-feedback").get_attribute("aria-live") == "polite"
        more = root.locator("button.sb-more")
        assert more.is_hidden(), "no hint before a first attempt"
        assert answer(page, root, q, right=False) == "wrong", q["id"]
        feedback = root.locator(".sb-feedback").inner_text()
        assert feedback.startswith("✗ Not right."), feedback
        if q["kind"] == "formula":  # the first listed mistake is named
            assert q["mistakes"][0]["says"].replace("`", "") in feedback
        for k, hint in enumerate(q["hints"]):
            assert more.inner_text() == f"Hint {k + 1} of {len(q['hints'])}"
            more.focus()
            page.keyboard.press("Enter")
            assert root.locator(".sb-hint").nth(k).inner_text().endswith(hint.replace("`", ""))
        assert more.inner_text() == "Show the worked answer"
        more.click()
        assert root.locator(".sb-worked").is_visible() and more.is_hidden()
        assert answer(page, root, q) == "right", (q["id"], root.locator(".sb-feedback").inner_text())
        assert root.locator(".sb-feedback").inner_text().startswith("✓ Right.")
    assert progress(page) == f"{len(questions)} of {len(questions)}"
    if any(q["kind"] == "formula" for q in questions):
        assert len([r for r in p.requests if r.endswith("/_static/vendor/mathjs/mathjs.js")]) == 1
    else:
        assert not [r for r in p.requests if "mathjs" in r]
    page.reload()
    page.evaluate(READY)
    assert progress(page) == f"{len(questions)} of {len(questions)}", "progress survives a reload"
    assert page.locator("[data-quiz] .sb-done").all_inner_texts() == ["✓ answered right"] * len(questions)
    p.assert_clean()
    p.close()


def test_the_intro_shows_the_books_progress_and_resets_it(site, browser):
    total = sum(len(qs) for qs in BANKS.values())
    known = ["ch01-sigma-two", "ch05-kl", "ch09-relu", "ch99-gone"]  # an id no chapter has counts for none
    p = RecordedPage(browser, viewport=DESKTOP)
    p.page.add_init_script(f"localStorage.setItem('softmaxbook-quiz-right', JSON.stringify({json.dumps(known)}))")
    p.page.goto(f"{site}/intro.html")
    page = p.page
    page.wait_for_selector(".sb-progress [role=status] strong")
    assert progress(page) == f"3 of {total}"
    rows = page.locator(".sb-progress li").all_inner_texts()
    assert len(rows) == len(BANKS) and rows[0] == f"1. The sigmoid: 1 of {len(BANKS['01-sigmoid'])}"
    assert "self-checks, not exams" in page.locator("main").inner_text()
    page.get_by_role("button", name="Reset all answers").click()
    assert progress(page) == f"0 of {total}"
    p.assert_clean()
    p.close()


def test_a_chapter_resets_its_own_answers_only(site, browser):
    p = RecordedPage(browser, viewport=DESKTOP)
    p.page.add_init_script("localStorage.setItem('softmaxbook-quiz-right', JSON.stringify(['ch02-shift', 'ch03-lse']))")
    p.page.goto(f"{site}/chapters/02-softmax.html")
    page = p.page
    page.evaluate(READY)
    assert progress(page) == f"1 of {len(BANKS['02-softmax'])}"
    reset = page.get_by_role("button", name="Reset this chapter's answers")
    reset.focus()
    page.keyboard.press("Enter")
    assert progress(page) == f"0 of {len(BANKS['02-softmax'])}"
    assert page.evaluate("() => document.activeElement.textContent") == "Reset this chapter's answers"
    assert page.evaluate("() => localStorage.getItem('softmaxbook-quiz-right')") == '["ch03-lse"]'
    p.assert_clean()
    p.close()


def test_on_paper_the_questions_print_and_the_answer_key_follows(site, browser):
    p = open_page(browser, f"{site}/chapters/06-combined-gradient.html")
    page = p.page
    questions = BANKS["06-combined-gradient"]
    assert page.locator(".sb-answer-key").is_hidden(), "the key is for paper only"
    page.emulate_media(media="print")
    key = page.locator(".sb-answer-key")
    assert key.is_visible()
    items = key.locator("li").all_inner_texts()
    assert [i.split()[0] for i in items] == [q["number"] for q in questions]
    assert all(q["answer_text"].replace("`", "") in item for q, item in zip(questions, items, strict=True))
    first = page.locator("[data-quiz]").first
    assert first.locator(".sb-prompt").is_visible()
    assert first.locator("button.sb-check").is_hidden() and first.locator(".sb-feedback").is_hidden()
    assert page.locator(".sb-progress").is_hidden()
    p.close()


@pytest.mark.parametrize("viewport, scheme, forced", [(PHONE, "dark", "none"), (PHONE, "light", "active"),
                                                      (DESKTOP, "light", "none")],
                         ids=["phone-dark", "phone-forced", "desktop"])
def test_answering_is_accessible_and_moves_nothing_else(site, browser, viewport, scheme, forced):
    """On a phone (dark, and with forced colours) and a desktop: after answering wrong and
    taking a hint, axe-core finds nothing serious, nothing is wider than the screen, and the
    only layout shifts are the ones the reader's own key presses cause."""
    p = RecordedPage(browser, viewport=viewport, color_scheme=scheme, forced_colors=forced)
    p.page.add_init_script(CLS_OBSERVER)
    p.page.goto(f"{site}/chapters/04-jacobian.html")
    page = p.page
    page.evaluate(READY)
    for root, q in zip(page.locator("[data-quiz]").all(), BANKS["04-jacobian"], strict=True):
        root.scroll_into_view_if_needed()
        answer(page, root, q, right=False)
        root.locator("button.sb-more").click()
    page.wait_for_timeout(600)
    assert page.evaluate("window.__cls") < 0.01
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scrollWidth"] <= viewport["width"] and not overflow["outside"], overflow
    page.add_script_tag(path=str(AXE))
    serious = [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)
    p.assert_clean()
    p.close()


def test_a_standalone_page_needs_nothing_else(tmp_path, browser):
    ids = ["ch02-index", "ch04-delta", "ch08-sgd"]
    page_file = tmp_path / "questions.html"
    page_file.write_text(sw.standalone_html([sw.ask(i) for i in ids], title="Self-checks"))
    p = RecordedPage(browser, viewport=DESKTOP)
    p.page.goto(page_file.as_uri())
    page = p.page
    page.wait_for_selector("[data-quiz] .sb-feedback")
    for qid in ids:
        root = page.locator(f"[data-quiz='{qid}']")
        assert answer(page, root, find(qid), right=False) == "wrong"
        assert answer(page, root, find(qid)) == "right"
    assert {u for u in p.requests if not u.startswith("blob:")} == {page_file.as_uri()}
    assert not p.failed and not p.errors, (p.failed, p.errors)
    p.close()


NOTEBOOK = {
    "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [
        "import softmaxbook.widgets as sw\n", "q = sw.ask('ch06-grad')\n", "q"]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_in_jupyterlab_the_kernel_sends_the_code_and_learns_the_answer(lab, browser):  # noqa: F811
    url, runtime = lab
    request = urllib.request.Request(f"{url}/api/contents/quiz.ipynb?token={TOKEN}", method="PUT",
                                     data=json.dumps({"type": "notebook", "content": NOTEBOOK}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()
    p = RecordedPage(browser, viewport=DESKTOP)
    page = p.page
    page.goto(f"{url}/lab/tree/quiz.ipynb?token={TOKEN}")
    page.wait_for_function("""() => window.jupyterapp?.shell.currentWidget?.sessionContext
                                ?.session?.kernel?.status === 'idle'""", timeout=60_000, polling=250)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_selector("[data-quiz='ch06-grad'] input[type=text]", timeout=60_000)
    root = page.locator("[data-quiz='ch06-grad']")
    q = find("ch06-grad")
    assert answer(page, root, q, right=False) == "wrong"  # mathjs came from the kernel
    assert answer(page, root, q) == "right"
    for _ in range(40):  # the front-end's result reaches the kernel asynchronously
        response, right = kernel_value(runtime, "[q.response, q.right]")
        if right:
            break
        time.sleep(0.25)
    assert (response, right) == (q["answer"], True)
    assert not p.foreign_requests(), p.foreign_requests()
    p.close()


def test_chapter_pages_stay_under_0_6_mb(site, browser):
    """Cold cache, gzip as web hosts serve, until the network is idle: each chapter, its
    questions included, under 0.6 MB; the questions' code comes once and mathjs not at all
    until a formula question is reached."""
    weights = {}
    for chapter in CHAPTERS:
        p = RecordedPage(browser, viewport=DESKTOP)
        finished = []
        p.page.on("requestfinished", lambda r, into=finished: into.append(r))
        p.page.goto(f"{site}/{chapter}.html")
        p.page.evaluate(READY)
        p.page.wait_for_load_state("networkidle")
        weights[chapter] = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
        urls = [r.url for r in finished]
        assert sum(u.endswith("/_static/vendor/quiz.js") for u in urls) == 1 and not [u for u in urls if "mathjs" in u]
        p.close()
    assert max(weights.values()) <= 0.6e6, {c: f"{w / 1e6:.3f} MB" for c, w in weights.items()}
