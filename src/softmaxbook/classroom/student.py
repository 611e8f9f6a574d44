"""The submission's side of grading: runs inside its sandbox, never in the grader.

    python -m softmaxbook.classroom.student NOTEBOOK

It executes the notebook's code cells in order, as Jupyter would (IPython for a cell with a
magic or a shell line; an error in one cell is recorded and the next cells still run), then
answers the grader's requests on its standard input: describe a name, call a function with
arguments, quit. The
tests themselves run in the grader's process, which only ever receives data from here
(`protocol`), so nothing a submission does to its own interpreter can change a test.

While the submission runs, an audit hook (which Python code cannot remove) notes what it
tries that honest answers never do; the notes go back with every reply as ``flags``.
"""

import json
import os
import re
import sys
import types
from collections.abc import Iterator

from . import protocol
from .testing import make_forbidden, restore

# Paths an honest answer has no reason to touch: the grader's tests and zips.
_SECRET = re.compile(r"autograder|otter_config|results\.json|\.zip$|/tests/")
_SPAWN = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
          "pty.spawn"}
_NETWORK = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
            "urllib.Request"}
INTERPRETER = "tampers with the interpreter"


def _key(code):
    """What makes two code objects run the same: a renamed copy, or one with another docstring
    or constant, has the same key."""
    return code.co_code, code.co_names


class Watch:
    """The audit hook: what the submission tried, as flag names, and what it may not do.

    Python code cannot remove an audit hook, and a hook that raises stops the operation. So
    this one refuses what would let a submission sidestep a test: running a copy of the
    package's own code (a function made from a library function's code object, a module
    compiled again from the package's source, or that code put back on a function the test
    forbids) and resetting the memory high-water mark the grader reads; and, while a test is
    calling it (`guarded`), starting processes.
    """

    def __init__(self, home, library_codes=frozenset()):
        self.flags = set()
        self.allowed = (os.path.realpath(home), os.devnull)
        # Python and its packages read their own files, test folders included: not the submission.
        self.library = tuple(os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, _source_root()))
        self.library_codes, self.guarded, self.trusted = library_codes, False, False

    def __call__(self, event, args):
        if event == "open":
            self._open(*args[:3])
        elif event in _SPAWN:
            self.flags.add("spawns processes")
            if self.guarded:
                raise PermissionError("a test is calling this function: it may not start processes now")
        elif event in _NETWORK:
            self.flags.add("reaches the network")
        elif event == "os.kill":
            self.flags.add("signals other processes")
        elif event in ("function.__new__", "exec") and self._library(args[0]):
            self._refuse("runs a copy of the package's own code")
        elif event == "object.__setattr__" and not self.trusted and _grader_own(args[0]):
            self._refuse("changes the grader's own code")
        elif event == "object.__setattr__" and args[1] == "__code__" and not self.trusted and (
                self._library(args[2]) or self._library(getattr(args[0], "__code__", None))):
            self._refuse("changes the code of the package's functions")

    def _library(self, code):
        """Whether `code`, or any code it holds (a module's functions), is the package's own."""
        todo = [code] if isinstance(code, types.CodeType) else []
        while todo:
            c = todo.pop()
            if _key(c) in self.library_codes:
                return True
            todo += [k for k in c.co_consts if isinstance(k, types.CodeType)]
        return False

    def _refuse(self, what):
        self.flags.add(INTERPRETER)
        raise PermissionError(f"the grader does not allow this: it {what}")

    def _open(self, path, mode, flags):
        if not isinstance(path, (str, bytes)):
            return
        path = os.path.realpath(os.fsdecode(path))
        if path.endswith("/clear_refs"):  # would reset the memory peak the grader measures
            self._refuse("resets the kernel's memory counters")
        if _SECRET.search(path) and not path.startswith(self.library):
            self.flags.add("reads or writes the tests")
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        # Besides its folder, the sandbox's own /tmp and /dev/shm (memory, gone at the end) are
        # its to use; a path there that does not exist is someone else's (the teacher's, say).
        scratch = path.startswith(("/tmp/", "/dev/shm/")) and os.path.isdir(os.path.dirname(path))
        if writes and not path.startswith(self.allowed) and not scratch:
            self.flags.add("writes outside its folder")


_CLASSROOM = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _grader_own(obj):
    """Whether `obj` is a function or class of this grading code: its code, defaults and methods
    are what `_call` relies on, and setting them raises the audit event this is checked on. (By
    where its code was compiled: this module runs as __main__, as the submission's cells do.)"""
    if isinstance(obj, type):
        return any(_grader_own(v) for v in vars(obj).values())
    return isinstance(obj, types.FunctionType) and obj.__code__.co_filename.startswith(_CLASSROOM)


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


# `%pip install x` or `!pip install x` in a cell: the grader installs nothing (there is no
# network), so the line is skipped rather than run and flagged as a process.
_INSTALL = re.compile(r"^[ \t]*(?:%|!)[ \t]*(?:pip|conda|mamba|uv)\b.*$", re.MULTILINE)


# A cell with a magic (`%matplotlib inline`), a shell line (`!ls`) or a help line (`np.exp?`)
# needs IPython; plain Python cells run as they are, which saves IPython's start-up.
_IPYTHON = re.compile(r"^[ \t]*[%!]|\?[ \t]*$", re.MULTILINE)


def _run_cells(cells):
    """Execute the cells in one namespace, as Jupyter would; return it and the errors, one
    line per cell (an error in one cell is recorded and the next cells still run)."""
    import builtins

    ns = {"__name__": "__main__", "__builtins__": builtins, "display": lambda *args, **kwargs: None}
    shell, errors = None, []
    for n, source in enumerate(cells, 1):
        source = _INSTALL.sub("pass", source)
        try:
            if _IPYTHON.search(source):
                shell = shell or _shell(ns)
                result = shell.run_cell(source, store_history=False, silent=True)
                if (err := result.error_before_exec or result.error_in_exec) is not None:
                    raise err
            else:
                exec(compile(source, f"<cell {n}>", "exec"), ns)
        except BaseException as err:  # noqa: BLE001 (sys.exit() in a cell ends that cell, as in Jupyter)
            errors.append(f"cell {n}: {type(err).__name__}: {str(err)[:300]}")
    return ns, errors


def _shell(ns):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(user_ns=ns, history_length=0)
    shell.history_manager.enabled = False
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` in a notebook: no GUI here, no error
    return shell


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


def _library():
    """The package's functions by dotted name (as they were before the submission ran, so
    that what it rebinds later cannot steer what a test forbids), and their code's keys."""
    import softmaxbook

    helpers = {}
    for name in softmaxbook.__all__:
        f = getattr(softmaxbook, name)
        helpers[f"softmaxbook.{name}"] = helpers[f"{f.__module__}.{name}"] = f
    codes = {_key(f.__code__) for module in list(sys.modules.values())
             if getattr(module, "__name__", "").startswith("softmaxbook")
             for f in vars(module).values() if isinstance(f, types.FunctionType)}
    return helpers, frozenset(codes)


def _call(ns, request, watch, helpers, forbid=make_forbidden, unforbid=restore, encode=protocol.encode,
          decode=protocol.decode):
    """Call one of the submission's functions for a test; the reply holds only data.

    While a test forbids library functions, their code is swapped for code that raises (and
    the audit hook refuses any copy of the original, or putting it back); while a test
    watches, no process may start: the grader measures memory from outside, and counts
    only these processes.
    """
    f = ns.get(request["name"])
    # The grader's own functions are bound as defaults, before any cell ran: rebinding the
    # module's names cannot reach them, and changing the defaults is refused (`_grader_own`).
    args = [decode(a) for a in request["args"]]
    kwargs = {k: decode(v) for k, v in request["kwargs"].items()}
    watch.trusted = True
    swapped = forbid([helpers[d] for d in request.get("forbid", ()) if d in helpers])
    watch.trusted, watch.guarded = False, True
    try:
        value = f(*args, **kwargs)
    except BaseException as err:  # the submission's error goes to the test, as the test's own
        return {"raised": {"type": type(err).__name__, "message": str(err)[:2000]}}
    finally:
        watch.guarded, watch.trusted = False, True
        unforbid(swapped)
        watch.trusted = False
    try:
        # An iterator argument was read by the function: nothing of it goes back.
        back = [None if isinstance(a, Iterator) else encode(a) for a in args]
        return {"value": encode(value), "args": back}
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
    cells = _code_cells(path)
    import numpy  # noqa: F401  (imported before the hook: its own file access is not the submission's)

    helpers, codes = _library()
    if any("matplotlib" in source for source in cells):
        import matplotlib.pyplot  # noqa: F401  (its first import builds a font cache with a subprocess: not the submission's)

    watch = Watch(os.getcwd(), codes)
    # What answers the grader, held here before any cell runs: a cell that rebinds the module's
    # names (`import __main__; __main__._call = ...`) changes nothing below.
    send, receive, describe, call = protocol.send, protocol.receive, _describe, _call
    sys.addaudithook(watch)
    ns, errors = _run_cells(cells)
    send(replies, {"ran": len(cells), "errors": errors, "flags": sorted(watch.flags)})
    while (request := receive(requests)) is not None and request.get("op") != "quit":
        reply = describe(ns, request["name"]) if request["op"] == "describe" else call(ns, request, watch, helpers)
        send(replies, {**reply, "flags": sorted(watch.flags)})


if __name__ == "__main__":
    main(sys.argv[1])
