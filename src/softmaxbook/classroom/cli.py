"""The teacher's commands (`make handouts`, `make grade`, `make solutions` call these):

    python -m softmaxbook.classroom build   [NAME ...] [--no-run-tests] [--book-url URL]
    python -m softmaxbook.classroom grade   NAME SUBMISSIONS_DIR [--csv FILE] [--jobs 2] [limits] [--no-sandbox]
    python -m softmaxbook.classroom release [NAME ...]

`grade` grades every file under the folder (any depth), each in its own sandbox, `--jobs` at a time. It
writes the CSV row by row (a re-run skips unchanged files already graded), one feedback page
per student in FEEDBACK/, and FEEDBACK/class-report.html for the teacher.
"""

import argparse
import concurrent.futures
import contextlib
import os
import signal
import stat
import sys
import time
from pathlib import Path

from . import handouts, reports
from .sandbox import Limits, SandboxUnavailable, remove_cgroups, remove_stale_cgroups, sandbox

_worker = {}


def _start_worker(zip_bytes, name, kind, limits):
    from .grading import Autograder

    # Ctrl-C reaches every process of the terminal's group: the main process decides, and
    # ends a worker with SIGTERM, which ends the submission it is grading first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    _worker["autograder"], _worker["sandbox"] = Autograder(zip_bytes, name), sandbox(kind, limits)
    with contextlib.suppress(Exception):  # a head start only: grade_folder checked that it loads
        _worker["autograder"].preload()


def _stop_worker(signum, frame):
    child = _worker.get("child")
    if child:
        try:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
        except OSError:
            pass
        remove_cgroups(child)
    os._exit(1)


def _grade(path):
    from .grading import Result, grade_isolated

    points = _worker["autograder"].points
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link could point at the solution or /etc
            return Result(scores=dict.fromkeys(points, 0.0), status="invalid",
                          reason="not a regular file (a link, a device or a pipe): not graded")
        return grade_isolated(path, _worker["autograder"], _worker["sandbox"], _worker)
    except Exception as err:  # a fault of the grader's own: that row says so, the run goes on
        return Result(scores=dict.fromkeys(points, 0.0), status="error",
                      reason=f"the grader failed on this file: {type(err).__name__}: {err}"[:500])


def _say(text):
    """Print a progress line; if the reader went away (`grade ... | head`), go on grading quietly."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def grade_folder(name, submissions, csv_path, out, jobs, kind, limits, feedback=None):
    """Grade every file under `submissions`, at any depth; return the grade book.

    Each row is keyed by the file's path relative to the folder (``alice/02-softmax.ipynb``),
    so students in folders of their own never share a row or a feedback page.
    """
    from .grading import Autograder, Result

    submissions = Path(submissions)
    if not submissions.is_dir():
        raise SystemExit(f"error: {submissions} is not a folder of submissions")
    csv_path = Path(csv_path)
    feedback = _feedback_folder(csv_path, feedback, submissions)
    zip_bytes = handouts.autograder_zip(out, name)
    box = sandbox(kind, limits)
    box.check()
    remove_stale_cgroups()  # a run killed outright (SIGKILL) could not remove its own
    autograder = Autograder(zip_bytes, name)
    points = autograder.points
    try:  # what the tests read must load here, or right answers would fail them
        autograder.preload()
    except Exception as err:
        raise SystemExit(f"error: the tests of {name} read data that does not load here: {err}") from None
    try:
        book = reports.GradeBook(csv_path, points)
    except ValueError as err:
        raise SystemExit(f"error: {err}") from None
    files, hidden, unreadable = _submissions(submissions)
    for err in unreadable:
        print(f"warning: cannot read {err.filename!r} ({err.strerror}): what it holds is not graded", file=sys.stderr)
    if hidden:
        _say(f"{hidden} hidden files or folders (names starting with '.') in {submissions}: not graded")
    if not files:
        raise SystemExit(f"no submissions in {submissions}")
    todo = [(p, reports.display_name(p.relative_to(submissions)), reports.fingerprint(p)) for p in files]
    todo = [t for t in todo if not book.done(t[1], t[2])]
    if len(todo) < len(files):
        _say(f"{len(files) - len(todo)} already graded in {csv_path} (unchanged files): skipped")
    t0, done = time.perf_counter(), 0
    pool = concurrent.futures.ProcessPoolExecutor(jobs, initializer=_start_worker,
                                                  initargs=(zip_bytes, name, kind, limits))
    try:
        futures = {pool.submit(_grade, path): (name_, digest) for path, name_, digest in todo}
        for n, future in enumerate(concurrent.futures.as_completed(futures), 1):
            display, digest = futures[future]
            try:
                result = future.result()
            except Exception as err:  # a grading process died: this row says so, the others go on
                result = Result(scores=dict.fromkeys(points, 0.0), status="error",
                                reason=f"the grader failed on this file: {type(err).__name__}: {err}"[:500])
            row, done = book.add(display, digest, result), n
            reports.write_feedback(feedback, name, display, row, result, points)
            note = f"  {result.status}: {result.reason[:300]}" if result.reason or result.status != "graded" else ""
            flags = f"  flags: {row['flags']}" if row["flags"] else ""
            score = f"{row['total']}/{row['possible']}"
            line = f"[{n}/{len(todo)}] {display}: {score} ({result.seconds:.1f} s){note}{flags}"
            _say(reports.printable(line))
    except KeyboardInterrupt:
        _stop_pool(pool)
        print(f"\nstopped: {done} of {len(todo)} graded and written to {csv_path}; "
              "run the same command again to grade the rest", file=sys.stderr)
        raise SystemExit(130) from None
    pool.shutdown()
    report = feedback / "class-report.html"
    report.write_text(reports.class_report(name, book.rows, points), encoding="utf-8")
    _say(f"graded {len(todo)} submissions in {time.perf_counter() - t0:.1f} s -> {csv_path}; "
         f"feedback and the class report in {feedback}")
    return book


def _stop_pool(pool):
    """End the workers and what they are grading now; nothing queued starts."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(10)


def _feedback_folder(csv_path, feedback, submissions):
    """Where the feedback pages go: never inside the folder of submissions (they would be
    graded next time), and the CSV neither."""
    inbox = submissions.resolve()

    def inside(path):
        path = path.resolve()
        return path == inbox or inbox in path.parents

    if inside(csv_path):
        raise SystemExit(f"error: the CSV {csv_path} would be inside the submissions folder {submissions}: "
                         "choose another place (CSV=...)")
    if feedback is not None:
        if inside(Path(feedback)):
            raise SystemExit(f"error: the feedback folder {feedback} would be inside the submissions folder "
                             f"{submissions}: choose another place")
        return Path(feedback).resolve()
    folder = csv_path.with_suffix("")
    if inside(folder) or folder.resolve() in inbox.parents:
        folder = csv_path.with_name(csv_path.stem + "-feedback")
    return folder.resolve()


def _submissions(folder):
    """Every file under the folder, at any depth (links are listed, never followed); hidden
    files and folders (``.ipynb_checkpoints``…) are left out and counted; folders that cannot
    be read (no permission, or deeper than the system's longest path) are named."""
    found, hidden, unreadable = [], 0, []
    for root, dirs, files in os.walk(folder, onerror=lambda err: unreadable.append(err)):
        hidden += sum(d.startswith(".") for d in dirs) + sum(f.startswith(".") for f in files)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]  # os.walk does not enter them
        found += [Path(root, f) for f in sorted(files + links) if not f.startswith(".")]
    return sorted(found), hidden, unreadable


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m softmaxbook.classroom", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=handouts.OUT, help="build folder (default: build/classroom)")
    parser.add_argument("--masters", type=Path, default=handouts.MASTERS, help="the master notebooks' folder")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="student handouts and autograder zips")
    b.add_argument("names", nargs="*")
    b.add_argument("--no-run-tests", dest="run_tests", action="store_false",
                   help="skip running the solutions against the tests")
    b.add_argument("--book-url", default=None,
                   help="the address of your copy of the site: each handout links to its chapter there")
    g = sub.add_parser("grade", help="grade a folder of notebooks into a CSV")
    g.add_argument("name")
    g.add_argument("submissions", type=Path)
    g.add_argument("--csv", type=Path, default=None, help="default: grades-NAME.csv")
    g.add_argument("--feedback", type=Path, default=None, help="feedback folder (default: the CSV's name)")
    g.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    d = Limits()
    g.add_argument("--timeout", type=float, default=d.seconds, help="seconds per submission (its own run)")
    g.add_argument("--memory", type=int, default=d.memory_mib,
                   help="MiB of memory: each process's address space, and all its processes together")
    g.add_argument("--cpu", type=int, default=d.cpu_seconds, help="seconds of CPU time per process")
    g.add_argument("--processes", type=int, default=d.processes, help="processes and threads at once")
    g.add_argument("--file-size", type=int, default=d.file_mib, help="MiB, the largest file it may write")
    g.add_argument("--disk", type=int, default=d.disk_mib, help="MiB, each of its (memory-backed) writable folders")
    g.add_argument("--no-sandbox", action="store_true",
                   help="run submissions unsandboxed (limits only): for code you trust")
    r = sub.add_parser("release", help="solutions without the hidden tests")
    r.add_argument("names", nargs="*")
    a = parser.parse_args(argv)
    try:
        if a.command == "build":
            handouts.build(a.out, a.names, a.run_tests, a.masters, book_url=a.book_url)
        elif a.command == "release":
            handouts.release(a.out, a.names, a.masters)
        else:
            _grade_command(a)
    except (handouts.HandoutError, SandboxUnavailable) as err:
        raise SystemExit(f"error: {err}") from None


def _grade_command(a):
    from .sandbox import Unsandboxed

    limits = Limits(a.timeout, a.memory, a.cpu, a.processes, a.file_size, a.disk)
    kind = "none" if a.no_sandbox else "bubblewrap"
    if a.no_sandbox:
        print(f"warning: --no-sandbox: {Unsandboxed.gives_up}. Limits kept: {limits.describe()}.", file=sys.stderr)
    try:
        box = sandbox(kind, limits)
        box.check()
        for warning in box.warnings():
            print(f"warning: {warning}", file=sys.stderr)
    except SandboxUnavailable as err:
        raise SystemExit(
            f"error: cannot sandbox the submissions: {err}.\n"
            "Choices: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and run again; or grade in "
            "Docker with otter-grader (`otter grade -a build/classroom/NAME/autograder/*.zip -p SUBMISSIONS`); "
            "or, for submissions you trust, add --no-sandbox (it gives up the isolation).") from None
    grade_folder(a.name, a.submissions, a.csv or Path(f"grades-{a.name}.csv"), a.out, a.jobs, kind, limits,
                 a.feedback)
