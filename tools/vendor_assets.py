"""Copy the web assets the pages need from node_modules/ into web/vendor/.

node_modules/ comes from the npm registry (`npm ci`, pinned by package-lock.json); only
the files a page loads are copied, so the site serves them itself and never asks a CDN.

    python tools/vendor_assets.py
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "web" / "vendor"

# source under node_modules -> destination under web/vendor (a folder copies whole)
FILES = {
    "requirejs/require.js": "require.js",
    # The widget manager for static pages, an AMD bundle; its fonts resolve from its own path.
    "@jupyter-widgets/html-manager/dist": "@jupyter-widgets/html-manager/dist",
    # anywidget's front-end, the same AMD module the Python package ships.
    "anywidget/dist/index.js": "anywidget/dist/index.js",
    # MathJax 3 (the major version Sphinx 7 configures), trimmed to TeX input and CHTML
    # output: the one-file component, the fonts it draws with, the TeX extensions it
    # autoloads (\boldsymbol, \cancel, ...) and the accessibility explorer of its menu.
    # Left out: the 3.9 MB speech engine, loaded only if a reader turns speech on.
    "mathjax/es5/tex-chtml.js": "mathjax/tex-chtml.js",
    "mathjax/es5/output/chtml/fonts/woff-v2": "mathjax/output/chtml/fonts/woff-v2",
    "mathjax/es5/input/tex/extensions": "mathjax/input/tex/extensions",
    "mathjax/es5/a11y": "mathjax/a11y",
    "mathjax/es5/ui": "mathjax/ui",
}
# embed-amd.js is all a page loads; the other bundles are alternatives to it.
SKIP = shutil.ignore_patterns("*.map", "embed.js", "embed.js.LICENSE.txt", "libembed-amd.js")


def main():
    if not NODE.is_dir():
        sys.exit("node_modules/ is missing: run `npm ci` first (make setup does)")
    shutil.rmtree(VENDOR, ignore_errors=True)
    for src, dst in FILES.items():
        src, dst = NODE / src, VENDOR / dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=SKIP)
        else:
            shutil.copy2(src, dst)
    size = sum(f.stat().st_size for f in VENDOR.rglob("*") if f.is_file())
    print(f"vendored {len(FILES)} assets into {VENDOR.relative_to(ROOT)} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
