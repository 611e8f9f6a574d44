"""The conversation with one submission's sandboxed process, under one deadline.

Every read and every write on the channel waits at most until the submission's deadline:
its own time limit counts the grader's waiting too, so a submission that stops reading (or
stops answering) is stopped at its limit, never held forever. What it sends back is only
data (`protocol`), bounded before it is decoded. `Watchdog` holds the memory of all its
processes together and measures the peak of a call from outside its reach.
"""

import builtins
import contextlib
import os
import queue
import signal
import sys
import threading
import time

from . import protocol
from .reports import printable
from .sandbox import Watchdog

STUDENT = [sys.executable, "-I", "-m", "softmaxbook.classroom.student", "submission.ipynb"]
CHANNEL = "writes to the grader's channel"
# What the sandbox's audit hook may report; nothing else a reply claims is taken.
RUNTIME_FLAGS = {"spawns processes", "reaches the network", "signals other processes", "reads or writes the tests",
                 "writes outside its folder", "tampers with the interpreter"}


class SubmissionError(Exception):
    """An exception the submission's code raised, of a type that is not a Python builtin."""


class Stopped(Exception):
    """The submission's process ended or ran out of time; the message says which."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Session:
    """One submission's process in its sandbox, from its start to `stop`.

    While `hidden` is set (the hidden tests are running), a stop is reported without what
    the submission made of it (an exit code, its last words): nothing it sees then may reach
    the student's feedback.
    """

    def __init__(self, sandbox, folder):
        self.sandbox, self.limits = sandbox, sandbox.limits
        self.process = sandbox.start(folder, STUDENT)
        self.deadline = time.monotonic() + self.limits.seconds
        self.watchdog = Watchdog(self.process, self.limits.memory_mib << 20)
        self.requests = self.process.stdin.fileno()
        os.set_blocking(self.requests, False)
        self.flags, self.lines, self.stopped, self.hidden = set(), queue.Queue(maxsize=1), None, False
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
            raise self._timeout() from None
        if line is None:
            raise self._stop("crashed", self._death())
        try:
            reply = protocol.parse(line)
            flags = reply.get("flags", [])
            self.flags.update(f for f in flags if isinstance(f, str) and f in RUNTIME_FLAGS)
            return reply
        except (ValueError, TypeError):
            self.flags.add(CHANNEL)
            raise self._stop("error", "the submission wrote over the grader's channel") from None

    def request(self, message):
        if self.stopped:
            raise self.stopped
        try:
            protocol.send_by(self.requests, message, self.deadline)
        except TimeoutError:
            raise self._timeout() from None
        except (BrokenPipeError, OSError, ValueError):
            raise self._stop("crashed", self._death()) from None
        return self.receive()

    def describe(self, name):
        """What the submission's `name` is: ``{"kind": "callable" | "value" | "missing" | ...}``."""
        reply = self.request({"op": "describe", "name": name})
        if reply.get("kind") not in ("callable", "value", "missing", "module", "unreadable"):
            raise self._stop("error", "the submission wrote over the grader's channel")
        return reply

    def call(self, name, args, kwargs, forbid=(), measure=False):
        """``(value, peak)``: the submission's `name` called on data; `peak` (with `measure`)
        is the resident memory its processes added at most during the call, in bytes."""
        sent = {"op": "call", "name": name, "args": [protocol.encode_argument(a) for a in args],
                "kwargs": {k: protocol.encode_argument(v) for k, v in kwargs.items()}, "forbid": list(forbid)}
        base = self.watchdog.start_measure() if measure else 0
        reply = self.request(sent)
        peak = max(0, self.watchdog.peak() - base) if measure else None
        if "raised" in reply:
            raised = reply["raised"] if isinstance(reply["raised"], dict) else {}
            kind = getattr(builtins, str(raised.get("type")), None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                kind = SubmissionError
            raise kind(str(raised.get("message", ""))[:2000])
        try:
            value, theirs = protocol.decode(reply["value"]), [protocol.decode(a) for a in reply["args"]]
        except (KeyError, TypeError, ValueError):
            self.flags.add(CHANNEL)
            raise self._stop("error", "the submission wrote over the grader's channel") from None
        for mine, back in zip(args, theirs, strict=False):
            _copy_back(mine, back)  # the function changed its input in place
        return value, peak

    def _timeout(self):
        return self._stop("timeout", f"took longer than {self.limits.seconds:g} s (an endless loop?)")

    def _stop(self, status, reason):
        """Remember why the submission stopped: doctest swallows exceptions, the grader must not."""
        if self.hidden:
            reason = f"{reason.split(':')[0]}, during a hidden test"
        self.stopped = Stopped(status, reason)
        return self.stopped

    def _death(self):
        try:
            code = self.process.wait(timeout=max(0.1, self.deadline - time.monotonic()))
        except Exception:  # noqa: BLE001 (its pipe closed but it lives on: it is stopped below)
            return "it closed the grader's channel"
        if self.watchdog.over:
            return f"its processes used more than {self.limits.memory_mib} MiB of memory together"
        if code < 0:
            why = {signal.SIGKILL: "killed (memory or process limit?)",
                   signal.SIGXCPU: f"over its CPU time limit ({self.limits.cpu_seconds} s)",
                   signal.SIGXFSZ: f"wrote a file over {self.limits.file_mib} MiB"}
            return f"its process was {why.get(-code, f'ended by signal {-code}')}"
        if self.hidden:
            return "its process exited"
        os.set_blocking(self.process.stderr.fileno(), False)  # a process it left may hold the pipe open
        with contextlib.suppress(OSError, TypeError):
            tail = printable((self.process.stderr.read1(4096) or b"")[-300:].decode("utf-8", "replace").strip())
            return f"its process exited with code {code}" + (f": {tail}" if tail else "")
        return f"its process exited with code {code}"

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()  # the sandbox's PID namespace goes with it
        self.process.wait()
        self.watchdog.stop()
        for _ in range(100):  # let the reader see the end of its pipe, then go
            with contextlib.suppress(queue.Empty):
                self.lines.get_nowait()
            self.reader.join(0.01)
            if not self.reader.is_alive():
                break
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.sandbox.release(self.process)


def _copy_back(mine, theirs):
    import numpy as np

    if isinstance(mine, np.ndarray) and mine.flags.writeable and isinstance(theirs, np.ndarray) \
            and theirs.shape == mine.shape:
        np.copyto(mine, theirs, casting="unsafe")
