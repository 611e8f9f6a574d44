"""Classroom: handouts, grading without Docker, and solution release, end to end.

Every master notebook in classroom/assignments/ is built with `otter assign`, and every
submission of its bank (classroom/bank/NAME.yaml:
the solution, the blank handout, realistic buggy answers) is graded through the same
`python -m softmaxbook.classroom grade` a teacher runs; each must receive exactly its recorded score.
"""

import csv
import html
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TOOL = [sys.executable, "-m", "softmaxbook.classroom", "--masters", str(ROOT / "classroom" / "assignments")]
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
    """The notebook for one bank entry: today's handout with its answers filled in, or the
    solutions (with some answers replaced, for an entry whose `base` is the solution)."""
    spec = BANK.get(name, {}).get(entry) or {}
    if entry == "solution" or spec.get("base") == "solution":
        nb = nbformat.read(out / name / "autograder" / f"{name}.ipynb", as_version=4)
    else:
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
    entries = [e for e in BANK[name] if e not in ("solution", "blank")]
    bugs = [e for e in entries if not BANK[name][e].get("correct")]  # `correct`: full marks are right
    assert len(bugs) >= 3 and BANK[name]["blank"]["total"] == 0
    assert all(BANK[name][b]["total"] < BANK[name]["solution"]["total"] for b in bugs)
    assert all(BANK[name][e]["total"] == BANK[name]["solution"]["total"] for e in entries if e not in bugs)


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


# --- Hostile and unusual submissions (classroom/bank/hostile-NAME.yaml) ------------------------

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


def survivors(marker):
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


def leftover_cgroups():
    return sorted(str(p) for p in Path("/sys/fs/cgroup").glob("**/softmaxbook-grading-*"))


@pytest.fixture(scope="session")
def hostile(built, tmp_path_factory):
    """Grade each hostile bank beside honest classmates, one run per assignment; what each left."""
    import os
    import time

    runs = {}
    for assignment, bank in HOSTILE.items():
        root = tmp_path_factory.mktemp(f"hostile-{assignment}")
        inbox, home, csv_path = root / "inbox", root / "home", root / "grades.csv"
        inbox.mkdir()
        home.mkdir()
        (home / "notes.txt").write_text("the teacher's own file")
        marker = f"softmaxbook-hostile-{os.getpid()}"
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
        teacher = snapshot(built, home)
        classmates = {p: p.read_bytes() for p in inbox.glob("classmate-*")}
        # 20 s: an honest notebook takes about 2 s, on a busy machine (the rest of the suite) 5-8 s
        out = run_tool("--out", built, "grade", assignment, inbox, "--csv", csv_path, "--timeout", HOSTILE_TIMEOUT)
        graded_csv = csv_path.read_bytes()
        time.sleep(5)  # the detached rewriter would strike after 4 s
        with open(csv_path, newline="", encoding="utf-8") as f:
            rows = {r["submission"]: r for r in csv.DictReader(f)}  # raw cells, as a spreadsheet reads them
        pages = {p.name: p.read_text(encoding="utf-8") for p in (root / "grades").glob("feedback-*.html")}
        runs[assignment] = {
            "rows": rows, "names": names, "out": out, "pages": pages, "teacher": teacher == snapshot(built, home),
            "classmates": classmates == {p: p.read_bytes() for p in inbox.glob("classmate-*")},
            "csv": graded_csv == csv_path.read_bytes(), "survivors": survivors(marker),
            "inbox": sorted(p.name for p in inbox.rglob("*") if p.name.startswith(("feedback-", "class-report")))}
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
    assert run["classmates"], "a classmate's notebook changed"
    assert run["csv"], "the CSV changed after the run ended"
    assert not run["survivors"], f"processes started by submissions are still alive: {run['survivors']}"
    assert not leftover_cgroups(), leftover_cgroups()
    for i in range(CLASSMATES):
        row = run["rows"][f"classmate-{i}.ipynb"]
        assert (row["status"], row["total"], row["flags"]) == ("graded", row["possible"], ""), row
    # one row and one feedback page per file, and nothing written into the inbox
    assert len(run["rows"]) == len(HOSTILE[assignment]) + CLASSMATES
    assert len(run["pages"]) == len(run["rows"]) and not run["inbox"]


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
    assert not survivors(marker) and not survivors("softmaxbook.classroom.student") and not leftover_cgroups()


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
