"""The submission's side of grading: runs inside its sandbox, never in the grader.

    python -m softmaxbook.classroom.student NOTEBOOK

It executes the notebook's code cells in order, as Jupyter would (IPython, so magics work;
an error in one cell is recorded and the next cells still run), then answers the grader's
requests on its standard input: describe a name, call a function with arguments, quit. The
tests themselves run in the grader's process, which only ever receives data from here
(`protocol`), so nothing a submission does to its own interpreter can change a test.

While the submission runs, an audit hook (which Python code cannot remove) notes what it
tries that honest answers never do; the notes go back with every reply as ``flags``.
"""

import json
import os
import re
import sys
import tracemalloc
import types

from . import protocol
from .testing import make_forbidden, restore

# Paths an honest answer has no reason to touch: the grader's tests and zips.
_SECRET = re.compile(r"autograder|otter_config|results\.json|\.zip$|/tests/")
_SPAWN = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
          "pty.spawn"}
_NETWORK = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
            "urllib.Request"}


class Watch:
    """The audit hook: what the submission tried, as flag names."""

    def __init__(self, home):
        self.flags = set()
        self.allowed = (os.path.realpath(home), os.devnull)  # its temporary files go to home too
        # Python and its packages read their own files, test folders included: not the submission.
        self.library = tuple(os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, _source_root()))

    def __call__(self, event, args):
        if event == "open":
            self._open(*args[:3])
        elif event in _SPAWN:
            self.flags.add("spawns processes")
        elif event in _NETWORK:
            self.flags.add("reaches the network")
        elif event == "os.kill":
            self.flags.add("signals other processes")

    def _open(self, path, mode, flags):
        if not isinstance(path, (str, bytes)):
            return
        path = os.path.realpath(os.fsdecode(path))
        if _SECRET.search(path) and not path.startswith(self.library):
            self.flags.add("reads or writes the tests")
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writes and not path.startswith(self.allowed):
            self.flags.add("writes outside its folder")


def _source_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _otter_stub():
    """`import otter` in a handout gets this: grader.check(...) does nothing here (the
    grader runs the tests itself), and no time goes into importing otter-grader."""
    otter = types.ModuleType("otter")

    class Notebook:
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    otter.Notebook = Notebook
    return otter


def _code_cells(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    return ["".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def _run_cells(cells):
    """Execute the cells in one namespace; return it and the errors, one line per cell."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(history_length=0)
    shell.history_manager.enabled = False
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` in a notebook: no GUI here, no error
    errors = []
    for n, source in enumerate(cells, 1):
        result = shell.run_cell(source, store_history=False, silent=True)
        err = result.error_before_exec or result.error_in_exec
        if err is not None:
            errors.append(f"cell {n}: {type(err).__name__}: {str(err)[:300]}")
    return shell.user_ns, errors


def _describe(ns, name):
    if name not in ns:
        return {"kind": "missing"}
    value = ns[name]
    if isinstance(value, types.ModuleType):
        return {"kind": "module"}
    if callable(value):
        return {"kind": "callable"}
    try:
        return {"kind": "value", "value": protocol.encode(value)}
    except TypeError as err:
        return {"kind": "unreadable", "why": str(err)}


# Taken before the submission runs, so that what it rebinds later (importlib, tracemalloc,
# softmaxbook's attributes) cannot steer what a test forbids or measures.
_TRACE = (tracemalloc.start, tracemalloc.reset_peak, tracemalloc.get_traced_memory, tracemalloc.is_tracing,
          tracemalloc.stop)
_HELPERS = {}


def _snapshot_helpers():
    import softmaxbook

    for name in softmaxbook.__all__:
        f = getattr(softmaxbook, name)
        _HELPERS[f"softmaxbook.{name}"] = _HELPERS[f"{f.__module__}.{name}"] = f


def _forbid(names):
    """`testing.forbid` on the functions as they were before the submission ran."""
    return make_forbidden([_HELPERS[d] for d in names if d in _HELPERS])


def _call(ns, request):
    f = ns.get(request["name"])
    args = [protocol.decode(a) for a in request["args"]]
    kwargs = {k: protocol.decode(v) for k, v in request["kwargs"].items()}
    start, reset, traced, tracing, stop = _TRACE
    swapped = _forbid(request.get("forbid", ()))
    if request.get("measure"):
        start()
        reset()
    try:
        value = f(*args, **kwargs)
    except BaseException as err:  # the submission's error goes to the test, as the test's own
        return {"raised": {"type": type(err).__name__, "message": str(err)[:2000]}}
    finally:
        # a submission that stopped the tracing itself gets no measure (and fails the test)
        peak = (traced()[1] if tracing() else None) if request.get("measure") else None
        stop()
        restore(swapped)
    try:
        return {"value": protocol.encode(value), "args": [protocol.encode(a) for a in args], "peak": peak}
    except TypeError as err:
        return {"raised": {"type": "TypeError", "message": f"{request['name']} returned {err}"}}


def main(path):
    # The protocol keeps the original stdin/stdout; the submission gets /dev/null and a log.
    requests, replies = os.fdopen(os.dup(0), "r", encoding="utf-8"), os.fdopen(os.dup(1), "w", encoding="utf-8")
    null, log = os.open(os.devnull, os.O_RDONLY), os.open("output.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.modules["otter"] = _otter_stub()
    os.makedirs(os.environ.get("TMPDIR", "tmp"), exist_ok=True)
    watch = Watch(os.getcwd())
    cells = _code_cells(path)
    import numpy  # noqa: F401  (imported before the hook: its own file access is not the submission's)

    _snapshot_helpers()
    if any("matplotlib" in source for source in cells):
        import matplotlib.pyplot  # noqa: F401  (its first import builds a font cache with a subprocess: not the submission's)

    sys.addaudithook(watch)
    ns, errors = _run_cells(cells)
    protocol.send(replies, {"ran": len(cells), "errors": errors, "flags": sorted(watch.flags)})
    while (request := protocol.receive(requests)) is not None and request.get("op") != "quit":
        if request["op"] == "describe":
            reply = _describe(ns, request["name"])
        else:
            reply = _call(ns, request)
        protocol.send(replies, {**reply, "flags": sorted(watch.flags)})


if __name__ == "__main__":
    main(sys.argv[1])
