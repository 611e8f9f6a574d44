"""A standalone HTML page that shows live widgets with no kernel and no other file."""

import html
import json
from pathlib import Path

from ipywidgets.embed import dependency_state, embed_data, escape_script

_HOST = (Path(__file__).parent / "host.js").read_text()

# The state and the views in the formats ipywidgets.embed writes; host.js, an ES module
# inlined at the end, mounts each view in place.
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<script type="application/vnd.jupyter.widget-state+json">
{state}
</script>{mathjs}
</head>
<body>
<main>
<h1>{title}</h1>
{views}
</main>
<script type="module">
{host}
</script>
</body>
</html>
"""

_VIEW = """<section class="sb-embed">
<script type="application/vnd.jupyter.widget-view+json">
{}
</script>
</section>"""


def standalone_html(widgets, title="softmaxbook widgets"):
    """HTML for one self-contained page that shows `widgets` live, with no kernel.

    The page holds everything it needs: the widgets' state (their front-end code included)
    and a small host module (``host.js``, about 190 lines) that mounts each anywidget
    through the anywidget front-end contract (with questions, their shared code and mathjs).
    It needs no other file, no require.js and
    no widget manager, and requests nothing from any host: it works from a ``file://`` URL
    or any static server.

    Parameters
    ----------
    widgets : list of anywidget.AnyWidget
        The widgets to show, in order (the book's or any anywidget's; other widgets are
        embedded but not shown).
    title : str
        The page's title and heading.

    Returns
    -------
    str
        The page. The full widget state is embedded (defaults included: an anywidget's
        front-end code is a default trait value).

    Examples
    --------
    >>> import softmaxbook.widgets as sw
    >>> page = sw.standalone_html([sw.LossCurve(p=0.5)], title="Cross-entropy")
    >>> page.count('<script type="application/vnd.jupyter.widget-view+json">')
    1
    >>> "<script src=" in page, "require.js" in page  # every script is inline
    (False, False)

    Write it to a file and open that in a browser:
    ``pathlib.Path("loss.html").write_text(page)``.
    """
    state = dependency_state(widgets, drop_defaults=False)  # these widgets only, not every one alive
    data = embed_data(widgets, drop_defaults=False, state=state)
    views = "\n".join(_VIEW.format(escape_script(json.dumps(v))) for v in data["view_specs"])
    state = escape_script(json.dumps(data["manager_state"]))
    return _PAGE.format(title=html.escape(title), state=state, views=views, host=_HOST, mathjs=_mathjs(widgets))


def _mathjs(widgets):
    """The questions' shared code, and mathjs if a formula question needs it, as the text of
    ES modules in JSON strings (quiz_loader.js imports them from there)."""
    from .quiz import MISSING_MATHJS, Question, asset

    questions = [w.question for w in widgets if isinstance(w, Question)]
    names = (["quiz"] if questions else []) + (["mathjs"] if any(q.get("kind") == "formula" for q in questions) else [])
    scripts = []
    for name in names:
        found = asset(name)
        if "error" in found:
            raise RuntimeError(f"a formula question's page needs mathjs: {MISSING_MATHJS}")
        scripts.append(f'\n<script type="application/vnd.softmaxbook.{name}+json">'
                       f"{escape_script(json.dumps(found['text']))}</script>")
    return "".join(scripts)
