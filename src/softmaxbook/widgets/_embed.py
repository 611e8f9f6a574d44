"""A standalone HTML page that shows live widgets with no kernel and no CDN."""

import html
import json

from ipywidgets.embed import dependency_state, embed_data, escape_script

# require.js loads the widget manager and, through `paths`, anywidget's front-end from the
# page's own assets folder; data-jupyter-widgets-cdn points the manager's fallback for an
# unknown module at that folder too, so nothing is ever fetched from another host.
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<script src="{assets}/require.js"></script>
<script>
require.config({{paths: {{
  "anywidget": "{assets}/anywidget/dist/index",
  "@jupyter-widgets/html-manager/dist": "{assets}/@jupyter-widgets/html-manager/dist"
}}}});
</script>
<script data-jupyter-widgets-cdn="{assets}/" src="{assets}/@jupyter-widgets/html-manager/dist/embed-amd.js"></script>
<script type="application/vnd.jupyter.widget-state+json">
{state}
</script>
</head>
<body>
<main>
<h1>{title}</h1>
{views}
</main>
</body>
</html>
"""

_VIEW = '<section class="sb-embed">\n<script type="application/vnd.jupyter.widget-view+json">\n{}\n</script>\n</section>'


def standalone_html(widgets, assets="vendor", title="softmaxbook widgets"):
    """HTML for a page that renders `widgets` live, loading its scripts from `assets`.

    Parameters
    ----------
    widgets : list of ipywidgets.Widget
        The widgets to show, in order.
    assets : str
        URL of the folder holding ``require.js``, ``@jupyter-widgets/html-manager/dist``
        and ``anywidget/dist`` (``tools/vendor_assets.py`` fills ``web/vendor``).
    title : str
        The page's title and heading.

    Returns
    -------
    str
        The page. The full widget state is embedded (defaults included: an anywidget's
        front-end code is a default trait value).
    """
    state = dependency_state(widgets, drop_defaults=False)  # these widgets only, not every one alive
    data = embed_data(widgets, drop_defaults=False, state=state)
    views = "\n".join(_VIEW.format(escape_script(json.dumps(v))) for v in data["view_specs"])
    state = escape_script(json.dumps(data["manager_state"]))
    return _PAGE.format(title=html.escape(title), assets=assets, state=state, views=views)
