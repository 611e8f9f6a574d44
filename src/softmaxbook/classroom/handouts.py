"""Handouts, autograders and solutions from the master notebooks (otter-grader's format).

Each master in ``classroom/assignments/`` holds the questions, the solutions and the public
and hidden tests. `build` runs ``otter assign`` on it: ``OUT/NAME/student/NAME.ipynb`` is
the handout (no solutions, no hidden tests) and ``OUT/NAME/autograder/`` the grading zip,
whose SHA-256 is recorded beside it so that grading can refuse a zip changed since.
`release` writes the solutions with the hidden tests stripped.

A master names each chapter by title and file, as ``**Chapter 8, Title** (`chapters/08-digits.ipynb`)``.
Given the address of the teacher's copy of the site (``make handouts BOOK_URL=...``), the
handout's introduction links each to its page there, ``BOOK_URL/chapters/08-digits.html``;
without it, the handout names the chapter and links nothing.
"""

import copy
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import nbformat

MASTERS = Path("classroom/assignments")  # both relative to the book's folder, where make runs
OUT = Path("build/classroom")
# `otter assign` for each master given as MASTER DEST pairs, in one Python: importing otter
# takes 1.7 s, assigning a master 0.1 s (without its tests run). Each master done is printed.
ASSIGN = """import sys, traceback
from otter.assign import main
for master, dest in zip(sys.argv[2::2], sys.argv[3::2]):
    try:
        main(master, dest, no_run_tests=sys.argv[1] == "no-run-tests")
    except Exception:
        sys.exit(f"otter assign failed for {master}:\\n{traceback.format_exc()[-3000:]}")
    print("assigned", master, flush=True)
"""
# A chapter as a master names it: its title in bold, then its file.
CHAPTER = re.compile(r"\*\*(Chapter \d+, [^*\n]+)\*\*\s+\(`(chapters/[\w.-]+)\.ipynb`\)")


class HandoutError(RuntimeError):
    pass


def masters(names=None, folder=MASTERS):
    """The master notebooks, all or those named."""
    found = sorted(Path(folder).glob("*.ipynb"))
    if names:
        found = [m for m in found if m.stem in names]
        missing = set(names) - {m.stem for m in found}
        if missing:
            raise HandoutError(f"no assignment named {', '.join(sorted(missing))} in {folder}")
    return found


def build(out=OUT, names=None, run_tests=True, folder=MASTERS, book_url=None):
    """otter assign each master into OUT/NAME/{student,autograder}; record the zip's hash.

    With `run_tests`, otter runs the solutions against every test first, so a broken test
    or solution stops the build. With `book_url` (the teacher's copy of the site), each
    handout's introduction links the chapters it names to their pages there.
    """
    if book_url is not None and not re.match(r"[a-z][a-z0-9+.-]*://\S+$", book_url, re.IGNORECASE):
        raise HandoutError(f"the book's address must be a full URL such as https://example.org/book; got {book_url!r}")
    found = masters(names, folder)
    print(f"building {', '.join(m.stem for m in found)}", flush=True)
    pairs = [str(p) for m in found for p in (m, Path(out) / m.stem)]
    run = subprocess.run([sys.executable, "-c", ASSIGN, "run-tests" if run_tests else "no-run-tests", *pairs],
                         capture_output=True, text=True)
    assigned = set(re.findall(r"^assigned (.*)$", run.stdout, re.MULTILINE))
    for master in (m for m in found if str(m) in assigned):  # those done, even if a later one failed
        dest = Path(out) / master.stem
        zips = sorted((dest / "autograder").glob("*.zip"))
        for old in zips[:-1]:
            old.unlink()  # one zip per assignment: the one whose hash is recorded
        hash_file(dest).write_text(f"{_sha256(zips[-1])}  {zips[-1].name}\n")
        if book_url is not None:
            link_handout(dest / "student" / f"{master.stem}.ipynb", book_url)
    if run.returncode != 0:
        failed = run.stderr[run.stderr.find("otter assign failed"):] if "otter assign failed" in run.stderr else ""
        raise HandoutError(failed or f"otter assign failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    print(f"handouts: {out}/<name>/student/<name>.ipynb")


def link_chapters(text, book_url):
    """`text` with each chapter named as **Chapter N, Title** (`chapters/NAME.ipynb`) turned
    into a link to BOOK_URL/chapters/NAME.html, the file name kept beside it."""
    base = book_url.rstrip("/")
    return CHAPTER.sub(lambda m: f"[{m[1]}]({base}/{m[2]}.html) (`{m[2]}.ipynb`)", text)


def link_handout(path, book_url):
    """Link the chapters named in a handout's introduction (its first Markdown cell)."""
    nb = nbformat.read(path, as_version=4)
    intro = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if intro is not None and CHAPTER.search(intro.source):
        intro.source = link_chapters(intro.source, book_url)
        nbformat.write(nb, path)


def hash_file(folder):
    return Path(folder) / "autograder.sha256"


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def autograder_zip(out, name):
    """The bytes of the assignment's autograder zip, read once and checked to be the one
    `build` made (what grading then uses is exactly what was checked)."""
    folder = Path(out) / name
    zips = sorted((folder / "autograder").glob("*.zip"))
    if not zips:
        raise HandoutError(f"no autograder for {name!r} in {out}: run `make handouts` first")
    if not hash_file(folder).exists():
        raise HandoutError(f"{hash_file(folder)} is missing: run `make handouts` again to record the autograder")
    expected, _, recorded = hash_file(folder).read_text().strip().partition("  ")
    data = zips[0].read_bytes() if len(zips) == 1 else b""
    if len(zips) != 1 or zips[0].name != recorded or hashlib.sha256(data).hexdigest() != expected:
        raise HandoutError(f"the autograder in {folder / 'autograder'} is not the one `make handouts` built "
                           f"(its hash differs): rebuild it with `make handouts` before grading")
    return data


def release(out=OUT, names=None, folder=MASTERS):
    """Write OUT/NAME/solutions/NAME.ipynb: the solutions, hidden tests stripped, no outputs."""
    for master in masters(names, folder):
        name = master.stem
        nb = copy.deepcopy(nbformat.read(Path(out) / name / "autograder" / f"{name}.ipynb", as_version=4))
        for test in nb.metadata.get("otter", {}).get("tests", {}).values():
            for suite in test.get("suites", []):
                suite["cases"] = [c for c in suite["cases"] if not c.get("hidden")]
        markers = ("# BEGIN SOLUTION", "# END SOLUTION")
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
                cell.outputs, cell.execution_count = [], None
        dest = Path(out) / name / "solutions" / f"{name}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
        print(f"released {dest}")
