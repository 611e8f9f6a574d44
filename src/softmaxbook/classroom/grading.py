"""Grade one submission: its code runs in a sandbox, the tests run here.

The assignment's tests are otter-grader's own (the ``tests/*.py`` of the autograder zip, in
otter's OK format) and are scored by otter's own classes, so a score here is the score
`otter run` gives an honest submission. What differs is where the submission's code runs:
in its sandbox (`student`), never in this process. A test's globals hold NumPy, softmaxbook
and, for each name the test uses that the submission defines, either the value (data) or an
`Answer` that calls the function in the sandbox and returns only data. So a submission
that patches its own ``np.testing`` or otter's checker changes nothing here.
"""

import ast
import builtins
import contextlib
import doctest
import hashlib
import json
import queue
import signal
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import softmaxbook

from . import protocol
from .flags import flags_for_code
from .testing import Answer

STUDENT = [sys.executable, "-I", "-m", "softmaxbook.classroom.student", "submission.ipynb"]
MAX_NOTEBOOK = 64 << 20  # bytes: a larger file is not a notebook a student wrote
MAX_REASON = 2000  # characters of a row's reason
CHANNEL = "writes to the grader's channel"
RUNTIME_FLAGS = {"spawns processes", "reaches the network", "signals other processes", "reads or writes the tests",
                 "writes outside its folder"}  # what the sandbox's audit hook may report; nothing else is taken
TRUSTED = {"np": np, "numpy": np, "sb": softmaxbook, "softmaxbook": softmaxbook}


@dataclass
class Result:
    """The outcome of grading one submission."""

    scores: dict = field(default_factory=dict)   # question -> points earned
    status: str = "graded"                       # graded, invalid, timeout, crashed, error
    reason: str = ""                             # why, for anything but a clean run
    flags: list = field(default_factory=list)    # what it tried beyond answering
    feedback: dict = field(default_factory=dict)  # question -> [(case, hidden, passed, message)]
    seconds: float = 0.0                         # its own time, sandbox start to end


class Autograder:
    """The tests of one assignment, from its otter autograder zip, and their points."""

    def __init__(self, zip_path):
        from otter.test_files import OKTestFile  # otter-grader: imported once per grading process

        self.zip_path = Path(zip_path)
        self.sha256 = hashlib.sha256(self.zip_path.read_bytes()).hexdigest()
        self.specs = {}
        with zipfile.ZipFile(self.zip_path) as z:
            for name in sorted(n for n in z.namelist() if n.startswith("tests/") and n.endswith(".py")):
                scope = {}
                exec(z.read(name).decode(), scope)  # the teacher's own test file (hash checked)
                self.specs[scope["test"]["name"]] = (scope["test"], name)
        self._ok = OKTestFile
        self.points = {q: float(self.test(q).possible) for q in self.specs}
        self.names = {q: _free_names(self.test(q)) for q in self.specs}

    def test(self, question):
        spec, path = self.specs[question]
        return self._ok.from_spec(spec, path)


def _free_names(test):
    """Names a test reads that it does not define and Python does not provide."""
    loaded, stored = set(), set()
    for case in test.test_cases:
        for example in doctest.DocTestParser().get_examples(case.body):
            for node in ast.walk(ast.parse(example.source)):
                if isinstance(node, ast.Name):
                    (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    stored.update((a.asname or a.name).split(".")[0] for a in node.names)
    return sorted(loaded - stored - set(dir(builtins)) - set(TRUSTED))


class SubmissionError(Exception):
    """An exception the submission's code raised, of a type that is not a Python builtin."""


class Stopped(Exception):
    """The submission's process ended or ran out of time; the message says which."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Session:
    """The conversation with one submission's sandboxed process, under one deadline."""

    def __init__(self, process, deadline, limits):
        self.process, self.deadline, self.limits = process, deadline, limits
        self.flags, self.lines, self.stopped = set(), queue.Queue(maxsize=1), None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        # One reply at a time, each at most MAX_LINE bytes: a submission cannot fill the grader's memory.
        while line := self.process.stdout.readline(protocol.MAX_LINE + 1):
            if len(line) > protocol.MAX_LINE:
                self.lines.put(b"")
                return
            self.lines.put(line)
        self.lines.put(None)

    def receive(self):
        if self.stopped:
            raise self.stopped
        try:
            line = self.lines.get(timeout=max(0.0, self.deadline - time.monotonic()))
        except queue.Empty:
            raise self._stop("timeout", f"took longer than {self.limits.seconds:g} s (an endless loop?)") from None
        if line is None:
            raise self._stop("crashed", self._death())
        try:
            reply = json.loads(line)
            self.flags.update(f for f in reply.get("flags", []) if f in RUNTIME_FLAGS)
            if not isinstance(reply, dict):
                raise ValueError
            return reply
        except (ValueError, AttributeError, TypeError):
            self.flags.add(CHANNEL)
            raise self._stop("error", "the submission wrote over the grader's channel") from None

    def _stop(self, status, reason):
        """Remember why the submission stopped: doctest swallows exceptions, the grader must not."""
        self.stopped = Stopped(status, reason)
        return self.stopped

    def _death(self):
        code = self.process.wait()
        if code < 0:
            why = {signal.SIGKILL: "killed (memory or process limit?)",
                   signal.SIGXCPU: f"over its CPU time limit ({self.limits.cpu_seconds} s)",
                   signal.SIGXFSZ: f"wrote a file over {self.limits.file_mib} MiB"}
            return f"its process was {why.get(-code, f'ended by signal {-code}')}"
        tail = _printable(self.process.stderr.read(4096)[-300:].strip())
        return f"its process exited with code {code}" + (f": {tail}" if tail else "")

    def request(self, message):
        if self.stopped:
            raise self.stopped
        try:
            protocol.send(self.process.stdin, message)
        except (BrokenPipeError, OSError, ValueError):
            raise self._stop("crashed", self._death()) from None
        return self.receive()

    def call(self, name, args, kwargs, forbid=(), measure=False):
        reply = self.request({"op": "call", "name": name, "args": [protocol.encode(a) for a in args],
                              "kwargs": {k: protocol.encode(v) for k, v in kwargs.items()},
                              "forbid": list(forbid), "measure": measure})
        if "raised" in reply:
            kind = getattr(builtins, reply["raised"]["type"], None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                kind = SubmissionError
            raise kind(reply["raised"]["message"])
        for mine, theirs in zip(args, reply["args"], strict=True):
            _copy_back(mine, protocol.decode(theirs))  # the function changed its input in place
        return protocol.decode(reply["value"]), reply["peak"]

    def stop(self, sandbox):
        if self.process.poll() is None:
            self.process.kill()  # the sandbox's PID namespace goes with it
        self.process.wait()
        for _ in range(100):  # let the reader see the end of its pipe, then go
            with contextlib.suppress(queue.Empty):
                self.lines.get_nowait()
            self.reader.join(0.01)
            if not self.reader.is_alive():
                break
        sandbox.release(self.process)


def _copy_back(mine, theirs):
    if isinstance(mine, np.ndarray) and mine.flags.writeable and isinstance(theirs, np.ndarray) \
            and theirs.shape == mine.shape:
        np.copyto(mine, theirs, casting="unsafe")


def read_notebook(path):
    """(the notebook as nbformat 4 JSON, code-cell sources, a note) or ValueError if it is none.

    Older formats (nbformat 3) are upgraded; anything nbformat cannot read is not a notebook.
    """
    import nbformat

    try:
        if Path(path).stat().st_size > MAX_NOTEBOOK:
            raise ValueError(f"larger than {MAX_NOTEBOOK >> 20} MiB")
        nb = nbformat.reads(Path(path).read_bytes().decode("utf-8"), as_version=4)
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        if not all(isinstance(s, str) for s in sources):
            raise ValueError("a code cell's source is not text")
    except Exception as err:  # noqa: BLE001 (whatever a malformed file raises, it is not a notebook)
        first = (str(err).splitlines() or [""])[0][:200]
        raise ValueError(f"not a notebook: {type(err).__name__}: {_printable(first)}") from None
    meta = nb.metadata.get("otter", {})
    note = "" if isinstance(meta, dict) and meta.get("assignment_name") else "no otter metadata: graded by its code"
    return nbformat.writes(nb), sources, note


def grade(path, autograder, sandbox):
    """Grade the notebook at `path` with `autograder`'s tests in a fresh `sandbox`: a Result."""
    result = Result(scores={q: 0.0 for q in autograder.points})
    try:
        text, sources, note = read_notebook(path)
    except ValueError as err:
        return Result(scores=result.scores, status="invalid", reason=str(err))
    result.flags = flags_for_code(sources)
    with tempfile.TemporaryDirectory(prefix="grading-") as folder:
        Path(folder, "submission.ipynb").write_text(text, encoding="utf-8")
        start = time.monotonic()
        session = Session(sandbox.start(folder, STUDENT), start + sandbox.limits.seconds, sandbox.limits)
        notes = [note]
        try:
            ran = session.receive()
            notes += [_printable(str(e))[:300] for e in ran.get("errors", [])[:20] if isinstance(e, str)]
            for question in autograder.points:
                _run_question(session, autograder, question, result)
                if session.stopped:  # it ended inside a test: doctest caught the Stopped
                    raise session.stopped
            with contextlib.suppress(OSError, ValueError):
                protocol.send(session.process.stdin, {"op": "quit"})
        except Stopped as stop:
            result.status = stop.status
            notes = [f"{stop.reason} (points earned before that are kept)", *notes]
        finally:
            session.stop(sandbox)
            result.seconds = time.monotonic() - start
    result.flags = sorted(set(result.flags) | session.flags)
    result.reason = "; ".join(n for n in notes if n)[:MAX_REASON]
    return _checked(result, autograder)


def _printable(text):
    """Text safe for a terminal and a CSV cell: control characters shown as escapes."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode() for c in text)


def _run_question(session, autograder, question, result):
    scope = {"__builtins__": builtins, **TRUSTED}
    for name in autograder.names[question]:
        kind = session.request({"op": "describe", "name": name})
        if kind["kind"] == "callable":
            scope[name] = Answer(session, name)
        elif kind["kind"] == "value":
            scope[name] = protocol.decode(kind["value"])
    test = autograder.test(question)
    test.run(scope)
    result.scores[question] = float(test.score)
    result.feedback[question] = [(r.test_case.name, r.test_case.hidden, r.passed, r.message)
                                 for r in test.test_case_results]


def _checked(result, autograder):
    """A score outside [0, possible] is an error of the grader's, never a grade."""
    for q, score in result.scores.items():
        if not 0 <= score <= autograder.points[q]:
            result.status = "error"
            result.reason = f"{q} scored {score:g} of a possible {autograder.points[q]:g}; " + result.reason
            result.scores = {q: 0.0 for q in result.scores}
    return result
