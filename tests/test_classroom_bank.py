"""Classroom: every submission of every bank (classroom/bank/NAME.yaml: the solution, the blank
handout, realistic buggy answers) graded through the same `python -m softmaxbook.classroom
grade` a teacher runs, one call per assignment; each must receive exactly its recorded score."""

import csv

import nbformat
import pytest

from classroom_helpers import BANK, CASES, NAMES, run_tool, submission


@pytest.fixture(scope="session")
def grades(built, tmp_path_factory):
    """grades(name): {entry: CSV row}, its bank graded through the teacher's command when a test
    first asks (so `-k 11-scale` grades that bank alone)."""
    rows = {}

    def grade(name):
        if name not in rows:
            folder = tmp_path_factory.mktemp(f"submissions-{name}")
            for entry in BANK[name]:
                nbformat.write(submission(built, name, entry), folder / f"{entry}.ipynb")
            table = folder.parent / f"{name}.csv"
            run_tool("--out", built, "grade", name, folder, "--csv", table)
            with open(table) as fh:
                rows[name] = {r["submission"].removesuffix(".ipynb"): r for r in csv.DictReader(fh)}
        return rows[name]

    return grade


@pytest.mark.parametrize("name, entry", CASES, ids=[f"{n}:{e}" for n, e in CASES])
def test_bank_entry_gets_its_exact_score(grades, name, entry):
    row, expected = grades(name)[entry], BANK[name][entry]
    assert row["status"] == "graded", (row["status"], row["reason"])
    assert float(row["total"]) == pytest.approx(expected["total"], abs=1e-9), row
    for q, score in (expected.get("scores") or {}).items():
        assert float(row[q]) == pytest.approx(score, abs=1e-9), (q, row)
    if entry == "solution":
        assert float(row["total"]) == float(row["possible"])


@pytest.mark.parametrize("name", NAMES)
def test_bank_is_complete(name):
    entries = [e for e in BANK[name] if e not in ("solution", "blank")]
    bugs = [e for e in entries if not BANK[name][e].get("correct")]  # `correct`: full marks are right
    assert len(bugs) >= 3 and BANK[name]["blank"]["total"] == 0
    assert all(BANK[name][b]["total"] < BANK[name]["solution"]["total"] for b in bugs)
    assert all(BANK[name][e]["total"] == BANK[name]["solution"]["total"] for e in entries if e not in bugs)
