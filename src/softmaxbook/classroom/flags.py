"""What a submission's code tries beyond answering, read from its source (no code is run).

The sandbox stops these attempts and the submission's own process reports what was tried
(`student.Watch`); this module finds the intent in the code itself, including what failed
before it got anywhere. A flag is for the teacher to look at, never a score: honest answers
(NumPy, SciPy, `math`, loops) raise none.
"""

import ast
import re

OTTER_INTERNALS = "imports or patches otter's internals"
GRADER = "imports or patches the grader"
PATCHES_TESTING = "reassigns numpy.testing functions"
PATCHES_LIBRARY = "patches numpy, softmaxbook or builtins"
TESTS = "reads or writes the tests"
SPAWNS = "spawns processes"
SIGNALS = "signals other processes"
NETWORK = "reaches the network"
INTERPRETER = "tampers with the interpreter"
TOO_LARGE = "too much code to check"
UNREADABLE = "code the grader cannot read"  # a lone surrogate, nesting past the parser's limits
MAX_SCAN = 1 << 20  # characters of code scanned: a student's notebook holds far less

_SPAWN_MODULES = {"subprocess", "multiprocessing", "pty", "pexpect"}
_NETWORK_MODULES = {"socket", "urllib", "http", "requests", "ftplib", "smtplib", "ssl", "httpx", "aiohttp"}
_SPAWN_CALLS = {"system", "popen", "fork", "forkpty", "spawnv", "spawnl", "execv", "execl", "execvp", "execve",
                "posix_spawn", "startfile"}
_SIGNAL_CALLS = {"kill", "killpg", "pidfd_send_signal"}
_INTERPRETER = {"__code__", "__globals__", "__builtins__", "addaudithook", "settrace", "setprofile",
                "get_objects", "get_referrers", "_getframe", "f_globals", "f_locals", "f_back"}
_LIBRARIES = {"np", "numpy", "sb", "softmaxbook", "builtins", "math", "otter", "grader"}
_SECRET = re.compile(r"autograder/|otter_config|results\.json|\.zip\b|(^|/)tests/")


def _root(node):
    """The name at the start of an attribute chain: np for np.testing.assert_allclose."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _assigned(node):
    """Targets that an assignment, a del or a setattr(...) call changes."""
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        return [t for t in targets if isinstance(t, (ast.Attribute, ast.Subscript))]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
        return node.args[:1]
    return []


def _imported(node):
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return []


def flags_for_code(sources):
    """The flags raised by a list of code-cell sources (cells that do not parse are skipped).

    Code beyond MAX_SCAN characters is not read (a notebook of millions of statements must
    not cost the grader minutes); it raises TOO_LARGE instead, for the teacher to look at.
    """
    found, budget = set(), MAX_SCAN
    for source in sources:
        budget -= len(source)
        if budget < 0:
            found.add(TOO_LARGE)
            break
        try:
            tree = ast.parse(source)
            for node in ast.walk(tree):
                found |= _node_flags(node)
        except SyntaxError:
            continue  # IPython magics and shell lines: the runner reports what they do
        except (ValueError, UnicodeError, MemoryError, RecursionError):
            found.add(UNREADABLE)
    return sorted(found)


def _node_flags(node):
    found = set()
    for module in _imported(node):
        top = module.split(".")[0]
        if top == "otter" and module not in ("otter", "otter.Notebook"):  # a handout's own import
            found.add(OTTER_INTERNALS)
        elif module.startswith("softmaxbook.classroom"):
            found.add(GRADER)
        elif top in _SPAWN_MODULES or module in ("os.system", "os.fork"):
            found.add(SPAWNS)
        elif top == "signal" or module in ("os.kill", "os.killpg"):
            found.add(SIGNALS)
        elif top in _NETWORK_MODULES:
            found.add(NETWORK)
        elif top == "ctypes" or module in ("sys.modules", "builtins"):
            found.add(INTERPRETER)
        elif top in ("importlib", "tracemalloc"):  # what the grader's forbid and peak_memory rely on
            found.add(GRADER)
    for target in _assigned(node):
        while isinstance(target, ast.Subscript):  # sys.modules["numpy"] = ...: the container
            target = target.value
        dotted, root = _dotted(target), _root(target)
        if ".testing" in dotted and root in ("np", "numpy"):
            found.add(PATCHES_TESTING)
        elif root in ("otter", "grader") or "Notebook" in dotted:
            found.add(OTTER_INTERNALS)
        elif root in _LIBRARIES:
            found.add(PATCHES_LIBRARY)
        elif dotted.startswith("sys.modules") or root == "__builtins__":
            found.add(INTERPRETER)
    if isinstance(node, ast.Attribute):
        if node.attr in _INTERPRETER:
            found.add(INTERPRETER)
        if _root(node) == "os" and node.attr in _SPAWN_CALLS:
            found.add(SPAWNS)
        if _root(node) in ("os", "signal") and node.attr in _SIGNAL_CALLS:
            found.add(SIGNALS)
    if isinstance(node, ast.Name) and node.id in ("__builtins__", "__import__"):
        found.add(INTERPRETER)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if _SECRET.search(node.value):
            found.add(TESTS)
        if "softmaxbook.classroom" in node.value or node.value in ("importlib", "tracemalloc"):
            found.add(GRADER)
    return found
