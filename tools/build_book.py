"""Build the website with Jupyter Book 1.x: the one place that knows the command.

`make book`, the site tests and the site benchmark all build through `build()`, from the
notebooks' stored outputs (nothing is re-executed), with every Sphinx warning an error:

    .venv/bin/python tools/build_book.py [--out DIR]
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(out=None, quiet=False):
    """Build the HTML site into OUT/_build/html (default: the repository's _build/html).

    -W -n --keep-going: any warning, a broken reference included, fails the build, after all
    pages have been tried. The html folder is emptied and every page written afresh (--all; a
    few seconds): Sphinx copies changed static files (web/*.css, *.js) only along with a
    changed page, and never removes files the site no longer has.
    Returns the html folder; raises CalledProcessError with the output on failure.
    """
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", str(ROOT), "--builder", "html", "--all", "-W", "-n", "--keep-going"]
    if out is not None:
        cmd += ["--path-output", str(out)]
    if quiet:
        cmd.append("-q")
    html = Path(out or ROOT) / "_build" / "html"
    shutil.rmtree(html, ignore_errors=True)
    subprocess.run(cmd, check=True, capture_output=quiet, text=True)
    return html


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder that receives _build/html (default: the repository)")
    html = build(parser.parse_args(argv).out)
    print(f"The site is in {html / 'index.html'}")


if __name__ == "__main__":
    main()
