"""How fast the teacher's grading is: 30 submissions of one assignment, graded as `make grade`
does (each in its own sandbox, two at a time). Not a test: it measures and prints.

    .venv/bin/python benchmarks/bench_grading.py [--assignment 02-softmax] [--count 30] [--jobs 2]

The submissions are the assignment's bank (classroom/bank/NAME.yaml: the solution, the blank
handout, realistic wrong answers) repeated to `--count`. Printed: the wall time of the whole
run, notebooks per minute, and the median and range of each submission's own seconds.
"""

import argparse
import collections
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import classroom_helpers as bank  # noqa: E402  (the bank's notebooks, made the way the tests make them)

CLI = [sys.executable, "-m", "softmaxbook.classroom", "--masters", str(ROOT / "classroom" / "assignments")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02-softmax")
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, inbox = Path(tmp) / "build", Path(tmp) / "inbox"
        inbox.mkdir()
        subprocess.run([*CLI, "--out", out, "build", "--no-run-tests", a.assignment], check=True, capture_output=True)
        entries = list(bank.BANK[a.assignment])
        for i in range(a.count):
            entry = entries[i % len(entries)]
            nbformat.write(bank.submission(out, a.assignment, entry), inbox / f"{i:02d}-{entry}.ipynb")
        t0 = time.perf_counter()
        subprocess.run([*CLI, "--out", out, "grade", a.assignment, inbox, "--csv", Path(tmp) / "g.csv",
                        "--jobs", str(a.jobs)], check=True, capture_output=True)
        wall = time.perf_counter() - t0
        with open(Path(tmp) / "g.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        seconds = [float(r["seconds"]) for r in rows]
        statuses = collections.Counter(r["status"] for r in rows)
    print(f"{a.count} submissions of {a.assignment}, {a.jobs} at a time")
    print(f"wall time            {wall:6.1f} s   ({a.count / wall * 60:.0f} notebooks per minute)")
    print(f"statuses             {dict(statuses)} (a bench of crashes measures nothing)")
    print(f"per submission       median {statistics.median(seconds):.2f} s, "
          f"range {min(seconds):.2f}-{max(seconds):.2f} s (reading it to its last score)")


if __name__ == "__main__":
    main()
