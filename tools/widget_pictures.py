"""A local Sphinx extension: every widget of the site also as a still picture in the page.

When the build ends, each page's widgets are drawn once in Node by their own front-ends, from
the state the page stores (tools/widget_pictures.mjs, on tools/dom.mjs, mounted by the
package's host.js): the same HTML and SVG, with the numbers as text, and the controls
disabled. The picture goes where the widget goes (``<div class="sb-static">`` before its view
script), with the widgets' stylesheet in the page's head, so that

- a reader without JavaScript sees the widget at its starting values, with a note saying so;
- with JavaScript, host.js swaps the picture for the live widget once it has drawn, which is
  the same size: nothing moves;
- printed (``make pdf``, tools/build_pdf.py) every widget is on the page at once.

About a third of a second for the whole book.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.errors import ExtensionError

MJS = Path(__file__).resolve().parent / "widget_pictures.mjs"
STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)
VIEW = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.S)
# Shown without JavaScript only: what the picture is, so the text around it still reads true.
NOTE = '<noscript><p class="sb-static-note">{}</p></noscript>'
WIDGET_NOTE = ("A still picture of this widget at its starting values. With JavaScript on, its controls move "
               "and it redraws as they do.")
QUESTION_NOTE = ("A still picture of this question. With JavaScript on, you answer it here and it is checked "
                 "at once, with hints and a worked answer.")
NOTE_CSS = ".sb-static-note { font-size: 13px; font-style: italic; margin: 6px 0 0; }"


def draw(pages, quiz):
    """{model id: HTML} for the views of `pages` ([(state, [model id, ...]), ...])."""
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("node is missing: the site needs Node.js (README: Set up)")
    request = {"quiz": quiz, "pages": [{"state": state, "views": views} for state, views in pages]}
    run = subprocess.run([node, str(MJS)], input=json.dumps(request), capture_output=True, text=True,
                         encoding="utf-8", timeout=120)
    if run.returncode:
        raise ExtensionError(f"the widgets' pictures could not be drawn:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout)


def add_pictures(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    pages = {}
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        state = STATE.search(text)
        views = [json.loads(v)["model_id"] for v in VIEW.findall(text)]
        if state and views:
            pages[page] = (text, json.loads(state[1])["state"], views)
    if not pages:
        return
    quiz = out / "_static" / "vendor" / "quiz.js"
    if not quiz.is_file():
        raise ExtensionError(f"{quiz} is missing: run tools/vendor_assets.py (make setup does)")
    pictures = draw([(state, views) for _, state, views in pages.values()], quiz.read_text(encoding="utf-8"))
    for page, (text, state, views) in pages.items():
        def picture(view, state=state):
            model_id = json.loads(view[1])["model_id"]
            if model_id not in pictures:  # not an anywidget: host.js leaves it alone too
                return view[0]
            note = NOTE.format(QUESTION_NOTE if "question" in state[model_id]["state"] else WIDGET_NOTE)
            return pictures[model_id].removesuffix("</div>") + note + "</div>" + view[0]

        styles = dict.fromkeys(state[i]["state"].get("_css", "") for i in views if i in pictures)
        css = "\n".join([*filter(None, styles), NOTE_CSS])
        text = VIEW.sub(picture, text).replace("</head>", f"<style data-sb-pictures>{css}</style>\n</head>", 1)
        page.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("build-finished", add_pictures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
