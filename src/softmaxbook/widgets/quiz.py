"""Self-check questions that the page itself checks: choice, number and formula.

One source per question, in the chapter's bank (``softmaxbook/questions/NN-name.toml``; the
schema is in `softmaxbook.widgets._bank`). A chapter shows a question with ``ask(id)``: a
small widget whose front-end (``quiz.js``) checks the answer in the browser, so it works on
the static site (no kernel), in JupyterLab and in Jupyter Notebook alike; printed, it keeps
its text and a line to write on. A page stores each widget's front-end with its state, so a
question's own front-end is a small loader (``quiz_loader.js``) that brings the code the
questions share (``quiz.js``, with what it imports) once per page, and mathjs, which reads
formulas, on first use: on the site from the URL in ``<meta name="softmaxbook-NAME">``
(tools/book_site.py adds it; the files are the site's copies, from tools/vendor_assets.py),
in `standalone_html` from a script of type ``application/vnd.softmaxbook.NAME+json``, and in
JupyterLab or Jupyter Notebook from the kernel (`Question` answers the front-end's request).

The answers are in the page: these are self-checks, not exams (graded work is the
classroom's, `softmaxbook.classroom`).

>>> import softmaxbook.widgets as sw
>>> q = sw.ask("ch02-shift")
>>> q.question["kind"], q.right
('choice', None)
"""

import functools
import re
from pathlib import Path

import anywidget
import traitlets as t

from ._bank import BankError, find, paper
from ._bundle import bundle

_HERE = Path(__file__).parent
MATHJS = _HERE / "vendor" / "mathjs.js"


_LOADER = bundle(_HERE / "quiz_loader.js")
# Stored with every question of a page, so without its comments (the files keep them).
_CSS = re.sub(r"/\*.*?\*/\s*", "", (_HERE / "widgets.css").read_text() + (_HERE / "quiz.css").read_text(), flags=re.S)


@functools.cache
def quiz_module():
    """The code the questions share: quiz.js with what it imports, as one ES module's text."""
    return bundle(_HERE / "quiz.js")


@functools.cache
def mathjs_module():
    """mathjs as an ES module's text, or None when this installation has no copy of it."""
    return MATHJS.read_text(encoding="utf-8") if MATHJS.is_file() else None


def asset(name):
    """{"asset": name, "text": its module} or {"asset": name, "error": why not}: "quiz" or "mathjs"."""
    text = {"quiz": quiz_module, "mathjs": mathjs_module}.get(name, lambda: None)()
    if text is None:
        return {"asset": name, "error": MISSING_MATHJS if name == "mathjs" else f"no such asset {name!r}"}
    return {"asset": name, "text": text}


MISSING_MATHJS = (f"mathjs is not installed beside softmaxbook.widgets ({MATHJS} is missing): "
                  "`make setup` puts it there (tools/vendor_assets.py)")


class Question(anywidget.AnyWidget):
    """A self-check question: `question` is its entry from a bank (use `ask`), checked in the browser.

    The front-end writes back what the reader last checked: `response` (their answer as
    typed, or the letters chosen) and `right` (None until a first attempt).
    """

    _esm = t.Unicode(_LOADER).tag(sync=True)
    _css = t.Unicode(_CSS).tag(sync=True)
    question = t.Dict(help="the question, as softmaxbook.widgets._bank.load_bank gives it").tag(sync=True)
    response = t.Unicode("", read_only=True, help="the reader's last checked answer").tag(sync=True)
    right = t.Bool(None, allow_none=True, read_only=True, help="whether that answer was right").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(self._on_msg)

    @t.validate("question")
    def _check_question(self, proposal):
        q = proposal["value"]
        if not {"id", "kind", "number", "prompt", "hints", "worked"} <= set(q):
            raise BankError(f"`question` must be a bank's entry (use softmaxbook.widgets.ask(id)); "
                            f"got keys {sorted(q)}")
        return q

    def _on_msg(self, _, content, buffers):
        # In a notebook the front-end asks the kernel for the shared code, and a formula
        # question for mathjs when the reader reaches its box.
        if isinstance(content, dict) and set(content) == {"request"}:
            self.send(asset(content["request"]))

    def __repr__(self):
        return f"Question({self.question.get('id')!r})"

    def _repr_mimebundle_(self, **kwargs):
        # The text shown where no widget can be (a plain-text or printed notebook): the question.
        shown = super()._repr_mimebundle_(**kwargs)
        data, metadata = shown if isinstance(shown, tuple) else (shown, {})
        return {**data, "text/plain": paper(self.question)}, metadata


def ask(qid):
    """The question `qid` ("ch02-shift") from its chapter's bank, as a `Question` to display."""
    return Question(question=find(qid))
