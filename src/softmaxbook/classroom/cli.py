"""The teacher's commands (`make handouts`, `make grade`, `make solutions` call these):

    python -m softmaxbook.classroom build   [NAME ...] [--no-run-tests]
    python -m softmaxbook.classroom grade   NAME SUBMISSIONS_DIR [--csv FILE] [--jobs 2] [limits] [--no-sandbox]
    python -m softmaxbook.classroom release [NAME ...]

`grade` grades every file in the folder, each in its own sandbox, `--jobs` at a time. It
writes the CSV row by row (a re-run skips unchanged files already graded), one feedback page
per student in FEEDBACK/, and FEEDBACK/class-report.html for the teacher.
"""

import argparse
import concurrent.futures
import os
import stat
import sys
import time
from pathlib import Path

from . import handouts, reports
from .grading import Result, _printable
from .sandbox import Limits, SandboxUnavailable, sandbox

_worker = {}


def _start_worker(zip_path, kind, limits):
    from .grading import Autograder

    _worker["autograder"], _worker["sandbox"] = Autograder(zip_path), sandbox(kind, limits)


def _grade(path):
    from .grading import grade

    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link could point at the solution or /etc
            return Result(scores={q: 0.0 for q in _worker["autograder"].points}, status="invalid",
                          reason="not a regular file (a link, a device or a pipe): not graded")
        return grade(path, _worker["autograder"], _worker["sandbox"])
    except Exception as err:  # a fault of the grader's own: that row says so, the run goes on
        return Result(scores={q: 0.0 for q in _worker["autograder"].points}, status="error",
                      reason=f"the grader failed on this file: {type(err).__name__}: {err}"[:500])


def grade_folder(name, submissions, csv_path, out, jobs, kind, limits, feedback=None):
    """Grade every file in `submissions`; return the grade book."""
    from .grading import Autograder

    zip_path = handouts.autograder_zip(out, name)
    box = sandbox(kind, limits)
    box.check()
    points = Autograder(zip_path).points
    book = reports.GradeBook(csv_path, points)
    feedback = Path(feedback or Path(csv_path).with_suffix("")).resolve()
    files = _submissions(Path(submissions))
    if not files:
        raise SystemExit(f"no submissions in {submissions}")
    todo = [(p, reports.display_name(p.relative_to(submissions)), reports.fingerprint(p)) for p in files]
    todo = [t for t in todo if not book.done(t[1], t[2])]
    if len(todo) < len(files):
        print(f"{len(files) - len(todo)} already graded in {csv_path} (unchanged files): skipped")
    t0 = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(jobs, initializer=_start_worker,
                                                initargs=(zip_path, kind, limits)) as pool:
        futures = {pool.submit(_grade, path): (name_, digest) for path, name_, digest in todo}
        for n, future in enumerate(concurrent.futures.as_completed(futures), 1):
            display, digest = futures[future]
            try:
                result = future.result()
            except Exception as err:  # a grading process died: this row says so, the others go on
                result = Result(scores=dict.fromkeys(points, 0.0), status="error",
                                reason=f"the grader failed on this file: {type(err).__name__}: {err}"[:500])
            row = book.add(display, digest, result)
            reports.write_feedback(feedback, name, display, digest, row, result, points)
            note = f"  {result.status}: {result.reason[:300]}" if result.reason or result.status != "graded" else ""
            flags = f"  flags: {row['flags']}" if row["flags"] else ""
            score = f"{row['total']}/{row['possible']}"
            line = f"[{n}/{len(todo)}] {display}: {score} ({result.seconds:.1f} s){note}{flags}"
            print(_printable(line), flush=True)
    report = feedback / "class-report.html"
    report.write_text(reports.class_report(name, book.rows, points), encoding="utf-8")
    print(f"graded {len(todo)} submissions in {time.perf_counter() - t0:.1f} s -> {csv_path}; "
          f"feedback and the class report in {feedback}")
    return book


def _submissions(folder):
    """Every entry of the folder, and the files one level down (one folder per student, as
    learning platforms download them); hidden files are left out."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            found += [p for p in sorted(entry.iterdir()) if not p.name.startswith(".") and not p.is_dir()]
        else:
            found.append(entry)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m softmaxbook.classroom", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=handouts.OUT, help="build folder (default: build/classroom)")
    parser.add_argument("--masters", type=Path, default=handouts.MASTERS, help="the master notebooks' folder")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="student handouts and autograder zips")
    b.add_argument("names", nargs="*")
    b.add_argument("--no-run-tests", dest="run_tests", action="store_false",
                   help="skip running the solutions against the tests")
    g = sub.add_parser("grade", help="grade a folder of notebooks into a CSV")
    g.add_argument("name")
    g.add_argument("submissions", type=Path)
    g.add_argument("--csv", type=Path, default=None, help="default: grades-NAME.csv")
    g.add_argument("--feedback", type=Path, default=None, help="feedback folder (default: the CSV's name)")
    g.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    d = Limits()
    g.add_argument("--timeout", type=float, default=d.seconds, help="seconds per submission (its own run)")
    g.add_argument("--memory", type=int, default=d.memory_mib, help="MiB of memory per process")
    g.add_argument("--cpu", type=int, default=d.cpu_seconds, help="seconds of CPU time per process")
    g.add_argument("--processes", type=int, default=d.processes, help="processes and threads at once")
    g.add_argument("--file-size", type=int, default=d.file_mib, help="MiB, the largest file it may write")
    g.add_argument("--no-sandbox", action="store_true",
                   help="run submissions unsandboxed (limits only): for code you trust")
    r = sub.add_parser("release", help="solutions without the hidden tests")
    r.add_argument("names", nargs="*")
    a = parser.parse_args(argv)
    try:
        if a.command == "build":
            handouts.build(a.out, a.names, a.run_tests, a.masters)
        elif a.command == "release":
            handouts.release(a.out, a.names, a.masters)
        else:
            _grade_command(a)
    except (handouts.HandoutError, SandboxUnavailable) as err:
        raise SystemExit(f"error: {err}") from None


def _grade_command(a):
    from .sandbox import Unsandboxed

    limits = Limits(a.timeout, a.memory, a.cpu, a.processes, a.file_size)
    kind = "none" if a.no_sandbox else "bubblewrap"
    if a.no_sandbox:
        print(f"warning: --no-sandbox: {Unsandboxed.gives_up}. Limits kept: {limits.describe()}.", file=sys.stderr)
    try:
        sandbox(kind, limits).check()
    except SandboxUnavailable as err:
        raise SystemExit(
            f"error: cannot sandbox the submissions: {err}.\n"
            "Choices: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and run again; or grade in "
            "Docker with otter-grader (`otter grade -a build/classroom/NAME/autograder/*.zip -p SUBMISSIONS`); "
            "or, for submissions you trust, add --no-sandbox (it gives up the isolation).") from None
    grade_folder(a.name, a.submissions, a.csv or Path(f"grades-{a.name}.csv"), a.out, a.jobs, kind, limits,
                 a.feedback)
