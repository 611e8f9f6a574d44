"""What a page loads before its first paint, cut down after the build (tools/book_site.py).

At 400 kbps and 400 ms a round trip, Jupyter Book's pages stayed blank for 7 s: 27
render-blocking requests, the theme's 66 KB stylesheet and the search index among them. Here
every page gets:

- one stylesheet, in the page itself (a <style>, so nothing blocks the first paint: at
  400 kbps the page's text was painted 1.8 s sooner): the pages' sheets in their order,
  @imports inlined, each rule whose selector names a class or id that no page and no script
  of the site uses dropped (most of Bootstrap's and Font Awesome's; a name a script builds at
  run time goes in KEEP), and KaTeX's fonts cut to the characters of the book's formulas
  (tools/math_fonts.py), their preloads pointed at the cut files;
- one deferred script: the theme's classic scripts in their order (each with its data-
  attributes), so nothing in the head blocks the parser; Sphinx's small options file inlined,
  because the page's own inline scripts use it while parsing;
- no search code: Sphinx's search scripts and index load on the search page only; elsewhere
  web/search-prefetch.js fetches them into the cache the first time a reader opens the
  search box (its form goes to the search page);
- the widgets' state after the text (host.js reads it once the page is parsed), so the
  text arrives first;
- no preloads of the theme's scripts, which took bandwidth from the stylesheet;
- the notebooks' figures as lossless WebP (the same pixels in 37 % of the PNG's bytes): a
  figure near the top of a page loads at once, and chapter 10's 86 KB PNG held its widgets
  back by 0.6 s at 400 kbps.
"""

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import tinycss2
from ipywidgets.embed import escape_script
from math_fonts import split_faces
from PIL import Image

SEARCH = ("searchtools.js", "language_data.js", "search-text.js", "searchindex.js")
OPTIONS = "documentation_options.js"
NOT_CODE = {"searchindex.js", "mathjs.js"}  # scripts whose words name no class (site_names)
# Bootstrap builds these class names from parts (`bs-${NAME}-auto`): the theme's tooltips
KEEP = {"bs-tooltip-auto"}

URL = re.compile(r'url\("(?![a-z][a-z0-9+.-]*:|/|#)')  # a relative url("..."), as _rebase writes them
LINK_CSS = re.compile(r'[ \t]*<link\b[^>]*\brel="stylesheet"[^>]*>\n?')
PRELOAD_JS = re.compile(r'[ \t]*<link rel="preload" as="script"[^>]*>\n?')
SCRIPT = re.compile(r'[ \t]*<script\b([^>]*)>(.*?)</script>\n?', re.S)
STATE = re.compile(r'[ \t]*<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>\n?', re.S)
QUIZ = re.compile(r'<meta name="softmaxbook-quiz" content="([^"]+)">')
IMG = re.compile(r"<img\b[^>]*>")
PICTURE_STYLE = re.compile(r"<style data-sb-pictures>(.*?)</style>", re.S)  # tools/widget_pictures.py's
MODULE = re.compile(r'[ \t]*<script type="module"[^>]*></script>\n?')
ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')
NAME = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
PNG = re.compile(r"(_images/[0-9a-f]{64})\.png\b")  # myst-nb names a figure by its PNG's SHA-256


def webp_figures(out):
    """Each notebook figure in `out`/_images (named as PNG matches) as a lossless WebP
    beside it, the PNG removed. An image of another name is left as it is."""
    for png in (out / "_images").glob("*.png"):
        if not PNG.search(f"_images/{png.name}"):
            continue
        with Image.open(png) as image:
            # lossless; method and quality set the encoder's effort: 1 s for the book's
            # figures, 4 % larger than its slowest (10 s)
            image.save(png.with_suffix(".webp"), "WEBP", lossless=True, method=2, quality=75)
        png.unlink()


def site_names(out, pages):
    """Every class and id the site's `pages` (their texts) hold, and every word of its scripts
    (inline ones, widget code in the pages' widget state included): what a selector may match. Not the
    words of what is data or never touches a page: Sphinx's search index (every word of the
    book) and mathjs (the formula questions' parser) kept a fifth of the theme's rules."""
    names = set(KEEP)
    for text in pages:
        for value in re.findall(r'\b(?:class|id)="([^"]*)"', text):
            names.update(value.split())
        for value in re.findall(r'\bstyle="([^"]*)"', text):
            names.update(re.findall(r"[\w-]+", value))
        for _, body in SCRIPT.findall(text):
            names.update(re.findall(r"[\w-]+", body))
    for script in (out / "_static").rglob("*.js"):
        if script.name in NOT_CODE:
            continue
        names.update(re.findall(r"[\w-]+", script.read_text(encoding="utf-8", errors="ignore")))
    return names


def _selectors(prelude):
    """A selector list split at its top-level commas, each without what its (...) and [...]
    hold: a class inside :not() or :is() does not have to exist for the selector to match."""
    parts, depth, top = [], 0, ""
    for c in prelude:
        depth -= c in ")]"
        if c == "," and depth == 0:
            parts.append(top)
            top = ""
        elif depth == 0:
            top += c
        depth += c in "(["
    return [p.strip() for p in [*parts, top]]


def _declarations(content, props):
    """A rule's declarations less the custom properties nothing reads (not in `props`)."""
    kept = []
    for d in tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True):
        if d.type != "declaration":
            kept.append(tinycss2.serialize([d]))
        elif not d.name.startswith("--") or d.name in props:
            kept.append(f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}")
    return ";".join(kept)


def _prune(rules, names, props=None):
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude)
            if "\\" in prelude or any(all(n in names for n in NAME.findall(s)) for s in _selectors(prelude)):
                body = tinycss2.serialize(rule.content).strip() if props is None else _declarations(rule.content, props)
                kept.append(f"{prelude.strip()}{{{body}}}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            if inner := _prune(inner, names, props):
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude).rstrip()}{{{''.join(inner)}}}")
        elif rule.type == "at-rule":
            kept.append(tinycss2.serialize([rule]).strip())
    return kept


def _rebase(tokens, folder, static):
    """Point every relative url() in `tokens` (found in a sheet in `folder`) at the same file
    from `static`."""
    for t in tokens or ():
        if t.type == "url" or (t.type == "function" and t.lower_name == "url"):
            target = t if t.type == "url" else next((a for a in t.arguments if a.type == "string"), None)
            if target is not None and not re.match(r"[a-z]+:|/|#", target.value):
                target.value = Path(os.path.relpath((folder / target.value).resolve(), static)).as_posix()
                target.representation = f'url("{target.value}")' if t is target else f'"{target.value}"'
        for inner in ("prelude", "content", "arguments"):
            if isinstance(getattr(t, inner, None), list):
                _rebase(getattr(t, inner), folder, static)


def _rules(sheet, static):
    rules = []
    for rule in tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"), skip_comments=True,
                                          skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            (target,) = [t.value for t in rule.prelude if t.type in ("string", "url")]
            rules += _rules(sheet.parent / target, static)
        else:
            _rebase([rule], sheet.parent, static)
            rules.append(rule)
    return rules


def _write(static, stem, suffix, text):
    path = static / f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:10]}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


def combine_css(sheets, static, names, pages):
    """The sheets as one, less the rules no page uses and the custom properties (--x) that
    neither those rules nor any script or page reads (until none is left to drop), with
    KaTeX's faces cut to what `pages` (their texts) show (tools/math_fonts.py).

    Returns the sheet's text, its URLs relative to `static`, and {KaTeX's font: its subset}.
    """
    rules, fonts = split_faces([r for sheet in sheets for r in _rules(sheet, static)], static, pages)
    props, text = None, None
    while True:
        text = "\n".join(_prune(rules, names, props)) + "\n"
        read = set(re.findall(r"var\(\s*(--[\w-]+)", text)) | {n for n in names if n.startswith("--")}
        if read == props:
            if "</style" in text.lower():
                raise ValueError("the stylesheet holds </style, which would end it inside a page")
            return text, fonts
        props = read


def bundle_js(scripts, static, stem):
    parts = []
    for script in scripts:
        source = re.sub(r"^//# sourceMappingURL=.*$", "", script.read_text(encoding="utf-8"), flags=re.M)
        parts.append(f"// {script.name}\n{source.rstrip()}\n;")
    path = _write(static, stem, ".js", "\n".join(parts) + "\n")
    # a syntax error would stop every script of the bundle: fail the build instead
    subprocess.run(["node", "--check", str(path)], check=True, capture_output=True, text=True)
    return path


def _lazy(m):
    """An image loads when the reader nears it, not while the text and its styles arrive; its
    size is given, so the page keeps its place for it."""
    tag = m.group(0)
    size = re.search(r'style="width: (\d+)px; height: (\d+)px;"', tag)
    if "loading=" in tag:
        return tag
    extra = f' width="{size[1]}" height="{size[2]}"' if size and " width=" not in tag else ""
    return tag.replace("<img ", f'<img loading="lazy" decoding="async"{extra} ', 1)


def _state(script, page):
    """A page's widget-state script, less what the page holds anyway and in the order gzip
    likes best (host.js reads models by id):

    - a widget's stylesheet (``_css``) that the page already has, in its pictures' style
      (tools/widget_pictures.py), is left out: host.js adds a stylesheet only if there is one;
    - the models that share front-end code sit side by side, so that gzip finds each copy of
      it in its 32 KB window: chapter 10's six questions carry the same code.

    Chapter 10's page is 7 KB (gzipped) smaller.
    """
    start, end = script.index(">") + 1, script.rindex("</script>")
    data = json.loads(script[start:end])
    pictures = PICTURE_STYLE.search(page)
    for model in data["state"].values():
        if pictures and model["state"].get("_css") and model["state"]["_css"] in pictures[1]:
            model["state"]["_css"] = ""
    code = lambda model: model[1]["state"].get("_esm", "")  # noqa: E731
    data["state"] = dict(sorted(data["state"].items(), key=code))
    return script[:start] + escape_script(json.dumps(data)) + script[end:]


def _attrs(tag):
    return dict(ATTR.findall(tag))


def _classic_src(attrs):
    """The src of an external classic script (not a module, not data), else None."""
    return attrs.get("src") if attrs.get("type", "text/javascript") == "text/javascript" else None


class Pages:
    """Rewrites pages; the combined files are written once, for every page alike. Slim the
    search page first: the other pages name its search bundle."""

    def __init__(self, out):
        self.out, self.static = Path(out), Path(out) / "_static"
        webp_figures(self.out)
        self.texts = [p.read_text(encoding="utf-8") for p in self.out.rglob("*.html")]  # before any is slimmed
        self.names = site_names(self.out, self.texts)
        self.made, self.search = {}, None

    def _once(self, key, make):
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    def slim(self, page, text):
        file = lambda href: (page.parent / href.split("?")[0]).resolve()  # noqa: E731
        href = lambda path: Path(os.path.relpath(path, page.parent)).as_posix()  # noqa: E731
        head, body = text.split("</head>", 1)

        links = LINK_CSS.findall(head)
        sheets = [file(_attrs(link)["href"]) for link in links]
        css, fonts = self._once(tuple(sheets), lambda: combine_css(sheets, self.static, self.names, self.texts))
        head = PRELOAD_JS.sub("", LINK_CSS.sub("", head))
        for font, cut in fonts.items():  # book_site.py's preloads
            head = head.replace(f'href="{href(self.static / font)}"', f'href="{href(self.static / cut)}"')

        text = head + "</head>" + body
        theme, search, data = [], [], {}
        for m in SCRIPT.finditer(text):
            attrs = _attrs(m.group(1))
            if src := _classic_src(attrs):
                (search if file(src).name in SEARCH else theme).append(file(src))
                data |= {k: v for k, v in attrs.items() if k.startswith("data-")}
        theme = [s for s in theme if s.name != OPTIONS]
        bundle = self._once(tuple(theme), lambda: bundle_js(theme, self.static, "book"))
        extra = "".join(f' {k}="{v}"' for k, v in data.items())
        # last in the head, where the sheet's link was: after the theme's own <style>s
        sheet = URL.sub(f'url("{href(self.static)}/', css)
        tags = f"<style>{sheet}</style>\n"
        scripts = f'<script defer src="{href(bundle)}"{extra}></script>\n'
        if page.name == "search.html" and search:  # Sphinx's search, after the theme's scripts
            self.search = self._once(tuple(search), lambda: bundle_js(search, self.static, "search"))
            scripts += f'<script defer src="{href(self.search)}"></script>\n'
        elif self.search:  # what web/search-prefetch.js fetches when the search box opens
            tags += f'<meta name="softmaxbook-search" content="{href(self.search)}">\n'

        def drop(m):
            src = _classic_src(_attrs(m.group(1)))
            if src and file(src).name == OPTIONS:  # inline: the page's own inline scripts use it
                return f"<script>{(self.static / OPTIONS).read_text(encoding='utf-8').strip()}</script>\n"
            return "" if src else m.group(0)

        text = PNG.sub(r"\1.webp", IMG.sub(_lazy, SCRIPT.sub(drop, text)))
        # After the text, so that the text arrives first: the widgets' state (host.js reads it
        # once the page is parsed) and the deferred scripts, which then run in the same order.
        # Their code is fetched from the head, beside the text: found only at the end of the
        # page, it came a round trip after the text, and the widgets went live 0.7 s later.
        modules = MODULE.findall(text)
        for module in reversed(modules):  # the widgets' host first: it runs first
            text = text.replace(module, "", 1)
            scripts = module + scripts
        code = [_attrs(m)["src"] for m in modules] + ([quiz[1]] if (quiz := QUIZ.search(text)) else [])
        tags = "".join(f'<link rel="modulepreload" href="{src}">\n' for src in code) + tags
        if state := STATE.search(text):
            text = text.replace(state.group(0), "", 1)
            scripts = _state(state.group(0), text) + scripts
        return text.replace("</head>", tags + "</head>", 1).replace("</body>", scripts + "</body>", 1)
