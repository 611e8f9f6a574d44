"""Copy the web assets the pages need into web/vendor/ (build output, not committed).

From node_modules/ (the npm registry, `npm ci`, pinned by package-lock.json): KaTeX's
stylesheet and fonts (the math itself is rendered to HTML at build time), and the icons the
theme's buttons show, as one small stylesheet in place of the theme's 1.5 MB Font Awesome
script. From the package: host.js, which mounts the widgets on the static pages. The site
serves all of it itself and never asks a CDN.

    python tools/vendor_assets.py
"""

import shutil
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "web" / "vendor"

# source -> destination under web/vendor (a folder copies whole)
FILES = {
    NODE / "katex/dist/katex.min.css": "katex/katex.min.css",
    # Every browser the book supports reads woff2, the first source katex.min.css names.
    NODE / "katex/dist/fonts": "katex/fonts",
    ROOT / "src/softmaxbook/widgets/host.js": "widgets-host.js",
}
SKIP = shutil.ignore_patterns("*.woff", "*.ttf")

# The theme's icons (<i class="fa-solid fa-bars">, also on <span>s), drawn by CSS masks from
# Font Awesome Free's SVGs (icons CC BY 4.0), so no page downloads the icon webfont.
# tests/test_site.py fails if a page uses one not listed here.
ICONS = ["angle-left", "angle-right", "arrow-up", "bars", "circle-half-stroke", "download", "expand",
         "file", "file-pdf", "list", "magnifying-glass", "moon", "outdent", "sun"]
ICON_CSS = """/* Font Awesome Free 6.5.2 icons, https://fontawesome.com (CC BY 4.0), as CSS masks. */
.fa-solid, .fas { font-family: inherit; }  /* else the empty glyph box still fetches the webfont */
.fa-solid::before, .fas::before, .admonition > .admonition-title::after,
div.admonition > .admonition-title::after, a.github::before {
  content: "" !important; font: inherit !important; display: inline-block; width: 1em; height: 1em;
  vertical-align: -0.125em; background-color: currentColor;
  -webkit-mask: var(--fa-icon) center / contain no-repeat; mask: var(--fa-icon) center / contain no-repeat;
}
.fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }
"""


# The theme also draws icons from the webfonts in CSS alone: before each admonition's title
# (its kind's icon, as pydata-sphinx-theme picks them) and before links to GitHub.
ADMONITIONS = {"": "bell", "attention": "circle-exclamation", "caution": "triangle-exclamation",
               "danger": "triangle-exclamation", "error": "circle-xmark", "hint": "lightbulb",
               "important": "circle-exclamation", "note": "circle-info", "seealso": "share",
               "tip": "lightbulb", "todo": "pencil", "warning": "triangle-exclamation"}


def mask(kind, name):
    svg = (NODE / "@fortawesome/fontawesome-free/svgs" / kind / f"{name}.svg").read_text()
    svg = svg[svg.index("<svg"):].replace("\n", "")  # drop the licence comment: said once above
    return f'--fa-icon: url("data:image/svg+xml,{quote(svg)}");'


def icon_css():
    rules = [f".fa-{name} {{ {mask('solid', name)} }}" for name in ICONS]
    for kind, name in ADMONITIONS.items():
        title = f".admonition{'.' + kind if kind else ''} > .admonition-title::after"
        rules.append(f"{title} {{ {mask('solid', name)} }}")
    rules.append(f"a.github::before {{ {mask('brands', 'github')} }}")
    return ICON_CSS + "\n".join(rules) + "\n"


def main():
    if not NODE.is_dir():
        sys.exit("node_modules/ is missing: run `npm ci` first (make setup does)")
    shutil.rmtree(VENDOR, ignore_errors=True)
    for src, dst in FILES.items():
        dst = VENDOR / dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=SKIP)
        else:
            shutil.copy2(src, dst)
    (VENDOR / "icons.css").write_text(icon_css())
    size = sum(f.stat().st_size for f in VENDOR.rglob("*") if f.is_file())
    print(f"vendored {len(FILES) + 1} assets into {VENDOR.relative_to(ROOT)} ({size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
