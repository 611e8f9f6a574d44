"""Project-wide pytest set-up for every test path (tests/, src/, chapters/): which tests are
slow, and the figure check that strict nbval lacks. Fixtures live in tests/conftest.py."""

import pytest

# `make test-fast` leaves out what needs a browser, a site build, a wheel build, a JupyterLab
# server or grading. This is the one place tests are marked slow, a whole file at a time (no
# `pytestmark` or `@pytest.mark.slow` in the files).
# (Under pytest-xdist, `make test` runs with --dist loadfile: a file's tests share one worker,
# so a notebook's cells share one kernel and a module's browser, site build or handouts.)
SLOW_FILES = {"test_site.py", "test_widgets_browser.py", "test_widgets_jupyterlab.py", "test_packaging.py",
              "test_classroom.py", "test_classroom_bank.py", "test_classroom_hostile.py", "test_lab.py",
              "test_handouts.py", "test_quiz_browser.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config):
    # Strict nbval skips image/png outputs; compare the figures too (tests/nbval_figures.py).
    if config.getoption("nbval", default=False) and not config.getoption("nbval_lax", default=False):
        from nbval_figures import install

        install()

