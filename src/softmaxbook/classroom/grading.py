"""Grade one submission: its code runs in a sandbox, the tests run here.

The assignment's tests are otter-grader's own (the ``tests/*.py`` of the autograder zip, in
otter's OK format) and are scored by otter's own classes, so a score here is the score
`otter run` gives an honest submission. What differs is where the submission's code runs:
in its sandbox (`student`, through a `Session`), never in this process. A test's globals
hold NumPy, softmaxbook and, for each name the test uses that the submission defines,
either the value (data) or an `Answer` that calls the function in the sandbox and returns
only data. So a submission that patches its own ``np.testing`` or otter's checker changes
nothing here.

Every question's public cases run first, then the hidden ones: what the submission says
(its errors, in a failing public case's message) can reach the student's feedback only
before it has seen a hidden input.
"""

import ast
import builtins
import contextlib
import doctest
import io
import json
import os
import resource
import select
import signal
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

import softmaxbook

from . import protocol
from .flags import flags_for_code
from .reports import printable
from .sandbox import remove_cgroups
from .session import Session, Stopped
from .testing import Answer

MAX_NOTEBOOK = 256 << 20  # bytes: a larger file is not a notebook a student wrote (outputs are dropped)
MAX_REASON = 2000  # characters of a row's reason
GRADER_MEMORY = 4 << 30  # bytes of address space for the grader's own work on one submission
GRADER_GRACE = 30.0  # seconds the grader's own work may add to the submission's limit
TRUSTED = {"np": np, "numpy": np, "sb": softmaxbook, "softmaxbook": softmaxbook}


class Case(NamedTuple):
    """One test case's outcome, as the student's feedback shows it."""

    name: str
    hidden: bool
    passed: bool
    message: str  # doctest's report for a failed public case; never shown for a hidden one


@dataclass
class Result:
    """The outcome of grading one submission."""

    scores: dict = field(default_factory=dict)   # question -> points earned
    status: str = "graded"                       # graded, invalid, timeout, crashed, error
    reason: str = ""                             # why, for anything but a clean run
    flags: list = field(default_factory=list)    # what it tried beyond answering
    feedback: dict = field(default_factory=dict)  # question -> [Case]
    seconds: float = 0.0                         # from reading the file to the last score

    def to_json(self):
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text):
        result = cls(**json.loads(text))
        result.feedback = {q: [Case(*c) for c in cases] for q, cases in result.feedback.items()}
        return result


class Autograder:
    """The tests of one assignment, from the bytes of its otter autograder zip, and their points."""

    def __init__(self, zip_bytes, name=""):
        from otter.test_files import OKTestFile  # otter-grader: imported once per grading process

        self.name, self.specs = name, {}
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
            for path in sorted(n for n in z.namelist() if n.startswith("tests/") and n.endswith(".py")):
                scope = {}
                exec(z.read(path).decode(), scope)  # the teacher's own test file (hash checked)
                self.specs[scope["test"]["name"]] = (scope["test"], path)
        self._ok = OKTestFile
        self.points = {q: float(self.test(q).possible) for q in self.specs}
        self.names = {q: _free_names(self.test(q)) for q in self.specs}

    def test(self, question):
        spec, path = self.specs[question]
        return self._ok.from_spec(spec, path)

    def reads_digits(self):
        """Whether a test loads the digits, which need the `data` extra (scikit-learn)."""
        return any("load_digits_split" in case.body for q in self.specs for case in self.test(q).test_cases)

    def preload(self):
        """Load, once per grading process, what the tests would otherwise load in every forked
        child: a test that reads the digits imports scikit-learn, 2 s per submission. Raises
        what loading raises (ImportError without the `data` extra)."""
        if self.reads_digits():
            softmaxbook.load_digits_split()


def _free_names(test):
    """Names a test reads that it does not define and Python does not provide."""
    loaded, stored = set(), set()
    for case in test.test_cases:
        for example in doctest.DocTestParser().get_examples(case.body):
            for node in ast.walk(ast.parse(example.source)):
                if isinstance(node, ast.Name):
                    (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    stored.add(node.name)
                elif isinstance(node, ast.arg):
                    stored.add(node.arg)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    stored.update((a.asname or a.name).split(".")[0] for a in node.names)
    return sorted(loaded - stored - set(dir(builtins)) - set(TRUSTED))


def read_notebook(path, assignment=""):
    """(its code cells as a notebook's JSON text, their sources, a note) or ValueError if the
    file is not a notebook.

    Only the code is graded: outputs and markdown are dropped here, so a notebook heavy with
    stored outputs costs one JSON parse. nbformat 3 notebooks are upgraded first.
    """
    try:
        if Path(path).stat().st_size > MAX_NOTEBOOK:
            raise ValueError(f"larger than {MAX_NOTEBOOK >> 20} MiB")
        with open(path, "rb") as f:
            nb = json.load(f)
        if isinstance(nb, dict) and isinstance(nb.get("nbformat"), int) and nb["nbformat"] < 4:
            import nbformat

            nb = json.loads(nbformat.writes(nbformat.reads(json.dumps(nb), as_version=4)))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or \
                not all(isinstance(c, dict) and isinstance(c.get("cell_type"), str) for c in nb["cells"]):
            raise ValueError("it has no list of cells")
        sources = [c.get("source", "") for c in nb["cells"] if c["cell_type"] == "code"]
        sources = ["".join(s) if isinstance(s, list) and all(isinstance(x, str) for x in s) else s for s in sources]
        if not all(isinstance(s, str) for s in sources):
            raise ValueError("a code cell's source is not text")
    except Exception as err:  # noqa: BLE001 (whatever a malformed file raises, it is not a notebook)
        first = (str(err).splitlines() or [""])[0][:200]
        raise ValueError(f"not a notebook: {type(err).__name__}: {printable(first)}") from None
    meta = nb.get("metadata", {}).get("otter", {}) if isinstance(nb.get("metadata"), dict) else {}
    name = meta.get("assignment_name") if isinstance(meta, dict) else None
    if not name:
        note = "no otter metadata: graded by its code"
    elif assignment and name != assignment:
        note = f"this is the notebook of assignment {printable(str(name))[:60]}, not {assignment}"
    else:
        note = ""
    code = {"cells": [{"cell_type": "code", "source": s} for s in sources], "metadata": {}, "nbformat": 4}
    return json.dumps(code), sources, note


def grade(path, autograder, sandbox):
    """Grade the notebook at `path` with `autograder`'s tests in a fresh `sandbox`: a Result."""
    start = time.monotonic()
    result = Result(scores=dict.fromkeys(autograder.points, 0.0))
    try:
        text, sources, note = read_notebook(path, autograder.name)
    except ValueError as err:
        result.status, result.reason = "invalid", str(err)
        return result
    result.flags = flags_for_code(sources)
    tests = {q: autograder.test(q) for q in autograder.points}
    ran = {q: [] for q in tests}
    notes = [note]
    with tempfile.TemporaryDirectory(prefix="grading-") as folder:
        Path(folder, "submission.ipynb").write_text(text, encoding="utf-8")
        session = Session(sandbox, folder)
        try:
            first = session.receive()
            errors = first.get("errors") if isinstance(first.get("errors"), list) else []
            notes += [printable(str(e))[:300] for e in errors[:20]]
            scopes, missing = {}, []
            for q in tests:
                scopes[q] = _scope(session, autograder.names[q], missing)
            if missing:
                notes.append(f"it defines no {', '.join(dict.fromkeys(missing))}")
            for hidden in (False, True):
                session.hidden = hidden
                for q, test in tests.items():
                    ran[q] += _run_cases(test, scopes[q], hidden)
                    if session.stopped:  # it ended inside a test: doctest caught the Stopped
                        raise session.stopped
            with contextlib.suppress(TimeoutError, OSError, ValueError):
                protocol.send_by(session.requests, {"op": "quit"}, time.monotonic() + 1)
        except Stopped as stop:
            result.status = stop.status
            notes = [f"{stop.reason} (points earned before that are kept)", *notes]
        finally:
            session.stop()
    for q, test in tests.items():
        order = {id(c): i for i, c in enumerate(test.test_cases)}
        test.test_case_results = sorted(ran[q], key=lambda r: order[id(r.test_case)])
        result.scores[q] = float(test.score) if ran[q] else 0.0
        result.feedback[q] = [Case(r.test_case.name, bool(r.test_case.hidden), bool(r.passed),
                                   "" if r.test_case.hidden else _hide_paths(r.message))
                              for r in test.test_case_results]
    result.flags = sorted(set(result.flags) | session.flags)
    result.reason = "; ".join(n for n in notes if n)[:MAX_REASON]
    result.seconds = time.monotonic() - start
    return _checked(result, autograder)


def _scope(session, names, missing):
    scope = {"__builtins__": builtins, **TRUSTED}
    for name in names:
        kind = session.describe(name)
        if kind["kind"] == "callable":
            scope[name] = Answer(session, name)
        elif kind["kind"] == "value":
            try:
                scope[name] = protocol.decode(kind.get("value"))
            except (TypeError, ValueError):
                missing.append(name)
        elif kind["kind"] == "missing":
            missing.append(name)
    return scope


def _run_cases(test, scope, hidden):
    """Run the test's public or hidden cases in `scope` with otter's own doctest runner."""
    from otter.test_files.abstract_test import TestCaseResult
    from otter.test_files.ok_test import run_doctest

    results = []
    for i, case in enumerate(test.test_cases):
        if bool(case.hidden) != hidden:
            continue
        passed, message = run_doctest(f"{test.name} {i}", case.body, scope)
        results.append(TestCaseResult(test_case=case, passed=passed,
                                      message="✅ Test case passed" if passed else "❌ Test case failed\n" + message))
    return results


def _hide_paths(message):
    """A message for the student without the teacher's paths (the Python and the book's folders)."""
    roots = sorted({os.path.dirname(os.path.dirname(softmaxbook.__file__)), os.path.dirname(np.__file__),
                    str(Path(np.__file__).parent.parent)}, key=len, reverse=True)
    for root in roots:
        message = message.replace(root, "…")
    return message


def _checked(result, autograder):
    """A score outside [0, possible] is an error of the grader's, never a grade."""
    for q, score in result.scores.items():
        if not 0 <= score <= autograder.points[q]:
            result.status = "error"
            result.reason = f"{q} scored {score:g} of a possible {autograder.points[q]:g}; " + result.reason
            result.scores = dict.fromkeys(result.scores, 0.0)
    return result


def grade_isolated(path, autograder, sandbox, track=None):
    """`grade` in a child process of its own, with a memory limit and a deadline.

    A notebook built to make the grader's own work huge (millions of statements to scan,
    replies that make a comparison allocate gigabytes) costs at most GRADER_MEMORY and the
    submission's time limit plus GRADER_GRACE; the child and its sandbox are then killed and
    the row says so. The seconds reported are the whole time, grader's work included.
    `track`, a dict, holds the child's pid while it runs (for a worker told to stop).
    """
    track = {} if track is None else track
    start = time.monotonic()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grade, send the result, leave without running the parent's cleanup
        os.close(read)
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_AS, (GRADER_MEMORY, GRADER_MEMORY))
            try:
                result = grade(path, autograder, sandbox)
            except Exception as err:  # a fault of the grader's own: that row says so
                result = Result(scores=dict.fromkeys(autograder.points, 0.0), status="error",
                                reason=f"the grader failed on this file: {type(err).__name__}: {err}"[:500])
            with os.fdopen(write, "w", encoding="utf-8") as out:
                out.write(result.to_json())
        finally:
            os._exit(0)
    os.close(write)
    track["child"] = pid
    deadline = start + sandbox.limits.seconds + GRADER_GRACE
    chunks = []
    with os.fdopen(read, "rb", buffering=0) as pipe:
        while (left := deadline - time.monotonic()) > 0 and select.select([pipe], [], [], left)[0]:
            if not (chunk := pipe.read(1 << 20)):
                break
            chunks.append(chunk)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)  # done or over time: either way it goes now
    os.waitpid(pid, 0)
    track.pop("child", None)
    remove_cgroups(pid)
    seconds = time.monotonic() - start
    try:
        result = Result.from_json(b"".join(chunks).decode())
    except (ValueError, TypeError):
        over = seconds >= deadline - start
        result = Result(scores=dict.fromkeys(autograder.points, 0.0), status="timeout" if over else "error",
                        reason=(f"grading it took longer than {deadline - start:g} s (the grader's own work "
                                "included)" if over else "the grader's work on this file ran out of memory or failed"))
    result.seconds = seconds
    return result
