"""KaTeX's fonts cut to the characters the book's formulas show (tools/page_assets.py).

A page's math waits for KaTeX_Main-Regular and KaTeX_Math-Italic (preloaded, book_site.py).
At 400 kbps their 43 KB shared the link with the page itself and held back its widgets. Here
each KaTeX ``@font-face`` that a formula uses becomes two faces of the same font:

- the glyphs of the characters that the site's formulas show in that face (the text of
  KaTeX's HTML on every page, each character under the face that KaTeX's own rules give its
  element), subset by fontTools into a woff2 under ``_static/fonts/`` named by its hash:
  9 KB for Main-Regular's 26, 0.7 KB for Main-Bold's 25;
- KaTeX's own file for the font's other characters (``unicode-range``), which a browser
  fetches only if a page shows one of them: a safety net that no page of the book needs
  (tests/test_site.py checks that none fetches it).

A subset keeps the font's metrics and layout tables, so a glyph is placed as before; it drops
the TrueType hints, which sharpen small text on Windows.
"""

import hashlib
import io
import logging
import re
from html.parser import HTMLParser

import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FOLDER = "fonts"  # in _static/
SPACES = {0x20, 0xA0}
COMPOUND = re.compile(r"([a-z]*)((?:\.[\w-]+)*)")  # span.a.b
# KaTeX's fonts carry creation dates near 1970, which fontTools warns of as it reads them
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


def _declarations(rule):
    return tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)


def _weight(value):
    return {"bold": 700, "normal": 400}.get(value, int(value) if value.isdigit() else None)


def _font(declarations):
    """{font-family, font-weight, font-style: value} that `declarations` set: a family is its
    first name, a weight a number."""
    props = {}
    for d in declarations:
        if d.type != "declaration":
            continue
        value = tinycss2.serialize(d.value).strip()
        if d.lower_name == "font":  # KaTeX's one shorthand: `normal 1.21em KaTeX_Main,math,...`
            props = {"font-family": value.split(",")[0].split()[-1], "font-weight": 400, "font-style": "normal"}
        elif d.lower_name == "font-family":
            props[d.lower_name] = value.split(",")[0].strip("\"' ")
        elif d.lower_name == "font-weight" and _weight(value):
            props[d.lower_name] = _weight(value)
        elif d.lower_name == "font-style":
            props[d.lower_name] = value
    return props


def _compounds(selector):
    """`.a .b.c>span` as [(combinator, tag, classes)], or None if it holds more than tags,
    classes and the descendant and child combinators (none of KaTeX's font rules does)."""
    parts = []
    for combinator, compound in re.findall(r"\s*(>)?\s*([^\s>]+)", selector):
        if not (found := COMPOUND.fullmatch(compound)):
            return None
        parts.append((combinator or " ", found[1], set(found[2].split(".")) - {""}))
    return parts


def _matches(parts, stack):
    """Whether the last element of `stack` ([(tag, classes)], outermost first) matches."""
    *rest, (_, tag, classes) = parts
    if (tag and tag != stack[-1][0]) or not classes <= stack[-1][1]:
        return False
    if not rest:
        return True
    if parts[-1][0] == ">":
        return len(stack) > 1 and _matches(rest, stack[:-1])
    return any(_matches(rest, stack[:i]) for i in range(len(stack) - 1, 0, -1))


def font_rules(rules):
    """KaTeX's rules that set a font property, as [(selector, {property: value})] in cascade
    order (specificity, then place in the sheet)."""
    found = []
    for place, rule in enumerate(rules):
        if rule.type != "qualified-rule":
            continue
        props = _font(_declarations(rule))
        for selector in tinycss2.serialize(rule.prelude).split(","):
            if props and ".katex" in selector and (parts := _compounds(selector.strip())):
                specificity = (sum(len(c) for _, _, c in parts), sum(bool(t) for _, t, _ in parts))
                found.append((specificity, place, parts, props))
    return [(parts, props) for *_, parts, props in sorted(found, key=lambda f: f[:2])]


class _MathText(HTMLParser):
    """What each of KaTeX's fonts draws: the characters of the text inside KaTeX's HTML
    (class ``katex-html``; its MathML twin is for screen readers), each under the font
    (family, weight, style) that KaTeX's rules give its element."""

    def __init__(self, rules):
        super().__init__(convert_charrefs=True)
        self.rules, self.stack, self.chars = rules, [], {}  # stack: [(tag, classes, font)]

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag in VOID or not (self.stack or "katex" in classes):
            return
        font = dict(self.stack[-1][2]) if self.stack else {}
        path = [(t, c) for t, c, _ in self.stack] + [(tag, classes)]
        for parts, props in self.rules:
            if _matches(parts, path):
                font |= props
        self.stack.append((tag, classes, font))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if self.stack and tag not in VOID:
            self.stack.pop()

    def handle_data(self, data):
        if any("katex-html" in c for _, c, _ in self.stack):
            font = self.stack[-1][2]
            key = (font.get("font-family"), font.get("font-weight", 400), font.get("font-style", "normal"))
            self.chars.setdefault(key, set()).update(map(ord, data))


def math_characters(pages, rules):
    """{(family, weight, style): code points} that KaTeX's HTML shows on `pages` (texts of
    HTML pages), as KaTeX's `rules` (tinycss2) assign its fonts."""
    parser = _MathText(font_rules(rules))
    for text in pages:
        parser.feed(text)
        parser.close()
    return parser.chars


def unicode_range(points):
    """``U+41-5A,U+61``: `points` as the fewest ranges."""
    ranges = []
    for p in sorted(points):
        if ranges and p == ranges[-1][1] + 1:
            ranges[-1][1] = p
        else:
            ranges.append([p, p])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)


def subset_woff2(path, points):
    """The woff2 bytes of the font at `path` cut to the glyphs of `points` (and what they
    need: composites, ligatures, kerning). The same input gives the same bytes."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    # TrueType hints: a fifth of each cut. They sharpen glyphs at small sizes on Windows only
    # (Google Fonts serves other systems none), and KaTeX draws math at 1.21 em.
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    out = io.BytesIO()
    with TTFont(path, recalcTimestamp=False) as font:
        subsetter.subset(font)
        font.save(out)
    return out.getvalue()


def _woff2(rule):
    """The relative woff2 URL of a KaTeX @font-face rule, else None."""
    if not (rule.type == "at-rule" and rule.lower_at_keyword == "font-face"):
        return None
    found = re.search(r'url\("?([^")]*/KaTeX_[\w-]+\.woff2)"?\)', tinycss2.serialize(rule.content))
    return found[1] if found and not re.match(r"[a-z]+:|/", found[1]) else None


def _cmap(path):
    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def _face(rule):
    """(family, weight, style) of a @font-face rule."""
    font = _font(_declarations(rule))
    return font.get("font-family"), font.get("font-weight", 400), font.get("font-style", "normal")


def split_faces(rules, static, pages):
    """`rules` (tinycss2, URLs relative to `static`) with each KaTeX face that `pages` (texts
    of HTML pages) use split in two: a subset for the characters they show in it, written to
    ``static/fonts/``, and KaTeX's file for the rest.

    Returns the new rules and {KaTeX's file: its subset}, as paths relative to `static`.
    """
    shown = math_characters(pages, rules)
    faces = {_face(r) for r in rules if _woff2(r)}
    for family, weight, style in [key for key in shown if key not in faces]:
        # no face of its own: the browser draws it with the family's nearest; give it to them all
        for face in [f for f in faces if f[0] == family]:
            shown.setdefault(face, set()).update(shown[family, weight, style])
    out, subsets = [], {}
    for rule in rules:
        src = _woff2(rule)
        cmap = _cmap(static / src) if src else set()
        # with the spaces: a browser takes a family's metrics from the face that has U+0020
        used = cmap & (shown.get(_face(rule), set()) | SPACES) if src else set()
        if not used - SPACES:  # not a KaTeX face, or one that no formula uses
            out.append(rule)
            continue
        rest = cmap - used
        data = subset_woff2(static / src, used)
        name = f"{FOLDER}/{src.rsplit('/', 1)[1].removesuffix('.woff2')}-{hashlib.sha256(data).hexdigest()[:10]}.woff2"
        (static / FOLDER).mkdir(exist_ok=True)
        (static / name).write_bytes(data)
        subsets[src] = name
        keep = ";".join(f"{d.name}:{tinycss2.serialize(d.value).strip()}" for d in _declarations(rule)
                        if d.type == "declaration" and d.lower_name not in ("src", "unicode-range"))
        for url, part in [(name, used), (src, rest)] if rest else [(name, used)]:
            text = f'@font-face{{{keep};src:url("{url}") format("woff2");unicode-range:{unicode_range(part)}}}'
            out += tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return out, subsets
