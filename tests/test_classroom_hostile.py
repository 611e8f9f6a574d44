"""Classroom: hostile and unusual submissions (classroom/bank/hostile-NAME.yaml), each graded
beside honest classmates through the teacher's command, one run per assignment: the score,
status and flags each must get, and nothing else touched, mixed or left running."""

import csv
import html
from pathlib import Path

import nbformat
import pytest
import yaml

from classroom_helpers import ROOT, answer_cells, leftover_cgroups, run_tool, submission, survivors

HOSTILE = {p.stem.removeprefix("hostile-"): yaml.safe_load(p.read_text())
           for p in sorted((ROOT / "classroom" / "bank").glob("hostile-*.yaml"))}
HOSTILE_CASES = [(a, e) for a in HOSTILE for e in HOSTILE[a]]
CLASSMATES = 3
HOSTILE_TIMEOUT = 20


def hostile_notebook(out, assignment, spec, fill):
    if "notebook_of" in spec:
        return submission(out, spec["notebook_of"], "solution")
    nb = submission(out, assignment, spec["base"])
    cells = answer_cells(nb)
    for q, code in (spec.get("answers") or {}).items():
        nb.cells[cells[q]].source = code
    for code in spec.get("cells", []):
        for key, value in fill.items():
            code = code.replace("{" + key + "}", str(value))
        nb.cells.append(nbformat.v4.new_code_cell(code * spec.get("repeat", 1)))
    if spec.get("fresh"):  # only its code: no otter metadata, no grader cells, no markdown
        code = [c for c in nb.cells if c.cell_type == "code" and "otter" not in c.source and "grader." not in c.source]
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in code])
    if spec.get("outputs_mib"):  # stored outputs, as a notebook full of printed arrays has
        text = "0123456789abcdef" * (1 << 16)  # 1 MiB
        nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text=text) for _ in range(spec["outputs_mib"])]
    return nb


def snapshot(*folders):
    return {p: p.read_bytes() for f in folders for p in sorted(Path(f).rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def hostile(built, tmp_path_factory):
    """Grade each hostile bank beside honest classmates, one run per assignment, the runs at
    the same time (as two terminals would); what each left."""
    import concurrent.futures
    import os
    import time
    from types import SimpleNamespace

    inboxes = {}
    for assignment, bank in HOSTILE.items():
        marker = f"softmaxbook-hostile-{os.getpid()}-{assignment}"
        root = tmp_path_factory.mktemp(f"hostile-{assignment}")
        inbox, home, csv_path = root / "inbox", root / "home", root / "grades.csv"
        inbox.mkdir()
        home.mkdir()
        (home / "notes.txt").write_text("the teacher's own file")
        fill = {"build": built, "inbox": inbox, "csv": csv_path, "home": home, "marker": marker}
        names = {}
        for entry, spec in bank.items():
            file_name = spec.get("filename", spec.get("path", f"{entry}.ipynb").encode())
            path = os.path.join(os.fsencode(inbox), file_name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            names[entry] = file_name.decode("utf-8", "backslashreplace")
            if "link" in spec:
                os.symlink(spec["link"].replace("{build}", str(built)), path)
                continue
            with open(path, "w") as f:
                nbformat.write(hostile_notebook(built, assignment, spec, fill), f)
        for i in range(CLASSMATES):
            nbformat.write(submission(built, assignment, "solution"), inbox / f"classmate-{i}.ipynb")
        inboxes[assignment] = SimpleNamespace(root=root, inbox=inbox, home=home, csv=csv_path, names=names,
                                              marker=marker)
    for run in inboxes.values():
        run.teacher, run.submitted = snapshot(built, run.home), snapshot(run.inbox)

    def grade(assignment):
        run = inboxes[assignment]
        # 20 s: an honest notebook takes about 2 s, on a busy machine (the rest of the suite) 5-8 s
        out = run_tool("--out", built, "grade", assignment, run.inbox, "--csv", run.csv, "--timeout", HOSTILE_TIMEOUT)
        return out, run.csv.read_bytes()

    with concurrent.futures.ThreadPoolExecutor(len(inboxes)) as pool:
        graded = dict(zip(inboxes, pool.map(grade, inboxes), strict=True))
    time.sleep(5)  # the detached rewriter would strike after 4 s
    runs = {}
    for assignment, run in inboxes.items():
        out, graded_csv = graded[assignment]
        with open(run.csv, newline="", encoding="utf-8") as f:
            rows = {r["submission"]: r for r in csv.DictReader(f)}  # raw cells, as a spreadsheet reads them
        pages = {p.name: p.read_text(encoding="utf-8") for p in (run.root / "grades").glob("feedback-*.html")}
        runs[assignment] = {
            "rows": rows, "names": run.names, "out": out, "pages": pages,
            "teacher": run.teacher == snapshot(built, run.home), "inbox_kept": run.submitted == snapshot(run.inbox),
            "survivors": survivors(run.marker), "csv": graded_csv == run.csv.read_bytes(),
            "inbox": sorted(p.name for p in run.inbox.rglob("*") if p.name.startswith(("feedback-", "class-report")))}
    return runs


def feedback_of(run, name):
    """The feedback page of the row `name` (its page names a readable part of the path and its score)."""
    pages = [text for text in run["pages"].values() if f"feedback for {html.escape(name)}<" in text]
    assert len(pages) == 1, (name, len(pages))
    return pages[0]


@pytest.mark.parametrize("assignment, entry", HOSTILE_CASES, ids=[f"{a}:{e}" for a, e in HOSTILE_CASES])
def test_hostile_submission_gets_what_a_correct_grader_gives(hostile, assignment, entry):
    run, expect = hostile[assignment], HOSTILE[assignment][entry]["expect"]
    row = run["rows"][expect.get("submission", run["names"][entry])]
    assert (row["status"], float(row["total"])) == (expect["status"], expect["total"]), row
    assert row["flags"] == "; ".join(expect["flags"]), row
    assert expect.get("reason", "") in row["reason"], row
    assert float(row["seconds"]) < HOSTILE_TIMEOUT + 30, row  # its limit, and the grader's own work's bound
    if "feedback_excludes" in expect:
        page = feedback_of(run, row["submission"])
        leaked = [text for text in expect["feedback_excludes"] if text in page]
        assert not leaked, (leaked, page[-2000:])


@pytest.mark.parametrize("assignment", list(HOSTILE))
def test_hostile_run_leaves_everyone_else_untouched(hostile, assignment):
    run = hostile[assignment]
    assert run["teacher"], "the build folder (autograders, hashes) or the teacher's home changed"
    assert run["inbox_kept"], "a file in the inbox changed, or one was added or removed"
    assert run["csv"], "the CSV changed after the run ended"
    assert not run["survivors"], f"processes started by submissions are still alive: {run['survivors']}"
    assert not leftover_cgroups(), leftover_cgroups()
    for i in range(CLASSMATES):
        row = run["rows"][f"classmate-{i}.ipynb"]
        assert (row["status"], row["total"], row["flags"]) == ("graded", row["possible"], ""), row
    # one row and one feedback page per file, and nothing written into the inbox
    assert len(run["rows"]) == len(HOSTILE[assignment]) + CLASSMATES
    assert len(run["pages"]) == len(run["rows"]) and not run["inbox"]
