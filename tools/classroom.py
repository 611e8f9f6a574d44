"""The teacher's commands: build handouts, grade a folder of submissions, release solutions.

Assignments are otter-grader master notebooks in classroom/assignments/ (question, solution,
public and hidden tests in one place). Nothing here needs Docker or a server:

    python tools/classroom.py build   [NAME ...] [--no-run-tests]
    python tools/classroom.py grade   NAME SUBMISSIONS_DIR [--csv grades.csv] [--timeout 120] [--jobs 2]
    python tools/classroom.py release [NAME ...]

`build` runs `otter assign` on every master (which also runs the solutions against all the
tests, so a broken test or solution stops it; --no-run-tests skips that check):
OUT/NAME/student/NAME.ipynb is the handout (no solutions, no hidden tests),
OUT/NAME/autograder/ holds the grading zip. `grade` grades each
notebook in a folder with `otter run` in its own process, with a time limit; a notebook that
is not a notebook, crashes its kernel or runs out of time gets 0 and a reason in the CSV,
and the run goes on. `release` writes OUT/NAME/solutions/NAME.ipynb: the solutions, with the
hidden tests stripped.
"""

import argparse
import concurrent.futures
import copy
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "classroom" / "assignments"
OUT = ROOT / "build" / "classroom"
OTTER = [sys.executable, "-m", "otter"]


def masters(names=None):
    found = sorted(MASTERS.glob("*.ipynb"))
    if names:
        found = [m for m in found if m.stem in names]
        missing = set(names) - {m.stem for m in found}
        if missing:
            sys.exit(f"no assignment named {', '.join(sorted(missing))} in {MASTERS}")
    return found


def build(out, names=None, run_tests=True):
    """otter assign every master into OUT/NAME/{student,autograder}."""
    for master in masters(names):
        dest = out / master.stem
        print(f"building {master.stem}", flush=True)
        check = [] if run_tests else ["--no-run-tests"]
        run = subprocess.run([*OTTER, "assign", *check, str(master), str(dest)], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"otter assign failed for {master.name}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    print(f"handouts: {out}/<name>/student/<name>.ipynb")


def autograder_zip(out, name):
    zips = sorted((out / name / "autograder").glob("*.zip"))
    if not zips:
        sys.exit(f"no autograder for {name!r} in {out}: run `build` first")
    return zips[-1]


def questions(out, name):
    """Question names and points, from the autograder notebook's test metadata."""
    nb = json.loads((out / name / "autograder" / f"{name}.ipynb").read_text())
    tests = nb["metadata"]["otter"]["tests"]
    return {q: float(t["points"]) for q, t in sorted(tests.items())}


def grade_one(path, zip_path, timeout):
    """Score one submission: ({question: score}, status, reason)."""
    try:
        nbformat.read(path, as_version=4)
    except Exception as err:  # any unreadable file is a 0 with a reason, not a crash
        return {}, "invalid", f"not a notebook: {type(err).__name__}: {str(err).splitlines()[0][:200]}"
    with tempfile.TemporaryDirectory() as tmp:
        # A session of its own, so a time-out stops the kernel running the student's code too.
        run = subprocess.Popen([*OTTER, "run", "--no-logo", "-a", str(zip_path), "-o", tmp, str(path.resolve())],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp,
                               start_new_session=True)
        try:
            _, stderr = run.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
            return {}, "timeout", f"took longer than {timeout:g} s (an endless loop?)"
        results = Path(tmp) / "results.json"
        if run.returncode != 0 or not results.exists():
            last = (stderr.strip().splitlines() or ["no output"])[-1]
            return {}, "crashed", f"grading failed: {last[:300]}"
        tests = json.loads(results.read_text())["tests"]
    return {t["name"]: float(t["score"]) for t in tests if "max_score" in t}, "graded", ""


def grade(name, submissions, csv_path, out, timeout, jobs):
    zip_path, points = autograder_zip(out, name), questions(out, name)
    files = sorted(p for p in Path(submissions).iterdir() if p.is_file())
    if not files:
        sys.exit(f"no submissions in {submissions}")
    rows, t0 = {}, time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, f, zip_path, timeout): f for f in files}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            f = futures[future]
            scores, status, reason = future.result()
            total = sum(scores.get(q, 0.0) for q in points)
            rows[f.name] = {"submission": f.name, **{q: scores.get(q, 0.0) for q in points},
                            "total": total, "possible": sum(points.values()), "status": status, "reason": reason}
            note = f"  {status}: {reason}" if reason else ""
            print(f"[{done}/{len(files)}] {f.name}: {total:g}/{sum(points.values()):g}{note}", flush=True)
    with open(csv_path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["submission", *points, "total", "possible", "status", "reason"])
        writer.writeheader()
        writer.writerows(rows[k] for k in sorted(rows))
    print(f"graded {len(files)} submissions in {time.perf_counter() - t0:.1f} s -> {csv_path}")


def release(out, names=None):
    """Solution notebooks with the hidden tests stripped, outputs cleared."""
    for master in masters(names):
        name = master.stem
        nb = nbformat.read(out / name / "autograder" / f"{name}.ipynb", as_version=4)
        nb = copy.deepcopy(nb)
        for test in nb.metadata.get("otter", {}).get("tests", {}).values():
            for suite in test.get("suites", []):
                suite["cases"] = [c for c in suite["cases"] if not c.get("hidden")]
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines = cell.source.splitlines()
                markers = ("# BEGIN SOLUTION", "# END SOLUTION")
                cell.source = "\n".join(line for line in lines if line.strip() not in markers)
                cell.outputs, cell.execution_count = [], None
        dest = out / name / "solutions" / f"{name}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
        print(f"released {dest}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="build folder (default: build/classroom)")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="student handouts and autograder zips")
    b.add_argument("names", nargs="*")
    b.add_argument("--no-run-tests", dest="run_tests", action="store_false",
                   help="skip running the solutions against the tests")
    g = sub.add_parser("grade", help="grade a folder of notebooks into a CSV")
    g.add_argument("name")
    g.add_argument("submissions", type=Path)
    g.add_argument("--csv", type=Path, default=Path("grades.csv"))
    g.add_argument("--timeout", type=float, default=120, help="seconds per notebook")
    g.add_argument("--jobs", type=int, default=2, help="notebooks graded at once")
    r = sub.add_parser("release", help="solutions without the hidden tests")
    r.add_argument("names", nargs="*")
    a = parser.parse_args(argv)
    if a.command == "build":
        build(a.out, a.names, a.run_tests)
    elif a.command == "grade":
        grade(a.name, a.submissions, a.csv, a.out, a.timeout, a.jobs)
    else:
        release(a.out, a.names)


if __name__ == "__main__":
    main()
