"""KaTeX's fonts cut to what the formulas show (tools/math_fonts.py), on KaTeX's own
stylesheet and fonts as the site vendors them (web/vendor/katex), no site build."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tinycss2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from math_fonts import _cmap, math_characters, split_faces, unicode_range  # noqa: E402

KATEX = ROOT / "web" / "vendor" / "katex"


def katex_rules(static):
    """KaTeX's sheet as page_assets reads it: URLs relative to `static`."""
    css = (KATEX / "katex.min.css").read_text().replace("url(fonts/", "url(vendor/katex/fonts/")
    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def page(tex, display=False):
    """A page with KaTeX's HTML for `tex`, rendered by the site's KaTeX (Node)."""
    script = ("const k = require(process.argv[1]); process.stdout.write(k.renderToString(process.argv[2], "
              f"{{displayMode: {'true' if display else 'false'}}}))")
    katex = ROOT / "node_modules" / "katex"
    html = subprocess.run(["node", "-e", script, str(katex), tex], capture_output=True, text=True, check=True).stdout
    return f"<!DOCTYPE html><html><body><p>Text {tex} around it.</p><p>{html}</p></body></html>"


def test_unicode_range_is_the_fewest_ranges():
    assert unicode_range({0x41, 0x42, 0x43, 0x61, 0x3B1}) == "U+41-43,U+61,U+3B1"
    assert unicode_range({0x20}) == "U+20"


def test_each_character_goes_to_the_font_that_draws_it():
    """KaTeX's classes pick the face: x italic in KaTeX_Math, 2 and = upright in KaTeX_Main,
    W bold, the big sum in Size2, log upright; the TeX source and the MathML twin in none."""
    shown = math_characters([page(r"\mathbf{W} x^2 = \sum_k \log z_k", display=True)], katex_rules(KATEX.parent))
    assert shown[("KaTeX_Math", 400, "italic")] == set(map(ord, "xkz"))
    assert shown[("KaTeX_Main", 400, "normal")] >= set(map(ord, "2=log"))
    assert ord("x") not in shown[("KaTeX_Main", 400, "normal")]
    assert shown[("KaTeX_Main", 700, "normal")] == {ord("W")}
    assert shown[("KaTeX_Size2", 400, "normal")] == {ord("∑")}
    assert ord("\\") not in set().union(*shown.values())  # the annotation's TeX is not drawn


@pytest.fixture()
def static(tmp_path):
    shutil.copytree(KATEX, tmp_path / "vendor" / "katex")
    return tmp_path


def faces(rules):
    """{font file: unicode-range} of every @font-face among `rules`."""
    found = {}
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            decls = {d.lower_name: tinycss2.serialize(d.value).strip()
                     for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                     if d.type == "declaration"}
            found[re.match(r'url\("?([^")]+)', decls["src"])[1]] = decls.get("unicode-range")
    return found


def points(ranges):
    out = set()
    for part in ranges.split(","):
        a, _, b = part.removeprefix("U+").partition("-")
        out.update(range(int(a, 16), int(b or a, 16) + 1))
    return out


def test_a_used_face_is_split_into_its_cut_and_the_rest(static):
    rules, cut = split_faces(katex_rules(static), static, [page(r"\hat{y}_i = e^{z_i} / \sum_j e^{z_j}")])
    main = "vendor/katex/fonts/KaTeX_Main-Regular.woff2"
    assert set(cut) >= {main, "vendor/katex/fonts/KaTeX_Math-Italic.woff2"}
    assert "vendor/katex/fonts/KaTeX_Fraktur-Regular.woff2" not in cut  # no formula uses it
    found = faces(rules)
    full = _cmap(static / main)
    small = _cmap(static / cut[main])
    assert ord("=") in small and ord("/") in small and ord("y") not in small  # y is KaTeX_Math's
    assert ord(" ") in small  # a browser takes the family's metrics from the face with the space
    # the cut holds exactly its range; KaTeX's file keeps every other character of the font
    assert points(found[cut[main]]) == small
    assert points(found[main]) == full - small
    assert (static / cut[main]).stat().st_size < (static / main).stat().st_size / 2
    assert found["vendor/katex/fonts/KaTeX_Fraktur-Regular.woff2"] is None  # left as it was


def test_cutting_is_reproducible(static, tmp_path_factory):
    """The same pages give the same files (named by their hash): no timestamp inside."""
    again = tmp_path_factory.mktemp("again")
    shutil.copytree(KATEX, again / "vendor" / "katex")
    pages = [page(r"\sigma(z) = 1 / (1 + e^{-z})")]
    assert split_faces(katex_rules(static), static, pages)[1] == split_faces(katex_rules(again), again, pages)[1]
