"""Classroom: handouts, grading without Docker, and solution release, end to end: the handouts
hold no solution or hidden test and run top to bottom, the released solutions hold no hidden
test, the autograder zip grades through `otter run` alone, and the teacher's command survives
bad files, Ctrl-C and an inbox in the wrong place. The banks are graded in
tests/test_classroom_bank.py, the hostile submissions in tests/test_classroom_hostile.py."""

import csv
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from classroom_helpers import (
    NAMES,
    TOOL,
    answer_cells,
    descendants,
    leftover_cgroups,
    run_tool,
    still_running,
    submission,
    survivors,
)


@pytest.mark.parametrize("name", NAMES)
def test_handout_has_no_solutions_or_hidden_tests(built, name):
    student = (built / name / "student" / f"{name}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in student and "hidden: true" not in student
    tests = json.loads(student)["metadata"]["otter"]["tests"]
    assert not [c for t in tests.values() for s in t["suites"] for c in s["cases"] if c["hidden"]]
    hidden = hidden_cases(built, name)
    assert hidden and not any(code in student for code in hidden)
    # ...and keeps every question, each with its public tests and a check cell to run them
    graded = json.loads((built / name / "autograder" / f"{name}.ipynb").read_text())["metadata"]["otter"]["tests"]
    assert set(tests) == set(graded) and set(answer_cells(nbformat.reads(student, as_version=4))) == set(graded)


def hidden_cases(built, name):
    nb = json.loads((built / name / "autograder" / f"{name}.ipynb").read_text())
    return [c["code"].replace(">>> ", "").replace("... ", "").strip()
            for t in nb["metadata"]["otter"]["tests"].values() for s in t["suites"] for c in s["cases"] if c["hidden"]]


@pytest.mark.parametrize("name", NAMES)
def test_blank_handout_runs_top_to_bottom_with_readable_checks(built, name):
    folder = built / name / "student"
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
    for cell in checks:
        text = json.dumps(cell.outputs)
        assert "results" in text and "error" not in [o["output_type"] for o in cell.outputs], text[:500]


def test_release_strips_hidden_tests(built, tmp_path):
    out = shutil.copytree(built, tmp_path / "build")  # the shared build stays as `make handouts` left it
    run_tool("--out", out, "release")
    for name in NAMES:
        released = (out / name / "solutions" / f"{name}.ipynb").read_text()
        assert not any(code in released for code in hidden_cases(out, name)), name
        assert '"hidden": true' not in released and "BEGIN SOLUTION" not in released
        assert "def " in released  # the solutions themselves are there


def test_grading_survives_bad_submissions(built, tmp_path):
    name = NAMES[0]
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "not-a-notebook.ipynb").write_text("this is not JSON")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    nbformat.write(submission(built, name, "solution"), folder / "good.ipynb")
    for label, code in [("endless", "while True:\n    pass"), ("kills-kernel", "import os\nos._exit(1)")]:
        nb = submission(built, name, "blank")
        nb.cells[min(answer_cells(nb).values())].source = code
        nbformat.write(nb, folder / f"{label}.ipynb")
    # A short limit, so the endless loop costs little; an honest notebook takes about a second.
    out = run_tool("--out", built, "grade", name, folder, "--csv", tmp_path / "g.csv", "--timeout", 10)
    assert "[5/5]" in out
    with open(tmp_path / "g.csv") as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    assert rows["good.ipynb"]["total"] == rows["good.ipynb"]["possible"], rows["good.ipynb"]
    assert (rows["endless.ipynb"]["status"], rows["endless.ipynb"]["total"]) == ("timeout", "0")
    assert (rows["kills-kernel.ipynb"]["status"], rows["kills-kernel.ipynb"]["total"]) == ("crashed", "0")
    for bad in ("not-a-notebook.ipynb", "photo.png"):
        assert (rows[bad]["status"], rows[bad]["total"]) == ("invalid", "0"), rows[bad]
        assert "not a notebook" in rows[bad]["reason"]


def test_the_autograder_zip_grades_the_solution_through_otter_run_alone(built, tmp_path):
    """The zip is otter's standard format: what Gradescope or `otter grade` (Docker) would run."""
    import concurrent.futures

    def otter_run(name):
        folder = tmp_path / name
        folder.mkdir()
        nbformat.write(submission(built, name, "solution"), folder / f"{name}.ipynb")
        (zip_path,) = (built / name / "autograder").glob("*.zip")
        subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_path), "-o", str(folder),
                        str(folder / f"{name}.ipynb")], capture_output=True, cwd=folder, timeout=300)
        tests = json.loads((folder / "results.json").read_text())["tests"]
        scored = [t for t in tests if "max_score" in t]
        return name, sum(t["score"] for t in scored), sum(t["max_score"] for t in scored)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for name, score, possible in pool.map(otter_run, NAMES):
            assert possible > 0 and score == possible, (name, score, possible)


PRELOAD = """
import io, sys, zipfile
from softmaxbook.classroom.grading import Autograder
def autograder(code):
    spec = {"name": "q1", "points": 1, "suites": [{"type": "doctest", "cases": [
        {"code": code, "hidden": False, "locked": False}]}]}
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("tests/q1.py", "OK_FORMAT = True\\ntest = " + repr(spec))
    return Autograder(zipped.getvalue(), "q")
for code in (">>> x = 1", ">>> X = sb.load_digits_split()[0]"):
    autograder(code).preload()
    print("sklearn.model_selection" in sys.modules)
"""


def test_a_worker_loads_the_digits_once_for_the_tests_that_read_them():
    """(A part of the grader, tested here with the slow tests: scikit-learn takes seconds to
    import.) Forked per submission, each child would import scikit-learn again (2 s) without it; an
    assignment whose tests do not read the digits does not pay for it."""
    run = subprocess.run([sys.executable, "-c", PRELOAD], capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["False", "True"], run.stderr[-2000:]


def test_grading_stops_before_it_starts_if_the_tests_need_the_digits_and_they_do_not_load(built, tmp_path):
    """Without the `data` extra a right answer would fail the tests that read the digits: the
    teacher is told what to install, and nothing is graded."""
    (tmp_path / "sklearn").mkdir()
    (tmp_path / "sklearn" / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'sklearn'\")")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(submission(built, "08-digits", "solution"), inbox / "ann.ipynb")
    run = subprocess.run([*TOOL, "--out", str(built), "grade", "08-digits", str(inbox), "--csv",
                          str(tmp_path / "g.csv")], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert run.returncode != 0 and "pip install 'softmaxbook[data]'" in run.stderr, run.stderr[-2000:]
    assert not (tmp_path / "g.csv").exists()


def test_no_sandbox_is_a_choice_that_says_what_it_gives_up(built, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(submission(built, NAMES[0], "solution"), inbox / "ann.ipynb")
    run = subprocess.run([*TOOL, "--out", str(built), "grade", NAMES[0], str(inbox), "--csv", str(tmp_path / "g.csv"),
                          "--no-sandbox"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "--no-sandbox" in run.stderr and "can read and change your files" in run.stderr
    with open(tmp_path / "g.csv") as fh:
        (row,) = csv.DictReader(fh)
    assert (row["status"], row["total"]) == ("graded", row["possible"])
    # a second run (after a crash, say) grades only what is missing or changed
    nbformat.write(submission(built, NAMES[0], "blank"), inbox / "bob.ipynb")
    again = run_tool("--out", built, "grade", NAMES[0], inbox, "--csv", tmp_path / "g.csv", "--no-sandbox")
    assert "1 already graded" in again and "[1/1] bob.ipynb: 0/" in again


def test_ctrl_c_stops_the_run_and_everything_it_started(built, tmp_path):
    import os
    import signal
    import time

    name, inbox, table = NAMES[0], tmp_path / "inbox", tmp_path / "g.csv"
    inbox.mkdir()
    marker = f"softmaxbook-ctrl-c-{os.getpid()}"
    nbformat.write(submission(built, name, "solution"), inbox / "a-quick.ipynb")
    for i in range(4):
        nb = submission(built, name, "solution")
        nb.cells.append(nbformat.v4.new_code_cell(
            f"import subprocess, time\nsubprocess.Popen(['sleep', '60', '{marker}'])\ntime.sleep(60)"))
        nbformat.write(nb, inbox / f"slow-{i}.ipynb")
    run = subprocess.Popen([*TOOL, "--out", str(built), "grade", name, str(inbox), "--csv", str(table),
                            "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    try:
        assert "[1/5] a-quick.ipynb" in run.stdout.readline()  # the quick one is graded; two slow ones run
        time.sleep(2)
        started = descendants(run.pid)  # the grader's workers and the slow ones' sandboxes
        assert len(started) >= 4, started
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group gets it
        assert run.wait(timeout=30) == 130
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        _, err = run.communicate()
    assert "stopped: 1 of 5 graded" in err, err
    time.sleep(2)  # nothing goes on grading in the background
    with open(table) as fh:
        assert [r["submission"] for r in csv.DictReader(fh)] == ["a-quick.ipynb"]
    # (other tests may be grading at the same time: only what this run started must be gone)
    assert not survivors(marker) and not still_running(started) and not leftover_cgroups()


def test_feedback_and_the_csv_never_land_in_the_inbox(built, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(submission(built, NAMES[0], "solution"), inbox / "ann.ipynb")
    # CSV=inbox.csv: its default feedback folder would be the inbox itself
    out = run_tool("--out", built, "grade", NAMES[0], inbox, "--csv", tmp_path / "inbox.csv")
    assert sorted(p.name for p in inbox.iterdir()) == ["ann.ipynb"], out
    assert (tmp_path / "inbox-feedback" / "class-report.html").exists()
    for args in (["--csv", inbox / "g.csv"], ["--csv", tmp_path / "g.csv", "--feedback", inbox / "pages"]):
        run = subprocess.run([*TOOL, "--out", str(built), "grade", NAMES[0], str(inbox), *map(str, args)],
                             capture_output=True, text=True)
        assert run.returncode != 0 and "inside the submissions folder" in run.stderr, run.stderr
    assert sorted(p.name for p in inbox.iterdir()) == ["ann.ipynb"]
