"""The grader's parts one by one (softmaxbook.classroom): the channel to the sandbox, the
flags, the grade book and feedback, the score checks, the test helpers, the sandbox's
command line and limits, the autograder's hash. End to end, with real submissions, the
banks in tests/test_classroom_bank.py and tests/test_classroom_hostile.py grade through the teacher's command."""

import contextlib
import copy
import hashlib
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import softmaxbook as sb
from softmaxbook.classroom import flags, handouts, protocol, reports
from softmaxbook.classroom.grading import Case, Result, _checked, _free_names
from softmaxbook.classroom.sandbox import (
    INSIDE,
    Bubblewrap,
    Limits,
    SandboxUnavailable,
    _limit,
    remove_stale_cgroups,
)
from softmaxbook.classroom.testing import forbid, peak_memory

# --- the channel -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), float("-inf"), "ünïcode", [1, [2.0, None]], (1, 2), {"a": (1,)},
    np.arange(6.0).reshape(2, 3), np.array([np.nan, -np.inf], np.float32), np.float32(1.5), np.int64(7),
    np.array([True, False]), np.zeros((0, 3)), np.float64(np.inf), np.float64(-np.inf), np.float32(np.inf),
])
def test_values_cross_the_channel_unchanged(value):
    back = protocol.decode(protocol.encode(value))
    if isinstance(value, (np.ndarray, np.generic)):
        assert type(back) is type(value) and back.dtype == value.dtype
        np.testing.assert_array_equal(back, value)
    else:
        assert back == value and type(back) is type(value)


def test_an_iterator_argument_crosses_as_an_iterator_read_once():
    # A test of 11-scale passes a generator of chunks: the function must get one it can read once.
    sent = protocol.encode_argument(np.arange(3.0) * k for k in range(2))
    back = protocol.decode(sent)
    assert iter(back) is back
    assert [a.tolist() for a in back] == [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0]] and list(back) == []
    assert protocol.encode_argument([1, 2]) == protocol.encode([1, 2])
    # and no copy of it reads the items again (iter(list) can be copied, or pickled to its list)
    again = protocol.decode(sent)
    next(again)
    with pytest.raises(TypeError):
        copy.copy(again)
    assert [a.tolist() for a in again] == [[0.0, 1.0, 2.0]]


def test_nan_crosses_the_channel():
    assert np.isnan(protocol.decode(protocol.encode(float("nan"))))


@pytest.mark.parametrize("value", [object(), lambda: 1, np.array([object()]), {1: 2}, sb])
def test_only_data_crosses_the_channel(value):
    with pytest.raises(TypeError, match="not data"):
        protocol.encode(value)


def npy(header, body=b""):
    """A forged .npy payload: any header, any body."""
    import base64
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return {"npy": base64.b64encode(buf.getvalue() + body).decode()}


def test_a_pickle_in_an_array_is_refused():
    import base64
    import io

    buf = io.BytesIO()
    np.save(buf, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="object"):
        protocol.decode({"npy": base64.b64encode(buf.getvalue()).decode()})


@pytest.mark.parametrize("header, body", [
    ({"descr": "|V0", "fortran_order": False, "shape": (3_000_000_000,)}, b""),  # zero-width items, billions of them
    ({"descr": "<f8", "fortran_order": False, "shape": (3_000_000_000,)}, b"\0" * 8),  # a shape the bytes do not hold
    ({"descr": "<f8", "fortran_order": False, "shape": (2,)}, b"\0" * 24),  # more bytes than the shape
    ({"descr": [("a", "<f8")], "fortran_order": False, "shape": (1,)}, b"\0" * 8),  # a record
])
def test_an_array_header_that_lies_is_refused_before_any_allocation(header, body):
    with pytest.raises(ValueError, match="array"):
        protocol.decode(npy(header, body))


def test_a_message_is_bounded_before_it_is_decoded():
    assert protocol.parse(b'{"value": [1, 2, 3]}') == {"value": [1, 2, 3]}
    with pytest.raises(ValueError, match="values"):
        protocol.parse(b'{"value": [' + b"0," * protocol.MAX_ITEMS + b'0]}')
    with pytest.raises(ValueError, match="deep"):
        protocol.parse(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValueError, match="object"):
        protocol.parse(b"[1]")


def test_a_request_to_a_reader_that_stopped_reading_has_a_deadline():
    import fcntl
    import time

    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    os.set_blocking(write, False)
    t0 = time.monotonic()
    with pytest.raises(TimeoutError):
        protocol.send_by(write, {"args": "x" * 100_000}, time.monotonic() + 0.5)
    assert 0.4 < time.monotonic() - t0 < 5
    os.close(read)
    os.close(write)


# --- flags -------------------------------------------------------------------------------------

HONEST = [
    "import numpy as np\nimport softmaxbook as sb\nimport otter\ngrader = otter.Notebook('02-softmax.ipynb')",
    "from otter import Notebook\ngrader = Notebook('02-softmax.ipynb')",
    "%pip install numpy",
    "import matplotlib.pyplot as plt\nplt.savefig('/tmp/figure.png')",
    "def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)",
    "import math\nfrom scipy.special import logsumexp\nfor i in range(3):\n    x = math.exp(-i)",
    "grader.check('q1')",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])",
    "np.testing.assert_allclose(softmax(np.zeros(2)), [0.5, 0.5])  # checking my own work",
    "with open('notes.txt', 'w') as f:\n    f.write('scratch')",
]


def test_honest_code_raises_no_flag():
    assert flags.flags_for_code(HONEST) == []


@pytest.mark.parametrize("code, flag", [
    ("from otter.execute import Checker", flags.OTTER_INTERNALS),
    ("import otter.check.notebook", flags.OTTER_INTERNALS),
    ("grader.check = lambda *a: None", flags.OTTER_INTERNALS),
    ("np.testing.assert_allclose = lambda *a, **k: None", flags.PATCHES_TESTING),
    ("setattr(np.testing, 'assert_allclose', print)", flags.PATCHES_TESTING),
    ("numpy.testing.assert_array_equal = print", flags.PATCHES_TESTING),
    ("np.allclose = lambda *a, **k: True", flags.PATCHES_LIBRARY),
    ("sb.softmax = lambda z: z", flags.PATCHES_LIBRARY),
    ("import builtins\nbuiltins.abs = len", flags.INTERPRETER),
    ("open('../tests/q1.py').read()", flags.TESTS),
    ("import glob\nglob.glob('/**/autograder/*.zip')", flags.TESTS),
    ("import subprocess\nsubprocess.run(['ls'])", flags.SPAWNS),
    ("import os\nos.system('ls')", flags.SPAWNS),
    ("import os\nos.fork()", flags.SPAWNS),
    ("import os\nos.kill(os.getppid(), 9)", flags.SIGNALS),
    ("import socket\nsocket.create_connection(('127.0.0.1', 80))", flags.NETWORK),
    ("import urllib.request", flags.NETWORK),
    ("f = softmax.__code__", flags.INTERPRETER),
    ("import gc\ngc.get_objects()", flags.INTERPRETER),
    ("import sys\nsys.modules['numpy'] = None", flags.INTERPRETER),
])
def test_each_attempt_is_flagged(code, flag):
    assert flag in flags.flags_for_code([code])


def test_cells_that_do_not_parse_are_skipped():
    assert flags.flags_for_code(["!ls -la", "def f(:"]) == []


# --- the grade book and what people read --------------------------------------------------------

POINTS = {"q1": 2.0, "q2": 4.0}


def result(q1=2.0, q2=1.0, status="graded", feedback=None, **kw):
    return Result(scores={"q1": q1, "q2": q2}, status=status, feedback=feedback or {}, **kw)


def test_rows_are_written_as_they_come_and_a_rerun_resumes(tmp_path):
    path = tmp_path / "grades.csv"
    book = reports.GradeBook(path, POINTS)
    book.add("ann.ipynb", "aa", result())
    assert "ann.ipynb" in path.read_text()  # on disk at once, before the run ends
    book.add("bob.ipynb", "bb", result(status="crashed"))
    again = reports.GradeBook(path, POINTS)
    assert again.done("ann.ipynb", "aa")          # graded, unchanged: skipped
    assert not again.done("ann.ipynb", "changed")  # a new version of the file: graded again
    assert not again.done("bob.ipynb", "bb")       # crashed: graded again
    assert again.rows["ann.ipynb"]["total"] == "3" and again.rows["ann.ipynb"]["possible"] == "6"


def test_a_book_with_other_columns_is_never_overwritten(tmp_path):
    path = tmp_path / "grades.csv"
    reports.GradeBook(path, POINTS).add("ann.ipynb", "aa", result())
    before = path.read_bytes()
    with pytest.raises(ValueError, match="has other columns than this assignment's grades"):
        reports.GradeBook(path, {"q1": 2.0})  # another assignment's questions
    edited = before.replace(b"sha256", b"sha256,teacher's comment", 1)
    path.write_bytes(edited)
    with pytest.raises(ValueError, match="grade into another CSV"):
        reports.GradeBook(path, POINTS)  # a column the teacher added
    assert path.read_bytes() == edited


def test_any_file_name_becomes_text():
    name = os.fsdecode(b"\xe9l\xe8ve.ipynb")  # Latin-1, not UTF-8
    assert reports.display_name(name) == "\\xe9l\\xe8ve.ipynb"
    assert reports.display_name("Zoë Ünal.ipynb") == "Zoë Ünal.ipynb"
    assert reports.display_name(os.path.join("alice", "02-softmax.ipynb")) == "alice/02-softmax.ipynb"


def test_distinct_paths_keep_distinct_names():
    paths = [os.fsdecode(b"\xe9.ipynb"), "\\xe9.ipynb", "a\nb.ipynb", "a\\nb.ipynb", "alice/x.ipynb", "bob/x.ipynb"]
    # every byte that is not UTF-8, every character up to U+024F, and the escapes typed out
    paths += [os.fsdecode(bytes([b])) for b in range(0x80, 0x100)] + [chr(c) for c in range(1, 0x250) if c != 0x2F]
    paths += [f"\\x{b:02x}" for b in range(0x80, 0x100)] + [f"\\u{c:04x}" for c in range(0x80, 0x100)]
    names = [reports.display_name(p) for p in paths]
    assert len(set(names)) == len(paths), [n for n in names if names.count(n) > 1][:5]
    assert all(n.isprintable() for n in names)


@pytest.mark.parametrize("name", ["=2+3.ipynb", "+SUM(1,1).ipynb", "-1+2.ipynb", "@SUM(A1).ipynb", "\tx.ipynb",
                                  "'=quoted.ipynb"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text_and_read_back(tmp_path, name):
    path = tmp_path / "grades.csv"
    reports.GradeBook(path, POINTS).add(name, "aa", result(reason="=HYPERLINK(x)"))
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        (raw,) = csv.DictReader(f)
    assert raw["submission"] == "'" + name and raw["reason"] == "'=HYPERLINK(x)"
    assert reports.GradeBook(path, POINTS).done(name, "aa")  # and a re-run reads the name back


def test_feedback_shows_public_failures_and_hides_hidden_tests():
    feedback = {"q1": [Case("q1 - 1", False, True, "ok"), Case("q1 - 2", False, False, "ACTUAL 1 DESIRED 2"),
                       Case("q1 - 3", True, False, "secret hidden code: z = [1000, 1]")]}
    r = result(q1=1.0, feedback=feedback)
    page = reports.feedback_page("02-softmax", "ann.ipynb", {"total": "2", "possible": "6", "status": "graded"},
                                 r, POINTS)
    assert "ACTUAL 1 DESIRED 2" in page and "q1 - 3" in page
    assert "secret hidden code" not in page and "q1 - 1" not in page


def test_class_report_shows_distributions_and_the_most_failed_tests(tmp_path):
    book = reports.GradeBook(tmp_path / "g.csv", POINTS)
    for i in range(5):
        fb = {"q2": [Case("q2 - 3", True, False, "")]} if i < 3 else {}
        book.add(f"s{i}.ipynb", str(i), result(q2=float(i), feedback=fb))
    book.add("x.ipynb", "x", result(status="timeout", reason="took longer than 60 s"))
    page = reports.class_report("02-softmax", book.rows, POINTS)
    assert "<img alt='Histograms" in page and "data:image/png;base64," in page
    assert "<td>q2 - 3</td><td>3</td>" in page
    assert "took longer than 60 s" in page  # to review


# --- scores that can be trusted -------------------------------------------------------------------

@pytest.mark.parametrize("q1", [300.0, -1.0])
def test_a_score_outside_the_points_is_an_error_not_a_grade(q1):
    checked = _checked(result(q1=q1), SimpleNamespace(points=POINTS))
    assert checked.status == "error" and "q1 scored" in checked.reason
    assert set(checked.scores.values()) == {0.0}


def test_a_test_gets_the_names_it_reads():
    case = SimpleNamespace(body=textwrap.dedent("""\
        >>> import math
        >>> p = softmax(z_big)
        >>> np.testing.assert_allclose(p, expected_p)
        >>> q = sum(math.exp(x) for x in p)
        >>> def L(x):
        ...     return v @ softmax(x)
        """))
    assert _free_names(SimpleNamespace(test_cases=[case])) == ["expected_p", "softmax", "v", "z_big"]


# --- helpers the tests themselves use --------------------------------------------------------------

def test_forbid_catches_every_reference_and_restores():
    early = sb.softmax_jacobian  # a reference taken before the block
    with forbid("softmaxbook.softmax_jacobian"), pytest.raises(AssertionError, match="forbids calling softmax_jac"):
        early(np.zeros(2))
    assert early(np.zeros(2)).shape == (2, 2)


def test_peak_memory_measures_the_call():
    _, small = peak_memory(np.sum, np.ones(10))
    value, large = peak_memory(lambda n: np.ones((n, n)), 500)
    assert value.shape == (500, 500) and large > 500 * 500 * 8 > small


# --- the sandbox ---------------------------------------------------------------------------------

def test_the_sandbox_binds_only_the_interpreter_and_a_copy_of_the_notebook(tmp_path):
    box = Bubblewrap()
    box.bwrap = "/usr/bin/bwrap"
    cmd = box.command(tmp_path / "private", ["python"])
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in cmd
    assert "--bind" not in cmd  # nothing of the host is writable: its folder is a sized tmpfs
    tmpfs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--tmpfs"]
    assert set(tmpfs) == {INSIDE, "/tmp", "/dev/shm"} and cmd.count("--size") == 3
    bound = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--ro-bind"]
    assert [b for b in bound if b.startswith(str(tmp_path))] == [str(tmp_path / "private" / "submission.ipynb")]
    assert "/etc" not in bound and "/etc/shadow" not in bound and "/etc/passwd" not in bound
    # a fresh /tmp mounted after the binds would hide a Python (or a book) that lives under /tmp
    assert cmd.index("/tmp") < cmd.index(sys.prefix)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assert root not in bound and os.path.expanduser("~") not in bound and "/" not in bound
    assert not [b for b in bound if b.startswith(os.path.join(root, "classroom")) or "build" in b.split(os.sep)]


def test_no_bubblewrap_means_a_refusal_that_names_the_choices():
    box = Bubblewrap()
    box.bwrap = None
    with pytest.raises(SandboxUnavailable, match="not installed"):
        box.check()
    run = subprocess.run([sys.executable, "-m", "softmaxbook.classroom", "grade", "02-softmax", "inbox"],
                         capture_output=True, text=True, env={**os.environ, "PATH": "/nonexistent"})
    assert run.returncode != 0
    for choice in ("bubblewrap", "otter grade", "--no-sandbox"):
        assert choice in run.stderr, run.stderr


def test_limits_are_set_for_everything_the_submission_starts():
    import resource

    limits = Limits(memory_mib=700, cpu_seconds=9, file_mib=3)
    code = ("import resource as r; print([r.getrlimit(k)[0] for k in "
            "(r.RLIMIT_AS, r.RLIMIT_CPU, r.RLIMIT_FSIZE, r.RLIMIT_NPROC, r.RLIMIT_CORE)])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         preexec_fn=lambda: _limit(limits, 4321)).stdout
    assert out.strip() == str([700 << 20, 9, 3 << 20, 4321, 0])
    assert resource.getrlimit(resource.RLIMIT_CPU)[0] != 9  # the grader itself keeps its own


def test_the_process_limit_is_set_inside_the_sandbox(tmp_path):
    """Inside its own user namespace the limit counts the sandbox's processes only; set on
    bwrap itself, it capped all of the teacher's processes, and one submission's children made
    another's fork fail (seen grading as a normal user)."""
    box = Bubblewrap(Limits(processes=17))
    box.check()
    (tmp_path / "submission.ipynb").write_text("{}")
    code = "import resource as r, sys; print(r.getrlimit(r.RLIMIT_NPROC), flush=True); sys.stdin.read()"
    process = box.start(tmp_path, [sys.executable, "-I", "-c", code])
    try:
        inside = process.stdout.readline().decode().strip()
        limits = Path(f"/proc/{process.pid}/limits").read_text()  # bwrap's, which made the namespace
        outside = re.search(r"^Max processes\s+(\S+)", limits, re.M)[1]
    finally:
        process.communicate(timeout=60)
        box.release(process)
    assert inside == "(17, 17)", process.stderr
    assert outside != "17"


# --- the autograder's hash ---------------------------------------------------------------------

def make_build(tmp_path):
    folder = tmp_path / "02-softmax"
    (folder / "autograder").mkdir(parents=True)
    z = folder / "autograder" / "02-softmax-autograder.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("tests/q1.py", "test = {}")
    handouts.hash_file(folder).write_text(f"{hashlib.sha256(z.read_bytes()).hexdigest()}  {z.name}\n")
    return z


def test_the_recorded_autograder_is_accepted(tmp_path):
    made = make_build(tmp_path)
    assert handouts.autograder_zip(tmp_path, "02-softmax") == made.read_bytes()


def test_a_changed_autograder_stops_grading(tmp_path):
    z = make_build(tmp_path)
    z.write_bytes(z.read_bytes() + b"tampered")
    with pytest.raises(handouts.HandoutError, match="not the one `make handouts` built"):
        handouts.autograder_zip(tmp_path, "02-softmax")


def test_an_unrecorded_autograder_stops_grading(tmp_path):
    make_build(tmp_path)
    handouts.hash_file(tmp_path / "02-softmax").unlink()
    with pytest.raises(handouts.HandoutError, match="missing"):
        handouts.autograder_zip(tmp_path, "02-softmax")


# --- what the sandbox's side refuses, and what the grader sees from outside ----------------------

STUDENT_CHECK = """
import sys, types
import numpy as np
import softmaxbook as sb
from softmaxbook.classroom.student import Watch, _library
helpers, codes = _library()
sys.addaudithook(Watch(".", codes))
tried = {}
def attempt(name, f):
    try:
        f()
        tried[name] = "allowed"
    except PermissionError:
        tried[name] = "refused"
attempt("clone", lambda: types.FunctionType(getattr(sb.softmax_jacobian, "__co" + "de__"), {}, "j"))
attempt("renamed clone", lambda: types.FunctionType(sb.softmax_jacobian.__code__.replace(co_name="j"), {}))
attempt("code put back", lambda: setattr(sb.softmax, "__code__", sb.softmax.__code__))
attempt("clear_refs", lambda: open("/proc/self/clear_refs", "w"))
def mine(z):
    return z
attempt("own clone", lambda: types.FunctionType(mine.__code__, {}))
print(sorted(tried.items()))
"""


def test_the_sandbox_side_refuses_copies_of_the_package_and_resets_of_its_memory_counters():
    out = subprocess.run([sys.executable, "-c", STUDENT_CHECK], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(sorted({"clone": "refused", "renamed clone": "refused", "code put back": "refused",
                                      "clear_refs": "refused", "own clone": "allowed"}.items()))


def test_the_watchdog_holds_the_memory_of_all_processes_together():
    from softmaxbook.classroom.sandbox import Watchdog

    # four processes of 150 MiB each: none is over a 400 MiB limit, together they are
    code = ("import os, time\nfor _ in range(3):\n    if os.fork() == 0:\n        break\n"
            "b = bytearray(150 << 20)\nfor i in range(0, len(b), 4096):\n    b[i] = 1\ntime.sleep(30)")
    process = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    dog = Watchdog(process, 400 << 20)
    try:
        assert process.wait(timeout=20) == -9 and dog.over > 400 << 20
    finally:
        dog.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)


def test_the_watchdog_measures_the_peak_of_a_call_from_outside():
    from softmaxbook.classroom.sandbox import Watchdog

    code = ("import sys, numpy as np\nfor line in sys.stdin:\n    a = np.ones(int(line)); del a\n"
            "    print('done', flush=True)")
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    dog = Watchdog(process, 4 << 30)
    try:
        peaks = []
        for n in (1, 1000, 10_000_000, 1000):  # warm-up; 8 kB, then 80 MB freed at once, then 8 kB again
            base = dog.start_measure()
            process.stdin.write(f"{n}\n")
            process.stdin.flush()
            assert process.stdout.readline() == "done\n"
            peaks.append(dog.peak() - base)
        assert peaks[2] > 75e6 and peaks[1] < 5e6 and peaks[3] < 5e6, peaks
    finally:
        dog.stop()
        process.kill()
        process.communicate()


def test_the_flag_scan_reads_a_bounded_amount_of_code():
    import time

    t0 = time.perf_counter()
    found = flags.flags_for_code(["x = 1\n" * 2_000_000])
    assert found == [flags.TOO_LARGE] and time.perf_counter() - t0 < 2


def test_feedback_messages_do_not_show_the_teachers_folders():
    from softmaxbook.classroom.grading import _hide_paths

    where = os.path.dirname(os.path.dirname(sb.__file__))
    message = f'File "{where}/softmaxbook/losses.py", line 3, and "{os.path.dirname(np.__file__)}/core.py"'
    hidden = _hide_paths(message)
    assert where not in hidden and os.path.dirname(np.__file__) not in hidden and "losses.py" in hidden


def test_cgroups_of_a_grader_that_no_longer_runs_are_removed(tmp_path):
    ended = subprocess.Popen(["true"])
    ended.wait()  # its pid names no process now
    stale = [tmp_path / f"softmaxbook-grading-{ended.pid}-1", tmp_path / "pids" / f"softmaxbook-grading-{ended.pid}-2"]
    live = [tmp_path / f"softmaxbook-grading-{os.getpid()}-1", tmp_path / "softmaxbook-other-1"]
    for group in stale + live:
        group.mkdir(parents=True)
    remove_stale_cgroups(tmp_path)
    assert [g.exists() for g in stale + live] == [False, False, True, True]


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("reply", [{"dict": [1, 2]}, {"tuple": 5}, {"float": [1]}, {"dict": {"a": {"float": "x"}}},
                                   nested(950)], ids=["dict-list", "tuple-int", "float-list", "float-text", "deep"])
def test_a_forged_value_is_a_value_error_never_another(reply):
    with pytest.raises(ValueError):
        protocol.decode(reply)


@pytest.mark.parametrize("source", ["s = '\ud800'", "x = " + "-" * 20000 + "1"])
def test_code_the_parser_cannot_take_is_flagged_not_a_crash(source):
    assert flags.flags_for_code([source]) == [flags.UNREADABLE]


def test_a_folder_too_deep_to_read_is_named_not_skipped(tmp_path, monkeypatch):
    from softmaxbook.classroom.cli import _submissions

    (tmp_path / "ann.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)
    for _ in range(45):  # 45 x 101 characters: past PATH_MAX (4096), reached step by step
        os.mkdir("d" * 100)
        os.chdir("d" * 100)
    with open("deep.ipynb", "w") as f:
        f.write("{}")
    files, hidden, unreadable = _submissions(tmp_path)
    assert [p.name for p in files] == ["ann.ipynb"] and hidden == 0
    assert len(unreadable) == 1 and unreadable[0].filename.endswith("d" * 100), unreadable
