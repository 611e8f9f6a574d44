"""Project-wide pytest set-up for every test path (tests/, src/, chapters/): which tests are
slow, and the figure check that strict nbval lacks. Fixtures live in tests/conftest.py."""

import pytest

# `make test-fast` leaves out what needs a browser, a site build, a wheel build, a JupyterLab
# server or grading. This is the one place tests are marked slow, a whole file at a time (no
# `pytestmark` or `@pytest.mark.slow` in the files).
# (Under pytest-xdist, `make test` runs with --dist loadfile: a file's tests share one worker,
# so a notebook's cells share one kernel and a module's fixtures run once; see below.)
SLOW_FILES = {"test_site.py", "test_widgets_browser.py", "test_widgets_jupyterlab.py", "test_packaging.py",
              "test_classroom.py", "test_classroom_bank.py", "test_classroom_hostile.py", "test_lab.py",
              "test_handouts.py", "test_quiz_browser.py", "test_pdf.py"}


# Under `make test` (-n 2 --dist loadfile) a file is one unit of work, with two changes made by
# the scheduler below: each test of SPREAD_FILES is a unit of its own (test_site.py has one test
# per page load, test_quiz_browser.py one per chapter, and both workers take them; the book they
# read is built once per run), and the
# units go out longest first: LONG_FIRST (a minute or more each), the spread loads, the notebooks,
# then the rest, so the long units start at once and the short ones even out the end.
SPREAD_FILES = {"test_site.py", "test_quiz_browser.py"}
LONG_FIRST = ["test_classroom.py", "test_classroom_bank.py", "test_pdf.py", "test_classroom_hostile.py",
              "test_packaging.py", "test_widgets_jupyterlab.py", "test_lab.py", "test_widgets_browser.py",
              "test_handouts.py"]


def _work_order(scope):
    name = scope.split("::", 1)[0].rsplit("/", 1)[-1]
    if name in LONG_FIRST:
        return LONG_FIRST.index(name)
    return len(LONG_FIRST) + (0 if name in SPREAD_FILES else 1 if name.endswith(".ipynb") else 2)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LongestFirst(LoadFileScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return nodeid if path.rsplit("/", 1)[-1] in SPREAD_FILES else path

        def _assign_work_unit(self, node):
            if not getattr(self, "_ordered", False):  # first call: the queue is complete
                units = sorted(self.workqueue.items(), key=lambda unit: _work_order(unit[0]))  # stable
                self.workqueue.clear()
                self.workqueue.update(units)
                self._ordered = True
            super()._assign_work_unit(node)

    return LongestFirst(config, log)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config):
    # Strict nbval skips image/png outputs; compare the figures too (tests/nbval_figures.py).
    if config.getoption("nbval", default=False) and not config.getoption("nbval_lax", default=False):
        from nbval_figures import install

        install()

