"""A sandbox for one submission, without Docker: bubblewrap (Linux user namespaces).

The submission's process sees a read-only interpreter and packages, a private writable
folder holding a copy of its notebook and nothing else of the teacher's: not the inbox, not
the build folder, not the CSV, not the home folder, not the other submissions, not the
tests (those never leave the grader). It has no network, its own PID namespace (every
process it starts dies with it, and it cannot see or signal the grader), and limits on
memory, CPU time, processes and file size. `Watchdog` watches it from outside: the memory
of all its processes together, and the peak a single call reaches.

Without bubblewrap (macOS, or a Linux without user namespaces) grading refuses unless the
teacher chooses `Unsandboxed` explicitly, which keeps only the limits.
"""

import contextlib
import itertools
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import softmaxbook

INSIDE = "/submission"  # where the private folder appears in the sandbox
# Read-only system folders a Python process needs; /bin and /lib are links on merged-/usr systems.
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Of /etc, only what the dynamic loader, time and fonts read (not passwords, keys or hosts).
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "alternatives")


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Defaults suit the book's assignments on a laptop."""

    seconds: float = 60.0        # wall time, from the start of its own sandbox (not the queue)
    memory_mib: int = 2048       # address space of each process, and resident memory of all together
    cpu_seconds: int = 60        # CPU time of each process
    processes: int = 32          # processes and threads it may run at once
    file_mib: int = 64           # the largest file it may write
    disk_mib: int = 256          # each of its writable folders (memory-backed: its folder, /tmp, /dev/shm)

    def describe(self):
        return (f"{self.seconds:g} s, {self.memory_mib} MiB of memory (each process, and all together), "
                f"{self.cpu_seconds} s of CPU, "
                f"{self.processes} processes, files up to {self.file_mib} MiB")


class SandboxUnavailable(RuntimeError):
    pass


def _read_only_roots():
    """The interpreter, the packages and this package's source, wherever they live."""
    roots = {sys.prefix, sys.base_prefix, sysconfig.get_path("purelib"), sysconfig.get_path("platlib"),
             str(Path(softmaxbook.__file__).resolve().parent.parent)}  # src/ for an editable install
    return sorted(r for r in roots if r and Path(r).exists() and not any(r.startswith(s + "/") for s in SYSTEM))


def _environment(home):
    return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{home}/.matplotlib", "IPYTHONDIR": f"{home}/.ipython", "TMPDIR": f"{home}/.tmp",
            "PYTHONDONTWRITEBYTECODE": "1",
            # A fixed mmap threshold: every block over 128 KiB is fresh memory from the kernel and
            # goes back when freed, so the resident peak of a call counts what the call allocates.
            "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072",
            "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class Bubblewrap:
    """Runs a command in a fresh bubblewrap sandbox around a private folder."""

    name = "bubblewrap"

    def __init__(self, limits=Limits()):
        self.limits = limits
        self.bwrap = shutil.which("bwrap")

    def check(self):
        """Raise SandboxUnavailable with the teacher's choices if it cannot work here."""
        if sys.platform != "linux" or self.bwrap is None:
            raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed" if sys.platform == "linux"
                                     else f"bubblewrap needs Linux; this is {sys.platform}")
        probe = subprocess.run([self.bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                                "--proc", "/proc", "--dev", "/dev", "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            raise SandboxUnavailable(f"bubblewrap cannot create a sandbox here: {probe.stderr.strip()[:300]}")
        # This Python, and the package, as a submission's process will see them: a Python that
        # lives (or links) somewhere this user cannot read fails here once, not every submission.
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "submission.ipynb").write_text("{}")
            argv = [sys.executable, "-I", "-c", "import softmaxbook.classroom.student"]
            probe = subprocess.run(self.command(folder, argv), capture_output=True, text=True, timeout=120)
        if probe.returncode != 0:
            raise SandboxUnavailable(
                f"{sys.executable} cannot start in the sandbox with the package ({probe.stderr.strip()[-300:]}); "
                "the sandbox shows the system's folders, Python's own and the package's, read-only: is this "
                "Python (and what it links to) readable by this user?")

    def warnings(self):
        """What holds less here than the README says, for the teacher to read before grading."""
        if os.geteuid() != 0:
            return []
        groups = _cgroups(self.limits)
        made = {f.name for g in groups for f in g.iterdir() if f.name in ("pids.max", "memory.max",
                                                                           "memory.limit_in_bytes")}
        _remove_groups(groups)
        if "pids.max" in made:
            return []
        return ["grading as root, and no pids cgroup can be made here: the process limit does not hold "
                "(root is exempt from RLIMIT_NPROC); each sandbox's own PID namespace and time limit still "
                "end all it starts. Grade as a normal user for an exact process limit."]

    def command(self, folder, argv):
        cmd = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        for path in SYSTEM:
            if os.path.islink(path):
                cmd += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                cmd += ["--ro-bind", path, path]
        # The fresh /tmp comes before the binds: a Python or a book that lives under /tmp stays visible.
        size = ["--size", str(self.limits.disk_mib << 20)]
        cmd += ["--proc", "/proc", "--dev", "/dev", *size, "--tmpfs", "/dev/shm", *size, "--tmpfs", "/tmp"]
        for name in ETC:
            if os.path.exists(f"/etc/{name}"):
                cmd += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
        for root in _read_only_roots():
            cmd += ["--ro-bind", root, root]
        # Its folder is memory with a size, holding a read-only copy of the notebook: nothing it
        # writes reaches the teacher's disk.
        cmd += [*size, "--tmpfs", INSIDE, "--ro-bind", str(Path(folder) / "submission.ipynb"),
                f"{INSIDE}/submission.ipynb", "--chdir", INSIDE, "--clearenv"]
        for k, v in _environment(INSIDE).items():
            cmd += ["--setenv", k, v]
        return [*cmd, "--", *argv]

    def start(self, folder, argv):
        """The sandboxed process, with pipes to its standard input and output."""
        # The process limit is set inside the sandbox's own user namespace, where it counts the
        # sandbox's processes only. Set on bwrap, it would also cap, in the namespace above, all
        # of this user's processes (the grader's, other sandboxes'): one submission's children
        # would make another's fork fail. Root is exempt from it; there cgroups hold the
        # processes and the total memory of the whole sandbox, where they can be made.
        groups = _cgroups(self.limits) if os.geteuid() == 0 else []

        def child():
            for group in groups:
                (group / "cgroup.procs").write_text(str(os.getpid()))
            _limit(self.limits)

        argv = [sys.executable, "-I", "-S", "-c", SET_NPROC, str(self.limits.processes), *argv]
        process = subprocess.Popen(self.command(folder, argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, preexec_fn=child)
        process.cgroups = groups
        return process

    @staticmethod
    def release(process):
        """After the sandbox has ended: end anything left in its cgroups, then remove them."""
        _remove_groups(getattr(process, "cgroups", []))


def _remove_groups(groups):
    for group in groups:
        for _ in range(250):  # the namespace's processes take a moment to go
            for pid in _read(group / "cgroup.procs").split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)
            with contextlib.suppress(OSError):
                group.rmdir()
                break
            time.sleep(0.02)


def remove_cgroups(pid):
    """Remove what a grading process `pid` that was killed left in the cgroup folders."""
    root = Path("/sys/fs/cgroup")
    _remove_groups([*root.glob(f"softmaxbook-grading-{pid}-*"), *root.glob(f"*/softmaxbook-grading-{pid}-*")])


def remove_stale_cgroups(root=Path("/sys/fs/cgroup")):
    """Remove the cgroups of grading processes that no longer run (killed before they could)."""
    for group in [*root.glob("softmaxbook-grading-*"), *root.glob("*/softmaxbook-grading-*")]:
        owner = group.name.split("-")[2]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            _remove_groups([group])


def _cgroups(limits):
    """Fresh cgroups (v1, or v2 where its controllers are enabled) for the sandbox's process
    count and total memory; those that cannot be made here are left out (`cgroups_missing`
    says which, for the teacher's warning)."""
    n = next(_groups)
    memory = str(limits.memory_mib * 3 << 19)  # a backstop at 1.5 times the limit: the Watchdog acts first
    wanted = {"pids": {"pids.max": str(limits.processes)},
              "memory": {"memory.limit_in_bytes": memory, "memory.max": memory}}  # v1 and v2 names
    made, v2 = [], Path("/sys/fs/cgroup")
    v2_controllers = _read(v2 / "cgroup.subtree_control").split()
    for controller, files in wanted.items():
        root = v2 / controller if (v2 / controller / "cgroup.procs").exists() else v2
        if root == v2 and controller not in v2_controllers:
            continue
        group = root / f"softmaxbook-grading-{os.getpid()}-{n}"
        try:
            group.mkdir(exist_ok=True)
            written = [(group / f).write_text(v) for f, v in files.items() if (group / f).exists()]
            if not written:
                raise OSError("no limit file")
            if group not in made:
                made.append(group)
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
    return made


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return ""


_groups = itertools.count()


class Unsandboxed:
    """The submission as a plain process in a private folder, with the limits only.

    It can read and write whatever the teacher's account can, reach the network, and leave
    processes behind: for a teacher who trusts the submissions, or who has no other way.
    """

    name = "none"
    gives_up = ("the submission can read and change your files (the tests, the other submissions, the CSV), "
                "reach the network and leave processes running after grading")

    def __init__(self, limits=Limits()):
        self.limits = limits

    def check(self):
        pass

    def warnings(self):
        return []

    @staticmethod
    def release(process):
        pass

    def start(self, folder, argv):
        # The process count is per user here: what this user already runs, and then some.
        processes = _running_tasks() + self.limits.processes
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=folder, env={**_environment(str(folder)), "PATH": os.environ.get("PATH", "")},
                                preexec_fn=lambda: (os.setsid(), _limit(self.limits, processes)))


# Inside the sandbox: the process limit (argv[1]), then the command (argv[2:]).
SET_NPROC = ("import os, resource, sys; n = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_NPROC, (n, n)); "
             "os.execv(sys.argv[2], sys.argv[2:])")


def _limit(limits, processes=None):
    """In the child, before it runs the submission: limits inherited by all it starts, and
    with `processes`, the number of processes this user may run at once.

    Root is exempt from a process limit (RLIMIT_NPROC); grade as another user for it to
    hold, or rely on the sandbox's PID namespace and the time limit, which still end all.
    """
    mib = 1 << 20
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mib * mib,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mib * mib,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _running_tasks():
    """Processes and threads this user runs now."""
    uid, count = os.getuid(), 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nUid:\t{uid}\t" in text:
            count += int(next(line.split()[1] for line in text.splitlines() if line.startswith("Threads:")))
    return count


class Watchdog:
    """The sandbox seen from outside, where the submission cannot reach: its processes'
    resident memory, summed and polled, ends the sandbox over `limit` bytes (RLIMIT_AS holds
    one process; this holds them all, for root and a normal user alike); and the resident
    peak of one call: the larger of the kernel's own high-water marks (``/proc/PID/status``
    VmHWM) of the processes alive at its end and the largest sum polled during it (a helper
    process that exits before the call returns, or a high-water mark reset from inside, is
    still seen if its memory lived longer than a poll).
    """

    def __init__(self, process, limit, interval=0.025):
        self.process, self.limit, self.over = process, limit, 0
        self.polled = None  # the largest sum polled since start_measure, while measuring
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(interval,), daemon=True)
        self._thread.start()

    def pids(self):
        """The sandbox's processes: its first process and every descendant."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in _listdir(f"/proc/{pid}/task"):
                todo += [int(c) for c in _read(Path(f"/proc/{pid}/task/{task}/children")).split()]
        return found

    def _sum(self, field, pids=None):
        total = 0
        for pid in self.pids() if pids is None else pids:
            for line in _read(Path(f"/proc/{pid}/status")).splitlines():
                if line.startswith(field):
                    total += int(line.split()[1]) << 10
        return total

    def _watch(self, interval):
        while not self._stop.wait(interval):
            used = self._sum("VmRSS:")
            if self.polled is not None:
                self.polled = max(self.polled, used)
            if used > self.limit:
                self.over = used
                with contextlib.suppress(OSError):
                    self.process.kill()
                return

    def start_measure(self):
        """Reset every process's high-water mark to its present size; return the sum of those."""
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        base = self._sum("VmRSS:", pids)
        self.polled = base
        return base

    def peak(self):
        """The resident peak since `start_measure`; ends the measurement."""
        polled, self.polled = self.polled or 0, None
        return max(self._sum("VmHWM:"), polled)

    def stop(self):
        self._stop.set()
        self._thread.join()


def _listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


def sandbox(kind, limits):
    """The sandbox a teacher asked for: "bubblewrap" (the default) or "none"."""
    return {"bubblewrap": Bubblewrap, "none": Unsandboxed}[kind](limits)
