"""Self-check questions in Debian's Chromium: on the built site and in a standalone page (in
a real JupyterLab: tests/test_widgets_jupyterlab.py, beside the other widgets there).

On every chapter page, every question: a wrong answer gets "Not right" feedback, its hints
unlock in order and then the worked answer, and the right answer (read from the question's
bank) gets "Right"; the chapter's progress line counts them, and still does after a reload.
mathjs is fetched only where a formula question is, and only once the reader reaches one.
The intro page shows the book's progress and resets it; printed, a chapter shows its
questions and ends with its answer key. The same question works from a standalone page
(nothing else requested).

Each chapter page is loaded once per viewport and theme, and all its questions are checked
in that load (a page load and a full axe-core run take seconds each here).
"""

import json
from pathlib import Path

import pytest
import yaml
from site_checks import AXE, AXE_RUN, CLS_OBSERVER, DESKTOP, OVERFLOW, PHONE, READY

import softmaxbook.widgets as sw
from browser import RecordedPage, serve
from softmaxbook.widgets._bank import banks, find
from widget_checks import answer, check_controls_labelled

BANKS = banks()
TOC = yaml.safe_load((Path(__file__).resolve().parent.parent / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"] if c["file"].startswith("chapters/")]


@pytest.fixture(scope="session")
def site(book_html):
    with serve(book_html) as url:
        yield url


def open_page(browser, url, **options):
    p = RecordedPage(browser, **{"viewport": DESKTOP, **options})
    p.page.goto(url)
    p.page.evaluate(READY)
    return p


def progress(page):
    return page.locator(".sb-progress [role=status] strong").inner_text()


# The chapter whose questions axe-core checks once answered, in every mode (a run takes 2-5 s
# here, most of it reading the whole page, whatever part it checks).
AXE_CHAPTER = "chapters/04-jacobian"
# axe-core on the questions and the progress lines only (AXE_RUN's output, for that context).
AXE_RUN_QUESTIONS = AXE_RUN.replace("axe.run(document,",
                                    "axe.run({ include: [...document.querySelectorAll('[data-quiz], .sb-progress')] },")


def check_accessible(page, viewport, axe=True):
    """Nothing wider than the screen, no layout shift but the ones the reader's own key
    presses and clicks cause, and (with `axe`) nothing serious for axe-core in the questions
    and the progress line (test_site.py runs it on whole pages as they load)."""
    page.wait_for_timeout(600)  # past the 500 ms after an input that a shift is charged to it
    assert page.evaluate("window.__cls") < 0.01, page.evaluate("window.__shifts")
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scrollWidth"] <= viewport["width"] and not overflow["outside"], overflow
    if not axe:
        return
    page.add_script_tag(path=str(AXE))
    serious = [v for v in page.evaluate(AXE_RUN_QUESTIONS) if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_question_on_the_page(site, browser, chapter):
    """One cold load of each chapter at 1280 px, light, checks all of it:
    - its weight (gzip, as web hosts serve, until the network is idle) is under 0.6 MB with its
      questions; their code comes once, and mathjs not until a formula question is reached;
    - every question, with the keyboard: a wrong answer gets "Not right" feedback (a formula's
      names its mistake), its hints unlock in order, then the worked answer; then
    - in that state (wrong feedback, hints and worked answers shown), nothing wider than the
      screen, no layout shift the reader did not cause, and for AXE_CHAPTER axe-core clean;
    - the right answer (from the bank) gets "Right", and the progress line counts it;
    - after a reload, the progress line and every question still say so."""
    questions = BANKS[chapter.removeprefix("chapters/")]
    p = RecordedPage(browser, viewport=DESKTOP)
    page = p.page
    page.add_init_script(CLS_OBSERVER)
    finished = []
    page.on("requestfinished", lambda r: finished.append(r))
    page.goto(f"{site}/{chapter}.html")
    page.evaluate(READY)
    page.wait_for_load_state("networkidle")
    weight = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
    assert weight <= 0.6e6, f"{chapter}: {weight / 1e6:.3f} MB"
    assert sum(r.url.endswith("/_static/vendor/quiz.js") for r in finished) == 1
    assert not [r for r in p.requests if "mathjs" in r], "mathjs before any formula question was reached"

    roots = page.locator("[data-quiz]").all()
    assert [r.get_attribute("data-quiz") for r in roots] == [q["id"] for q in questions]
    assert progress(page) == f"0 of {len(questions)}"
    for root, q in zip(roots, questions, strict=True):
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
    check_accessible(page, DESKTOP, axe=chapter == AXE_CHAPTER)
    for root, q in zip(roots, questions, strict=True):
        root.scroll_into_view_if_needed()
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


@pytest.mark.parametrize("scheme, forced", [("dark", "none"), ("light", "active")], ids=["dark", "forced"])
def test_on_a_phone_answering_is_accessible_and_moves_nothing_else(site, browser, scheme, forced):
    """At 390 px, dark and with forced colours (1280 px light: in every chapter's run above):
    after answering wrong and taking a hint, the checks of `check_accessible`."""
    p = RecordedPage(browser, viewport=PHONE, color_scheme=scheme, forced_colors=forced)
    p.page.add_init_script(CLS_OBSERVER)
    p.page.goto(f"{site}/{AXE_CHAPTER}.html")
    page = p.page
    page.evaluate(READY)
    for root, q in zip(page.locator("[data-quiz]").all(), BANKS[AXE_CHAPTER.removeprefix("chapters/")], strict=True):
        root.scroll_into_view_if_needed()
        answer(page, root, q, right=False, keys=True)
        root.locator("button.sb-more").click()
    check_accessible(page, PHONE)
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
        assert answer(page, root, find(qid), right=False, keys=True) == "wrong"
        assert answer(page, root, find(qid), keys=True) == "right"
    assert {u for u in p.requests if not u.startswith("blob:")} == {page_file.as_uri()}
    assert not p.failed and not p.errors, (p.failed, p.errors)
    p.close()
