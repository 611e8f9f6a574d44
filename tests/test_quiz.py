"""Self-check questions on the Python side: the banks against their schema, where the
chapters ask them, what a Question ships and says, and a bad bank named precisely.

(Node checks each question's answers in tests/js/quiz.test.mjs; Chromium checks every
question on every page in tests/test_quiz_browser.py.)
"""

import json
import re
from pathlib import Path

import pytest

import softmaxbook.widgets as sw
from softmaxbook.widgets import quiz
from softmaxbook.widgets._bank import BANKS, BankError, answer_key_html, banks, load_bank, paper

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ALL = banks()


def test_every_chapter_has_a_bank_of_at_least_four_questions():
    assert sorted(ALL) == [p.stem for p in CHAPTERS]
    counts = {name: len(qs) for name, qs in ALL.items()}
    assert all(n >= 4 for n in counts.values()), counts
    assert sum(counts.values()) >= 36, counts


def test_ids_are_unique_across_the_book():
    ids = [q["id"] for qs in ALL.values() for q in qs]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("chapter", ["01", "04", "05", "06", "07", "09"])
def test_each_derivation_chapter_asks_for_a_formula(chapter):
    (name,) = [n for n in ALL if n.startswith(chapter)]
    assert any(q["kind"] == "formula" for q in ALL[name]), name


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _asked(cells):
    """The ids of the questions these cells ask, in order."""
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return re.findall(r'sw\.ask\("([\w-]+)"\)', code)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_chapter_asks_its_questions_in_order_and_ends_with_a_check_yourself_set(path):
    cells = _cells(path)
    assert _asked(cells) == [q["id"] for q in ALL[path.stem]], "each question once, in the bank's order"
    for c in cells:  # on the site the question shows without its one line of code
        if "sw.ask(" in "".join(c["source"]):
            assert "remove-input" in c["metadata"].get("tags", []), "".join(c["source"])
    headings = [(k, line) for k, c in enumerate(cells) if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("## ")]
    (k,) = [k for k, line in headings if line == "## Check yourself"]
    assert '<div class="sb-progress"></div>' in "".join(cells[k]["source"])
    after = [line for j, line in headings if j > k]
    assert after and after[0] in ("## Exercises", "## References"), "the set ends the chapter's teaching"
    assert len(_asked(cells[k:])) >= 2, "a short set at the end"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stored_questions_are_their_banks_entries(path):
    # The site shows each question from the state stored in the notebook: after editing a
    # bank, re-run the chapter with tools/execute_notebooks.py.
    models = json.loads(path.read_text())["metadata"].get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    stored = [m["state"]["question"] for m in models.values() if "question" in m["state"]]
    stale = f"{path.name}: re-run tools/execute_notebooks.py"
    assert sorted(stored, key=lambda q: q["number"]) == ALL[path.stem], stale


def test_the_answer_text_and_paper():
    q = sw.ask("ch02-index").question
    assert q["answer_text"] == "0.665, to 3 decimal places (±0.0005)"
    assert paper(q).splitlines() == ["Self-check 2.1", "What is softmax([1, 2, 3]) at index 2?",
                                     "Answer to 3 decimal places (±0.0005): ______________"]
    text = paper(sw.ask("ch02-shift").question)
    assert "Choose one." in text and "  [ ] A. Nothing: every probability stays the same." in text
    key = answer_key_html(ALL["02-softmax"])
    assert key.count("<li>") == len(ALL["02-softmax"]) and "2.1</strong> 0.665" in key


def test_a_question_shows_as_a_widget_with_its_text_for_paper():
    w = sw.ask("ch02-shift")
    data, _ = w._repr_mimebundle_()
    assert data["text/plain"] == paper(w.question)
    assert "application/vnd.jupyter.widget-view+json" in data
    assert repr(w) == "Question('ch02-shift')" and w.right is None and w.response == ""
    with pytest.raises(Exception, match="read-only"):
        w.right = True
    assert len(w._esm) < 4000, "one copy per question in a page: the loader stays small"
    assert not re.search(r"\beval\(|new Function", quiz.quiz_module() + w._esm)


def test_the_kernel_sends_what_the_front_end_asks_for():
    w = sw.ask("ch02-two-logits")
    sent = []
    w.send = sent.append
    for name in ("quiz", "mathjs", "nothing"):
        w._on_msg(w, {"request": name}, [])
    assert sent[0] == {"asset": "quiz", "text": quiz.quiz_module()}
    assert sent[1]["asset"] == "mathjs" and sent[1]["text"].rstrip().endswith("export default module.exports;")
    assert sent[2] == {"asset": "nothing", "error": "no such asset 'nothing'"}


def test_a_standalone_page_carries_the_shared_code_and_mathjs_only_for_formulas():
    page = sw.standalone_html([sw.ask("ch02-shift")])
    assert 'type="application/vnd.softmaxbook.quiz+json"' in page and "softmaxbook.mathjs" not in page
    page = sw.standalone_html([sw.ask("ch02-shift"), sw.ask("ch02-two-logits")])
    assert page.count('type="application/vnd.softmaxbook.mathjs+json"') == 1
    assert "</script" not in re.search(r'mathjs\+json">(.*?)</script>', page, re.S).group(1)


def test_ask_names_a_missing_question():
    with pytest.raises(KeyError, match="no self-check question `ch02-nope`"):
        sw.ask("ch02-nope")
    with pytest.raises(KeyError, match="starts with its chapter"):
        sw.ask("nope")


GOOD = '''
[[question]]
id = "ch03-good"
kind = "number"
prompt = "p"
answer = 1.5
decimals = 1
hints = ["h"]
worked = "w"
'''


@pytest.mark.parametrize("change, message", [
    (("kind = \"number\"", "kind = \"essay\""),
     r"question 1 \(`ch03-good`\): `kind` must be one of choice, number, formula"),
    (("id = \"ch03-good\"", "id = \"ch02-good\""), r"`id` must be 'ch03-' then lower-case words"),
    (("decimals = 1", "decimals = 1\ntolerance = 0.1"), r"give exactly one of `decimals`, `tolerance`, `relative`"),
    (("answer = 1.5", "answer = nan"), r"`answer` must be a finite number; got nan"),
    (("hints = [\"h\"]", "hints = []"), r"`hints` must list one or more hints"),
    (("worked = \"w\"", "worked = \"w\"\nsolution = \"x\""), r"unknown field `solution`"),
    (("worked = \"w\"", "worked = \"w\"\n[[question.mistakes]]\nvalue = 1.52\nsays = \"s\""),
     r"mistake 1: 1.52 is within reach of the right answer 1.5"),
    (("kind = \"number\"\nprompt = \"p\"\nanswer = 1.5\ndecimals = 1",
      "kind = \"choice\"\nprompt = \"p\"\noptions = [{ text = \"a\", why = \"b\" }, { text = \"c\", why = \"d\" }]"),
     r"no option is `right = true`"),
    (("kind = \"number\"\nprompt = \"p\"\nanswer = 1.5\ndecimals = 1",
      "kind = \"formula\"\nprompt = \"p\"\nanswer = \"x\"\nequivalent = [\"x\", \"1*x\", \"x+0\"]\n"
      "symbols = { x = { kind = \"vector\", means = \"m\" } }"),
     r"symbol `x`: `over` must name a symbol of kind size; got None"),
    (("kind = \"number\"\nprompt = \"p\"\nanswer = 1.5\ndecimals = 1",
      "kind = \"formula\"\nprompt = \"p\"\nanswer = \"x\"\nequivalent = [\"x\"]\n"
      "symbols = { x = { kind = \"scalar\", means = \"m\" } }"),
     r"`equivalent` must list at least 3 other right forms"),
    (("kind = \"number\"\nprompt = \"p\"\nanswer = 1.5\ndecimals = 1",
      "kind = \"formula\"\nprompt = \"p\"\nanswer = \"x\"\nequivalent = [\"x\", \"1*x\", \"x+0\"]\n"
      "symbols = { exp = { kind = \"scalar\", means = \"m\" } }"),
     r"symbol `exp`: a symbol's name is letters and digits"),
])
def test_a_bad_bank_is_refused_naming_the_file_the_question_and_the_field(tmp_path, change, message):
    path = tmp_path / "03-bad.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(BankError, match=message) as err:
        load_bank(path)
    assert str(err.value).startswith("03-bad.toml")


def test_the_good_bank_loads_and_a_misnamed_one_does_not(tmp_path):
    (tmp_path / "03-good.toml").write_text(GOOD)
    (q,) = load_bank(tmp_path / "03-good.toml")
    assert (q["tolerance"], q["relative"], q["stated"], q["number"]) == (0.05, 0.0, "to 1 decimal place (±0.05)", "3.1")
    (tmp_path / "bank.toml").write_text(GOOD)
    with pytest.raises(BankError, match="named after its chapter"):
        load_bank(tmp_path / "bank.toml")


def test_banks_live_in_the_package():
    assert BANKS.parent.name == "softmaxbook" and sorted(p.name for p in BANKS.glob("*.toml"))
