"""What the classroom tests share: the banks, the teacher's command, the bank's notebooks, and
one build of every handout and autograder per test session, shared by pytest-xdist's workers
(`built`, in tests/conftest.py)."""

import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

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


def survivors(marker):
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


def descendants(pid):
    """The processes under `pid` now, each as (pid, start time): a pid reused later is not them."""
    parents, started = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's name
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        started[int(stat.parent.name)] = fields[19]
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append((child, started[child]))
            todo.append(child)
    return found


def still_running(processes):
    """Those of `processes` (from `descendants`) that still run."""
    alive = []
    for pid, start in processes:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19] == start:
                alive.append(pid)
        except OSError:
            pass
    return alive


def leftover_cgroups():
    """Grading cgroups whose grading process has ended (another test may be grading right now)."""
    groups = Path("/sys/fs/cgroup").glob("**/softmaxbook-grading-*")
    return sorted(str(g) for g in groups if not Path(f"/proc/{g.name.split('-')[2]}").exists())
