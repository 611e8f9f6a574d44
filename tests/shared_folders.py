"""What the pytest workers of one run build once and share."""

import fcntl


def built_once(tmp_path_factory, worker_id, name, build):
    """The folder `name`, made by `build(folder)` once per test session.

    Under pytest-xdist the workers share it in the session's common folder: the first to get
    the lock builds it, the others wait for it. A failed build is built again by the next test
    that needs it (and fails it again, with its own message). Tests must not change it.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the session's folder, common to its workers
    out = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (out / ".built").exists():
            build(out)
            (out / ".built").touch()
    return out
