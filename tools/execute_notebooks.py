"""Run notebooks top to bottom in a fresh kernel and store their outputs and widget state.

The stored outputs are what nbval compares against a fresh run and what the website shows,
so this is the one way notebooks are (re)executed:

    .venv/bin/python tools/execute_notebooks.py chapters/*.ipynb

nbclient keeps the widget state in the notebook's metadata (the static site renders the
widgets from it); cell timing metadata is not recorded, so a re-run changes only what the
code changed (and the widgets' random model ids).
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CELL_TIMEOUT = 120  # seconds; one run in a dozen has been seen to stall for ~2 minutes


def execute(path):
    nb = nbformat.read(path, as_version=4)
    # coalesce_streams: a print that reaches the kernel in pieces is stored as one output.
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False, coalesce_streams=True,
                            store_widget_state=True, resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    nbformat.write(nb, path)


def main(paths):
    if not paths:
        sys.exit(__doc__)
    for path in paths:
        print(f"executing {path}", flush=True)
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
