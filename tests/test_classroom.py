"""Classroom: handouts, grading without Docker, and solution release, end to end.

Every master notebook in classroom/assignments/ is built with `otter assign`, and every
submission of its bank (classroom/bank/NAME.yaml:
the solution, the blank handout, realistic buggy answers) is graded through the same
`tools/classroom.py grade` a teacher runs; each must receive exactly its recorded score.
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TOOL = [sys.executable, str(ROOT / "tools" / "classroom.py")]
NAMES = sorted(p.stem for p in (ROOT / "classroom" / "assignments").glob("*.ipynb"))
BANK = {n: yaml.safe_load((ROOT / "classroom" / "bank" / f"{n}.yaml").read_text()) for n in NAMES}
CASES = [(n, entry) for n in NAMES for entry in BANK[n]]


def run_tool(*args):
    run = subprocess.run([*TOOL, *map(str, args)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout


def answer_cells(nb):
    """{question: index of its answer cell}: the code cell just before grader.check("qK")."""
    cells = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.startswith("grader.check("):
            q = cell.source.split('"')[1]
            cells[q] = max(j for j in range(i) if nb.cells[j].cell_type == "code")
    return cells


def submission(out, name, entry):
    """The notebook for one bank entry, made from today's handout (or the solutions)."""
    if entry == "solution":
        return nbformat.read(out / name / "autograder" / f"{name}.ipynb", as_version=4)
    nb = nbformat.read(out / name / "student" / f"{name}.ipynb", as_version=4)
    cells = answer_cells(nb)
    for q, code in (BANK[name][entry].get("answers") or {}).items():
        nb.cells[cells[q]].source = code
    return nb


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    # --no-run-tests: otter assign would run each solution against every test; the bank's
    # "solution" entry is graded through the teacher's command below and must get full marks,
    # which checks the same thing (and is the master's one execution in the suite).
    out = tmp_path_factory.mktemp("classroom")
    run_tool("--out", out, "build", "--no-run-tests")
    return out


@pytest.fixture(scope="session")
def grades(built, tmp_path_factory):
    """Grade every bank through the teacher's command; {(name, entry): CSV row}."""
    rows = {}
    for name in NAMES:
        folder = tmp_path_factory.mktemp(f"submissions-{name}")
        for entry in BANK[name]:
            nbformat.write(submission(built, name, entry), folder / f"{entry}.ipynb")
        table = folder.parent / f"{name}.csv"
        run_tool("--out", built, "grade", name, folder, "--csv", table)
        with open(table) as fh:
            rows.update({(name, r["submission"].removesuffix(".ipynb")): r for r in csv.DictReader(fh)})
    return rows


@pytest.mark.parametrize("name, entry", CASES, ids=[f"{n}:{e}" for n, e in CASES])
def test_bank_entry_gets_its_exact_score(grades, name, entry):
    row, expected = grades[(name, entry)], BANK[name][entry]
    assert row["status"] == "graded", (row["status"], row["reason"])
    assert float(row["total"]) == pytest.approx(expected["total"], abs=1e-9), row
    for q, score in (expected.get("scores") or {}).items():
        assert float(row[q]) == pytest.approx(score, abs=1e-9), (q, row)
    if entry == "solution":
        assert float(row["total"]) == float(row["possible"])


@pytest.mark.parametrize("name", NAMES)
def test_bank_is_complete(name):
    bugs = [e for e in BANK[name] if e not in ("solution", "blank")]
    assert len(bugs) >= 3 and BANK[name]["blank"]["total"] == 0
    assert all(BANK[name][b]["total"] < BANK[name]["solution"]["total"] for b in bugs)


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


def test_release_strips_hidden_tests(built):
    run_tool("--out", built, "release")
    for name in NAMES:
        released = (built / name / "solutions" / f"{name}.ipynb").read_text()
        assert not any(code in released for code in hidden_cases(built, name)), name
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
    # A short limit, so the endless loop costs little; the honest notebook still fits in it.
    out = run_tool("--out", built, "grade", name, folder, "--csv", tmp_path / "g.csv", "--timeout", 20)
    assert "[5/5]" in out
    with open(tmp_path / "g.csv") as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    assert rows["good.ipynb"]["total"] == rows["good.ipynb"]["possible"], rows["good.ipynb"]
    assert (rows["endless.ipynb"]["status"], rows["endless.ipynb"]["total"]) == ("timeout", "0.0")
    assert (rows["kills-kernel.ipynb"]["status"], rows["kills-kernel.ipynb"]["total"]) == ("crashed", "0.0")
    for bad in ("not-a-notebook.ipynb", "photo.png"):
        assert (rows[bad]["status"], rows[bad]["total"]) == ("invalid", "0.0"), rows[bad]
        assert "not a notebook" in rows[bad]["reason"]
