"""Copy the web assets the pages need into web/vendor/ (build output, not committed).

From node_modules/ (the npm registry, `npm ci`, pinned by package-lock.json): KaTeX's
stylesheet and fonts (the math itself is rendered to HTML at build time), and the icons the
theme's buttons show, as one small stylesheet in place of the theme's 1.5 MB Font Awesome
script, and mathjs, which reads the formulas readers type into self-check questions (as an ES
module; see MATHJS below). From the package, minified by npm's terser: host.js, which mounts
the widgets on the static pages, and the self-check questions' shared code (quiz.js with what
it imports); and the progress store the intro page uses. The site serves all of it itself
and never asks a CDN.

    python tools/vendor_assets.py
"""

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "web" / "vendor"
# The package's own copy of mathjs (not committed either): JupyterLab's kernel sends it to a
# formula question's front-end, and standalone_html inlines it (softmaxbook/widgets/_quiz.py).
PACKAGE_VENDOR = ROOT / "src" / "softmaxbook" / "widgets" / "vendor"

# source -> destination under web/vendor (a folder copies whole)
FILES = {
    NODE / "katex/dist/katex.min.css": "katex/katex.min.css",
    # Every browser the book supports reads woff2, the first source katex.min.css names.
    NODE / "katex/dist/fonts": "katex/fonts",
    ROOT / "src/softmaxbook/widgets/quiz_store.js": "quiz-store.js",
}
WIDGETS = ROOT / "src/softmaxbook/widgets"
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
/* Forced colours (high contrast) would fill the mask with the background's colour. */
@media (forced-colors: active) {
  .fa-solid::before, .fas::before, .admonition > .admonition-title::after,
  div.admonition > .admonition-title::after, a.github::before {
    forced-color-adjust: none; background-color: CanvasText;
  }
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


# mathjs's browser bundle is a UMD script: as a classic script it sets `window.math`, unless
# the page has an AMD `define` (then it registers an anonymous module, an error in
# require.js). Given `module` and `exports` of its own, it takes its CommonJS branch in any
# page; wrapped so, with the export added, it is an ES module a front-end can import() from
# a URL or a blob:, which is what the questions' loader (widgets/quiz_loader.js) does. Its source
# map comment goes (the map is not vendored: DevTools would ask for it in vain).
MATHJS = NODE / "mathjs/lib/browser/math.js"
MATHJS_MODULE = """// mathjs {version} (Apache-2.0, see mathjs.LICENSE.txt): its browser bundle as an ES module
const module = {{ exports: {{}} }};
const exports = module.exports;
{source}
export default module.exports;
"""


def mathjs_module():
    version = json.loads((NODE / "mathjs/package.json").read_text())["version"]
    source = MATHJS.read_text().replace("//# sourceMappingURL=math.js.map", "").rstrip()
    return MATHJS_MODULE.format(version=version, source=source)


def write_mathjs(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(mathjs_module())
    # mathjs's licence, then the notices of what its bundle holds (decimal.js, complex.js, ...)
    notices = "\n".join((NODE / "mathjs" / f).read_text() for f in ("LICENSE", "lib/browser/math.js.LICENSE.txt"))
    (folder / "mathjs.LICENSE.txt").write_text(notices)


def minified(source, what):
    """An ES module's source minified by npm's terser: what every widget page loads counts
    against its weight (the package keeps the readable files)."""
    terser = [shutil.which("node") or "node", str(NODE / "terser/bin/terser"), "--module", "--compress", "--mangle"]
    done = subprocess.run(terser, input=source, capture_output=True, text=True, check=True)
    return f"// softmaxbook's {what}, minified\n" + done.stdout


def quiz_module():
    """quiz.js with its imports inlined by the package's own bundler (stdlib only), minified."""
    spec = importlib.util.spec_from_file_location("_bundle", WIDGETS / "_bundle.py")
    bundler = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bundler)
    return minified(bundler.bundle(WIDGETS / "quiz.js"), "self-check questions (widgets/quiz.js, bundled)")


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
    write_mathjs(VENDOR / "mathjs", "mathjs.js")
    (VENDOR / "quiz.js").write_text(quiz_module())
    (VENDOR / "widgets-host.js").write_text(minified((WIDGETS / "host.js").read_text(), "widget host (host.js)"))
    shutil.rmtree(PACKAGE_VENDOR, ignore_errors=True)
    write_mathjs(PACKAGE_VENDOR, "mathjs.js")
    size = sum(f.stat().st_size for f in VENDOR.rglob("*") if f.is_file())
    print(f"vendored {len(FILES) + 4} assets into {VENDOR.relative_to(ROOT)} ({size / 1e6:.2f} MB), "
          f"and mathjs into {PACKAGE_VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
