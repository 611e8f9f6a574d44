"""`make lab`, the learner's way in: JupyterLab on the chapters, reachable from this machine only,
and a chapter's markdown rendered (by jupyterlab-myst) with no raw MyST and no math error.

One chapter is opened (about 10 s of browser work each): chapter 4, which uses every MyST role
and directive any chapter uses, as `test_the_opened_chapter_uses_every_construct_of_the_book`
checks; a new construct in another chapter fails that test until the opened chapter uses it
too or LAB_CHAPTERS grows. Formulas are not the risk here: the site's build already fails on
any formula KaTeX cannot render."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browser import RecordedPage

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
LAB_CHAPTERS = [ROOT / "chapters" / "04-jacobian.ipynb"]
TOKEN = "softmaxbook-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outside_address():
    """An address of this machine other than loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent, the kernel only picks a route
            return s.getsockname()[0]
        except OSError:
            return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` as a learner runs it (as root too: CI's containers run as root), with its own
    settings, workspaces and runtime files; its URL. Stopped afterwards."""
    tmp = tmp_path_factory.mktemp("lab")
    port = free_port()
    # expose_app_in_browser: the chapter test drives JupyterLab through window.jupyterapp
    args = (f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN} "
            "--LabApp.expose_app_in_browser=True --LabApp.news_url=None")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces")}
    log = tmp / "lab.log"
    with log.open("w") as out:  # a file, not a pipe: JupyterLab's log cannot fill it and stall
        server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within a minute")
        yield url, port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # seen once: the server hung while stopping its extensions
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_make_lab_serves_the_chapters_on_loopback_only(lab):
    url, port = lab
    with urllib.request.urlopen(f"{url}/api/contents?token={TOKEN}", timeout=5) as r:
        names = {c["name"] for c in json.load(r)["content"]}
    assert {p.name for p in CHAPTERS} <= names, names  # the chapters, at the root
    with urllib.request.urlopen(f"{url}/lab?token={TOKEN}", timeout=5) as r:
        assert r.status == 200 and b"JupyterLab" in r.read()
    other = outside_address()
    if other and other != "127.0.0.1":
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=2).close()


# Opens a chapter without a kernel (reading needs none) and waits until every markdown cell is
# rendered, scrolling to the first one that is not (JupyterLab attaches cells as they come into
# view); then, per markdown cell: its text with the typeset math left out, and each mark the
# renderer left on what it could not resolve or typeset.
READ_CHAPTER = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open',
    {path, factory: 'Notebook', kernelPreference: {shouldStart: false, shouldReuse: false}});
  await panel.context.ready;
  await panel.revealed;
  const notebook = panel.content;
  const markdown = notebook.widgets.filter(cell => cell.model.type === 'markdown');
  const shown = cell => {
    const out = cell.node.querySelector('.jp-Cell-inputArea > :is(.myst, .jp-RenderedMarkdown)');
    return out && out.textContent.trim() ? out : null;
  };
  for (let waited = 0; !markdown.every(shown); waited += 100) {
    if (waited > 60000) throw new Error(`${path}: markdown not rendered within a minute`);
    await notebook.scrollToItem(notebook.widgets.indexOf(markdown.find(cell => !shown(cell))), 'start');
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  const cells = markdown.map(cell => {
    const out = shown(cell), text = out.cloneNode(true);
    text.querySelectorAll('.katex, mjx-container').forEach(math => math.remove());
    const marks = [...out.querySelectorAll(
        '.katex-error, mjx-merror, mjx-container [style*="color: red"], .text-yellow-600, [class*="text-red-"]')]
      .map(mark => ({kind: mark.getAttribute('class'), title: mark.getAttribute('title') || '',
                     text: (mark.textContent || mark.parentElement.textContent).trim().slice(0, 200)}));
    return {index: notebook.widgets.indexOf(cell), text: text.textContent, marks};
  });
  panel.dispose();
  return cells;
}"""

# What MyST source looks like when nothing rendered it: a role or directive name ({cite:t}, {eq},
# ```{dropdown}), a fence, a math dollar (rendered math is removed from the text first), a TeX
# command outside math.
RAW = re.compile(r"\{[a-z][\w:-]*\}|```|:::|\$|\\[A-Za-z]+")
LABEL = re.compile(r"\$\$[ \t]*\(([\w-]+)\)[ \t]*$|^[ \t]*\(([\w-]+)\)=[ \t]*$", re.M)
BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(), re.M))


def markdown(notebook):
    """A chapter's cells, and the text of its markdown cells joined."""
    cells = json.loads(notebook.read_text())["cells"]
    return cells, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def labels(notebook):
    """The labels a chapter defines: in its markdown (`$$ ... $$ (label)` equations, `(label)=`
    targets), and the figures its code cells name in their metadata."""
    cells, text = markdown(notebook)
    figures = {c["metadata"].get("mystnb", {}).get("figure", {}).get("name") for c in cells} - {None}
    return {a or b for a, b in LABEL.findall(text)}, figures


def constructs(notebook):
    """The MyST roles and directives a chapter's markdown uses, and whether it labels an
    equation (`$$ ... $$ (label)`) or a target (`(label)=`)."""
    text = markdown(notebook)[1]
    used = set(re.findall(r"\{([a-z][\w:-]*)\}`", text))
    used |= {f"directive {d}" for d in re.findall(r"^[ \t]*(?:`{3,}|:{3,}|~{3,})\{([\w:-]+)\}", text, re.M)}
    used |= {"equation label" if equation else "target" for equation, _ in LABEL.findall(text)}
    return used


def test_the_opened_chapter_uses_every_construct_of_the_book():
    opened = set().union(*map(constructs, LAB_CHAPTERS))
    assert {"cite:t", "eq", "directive dropdown", "equation label"} <= opened  # the pattern reads them
    missing = {c.name: sorted(left) for c in CHAPTERS if (left := constructs(c) - opened)}
    assert not missing, f"constructs JupyterLab is not tested on (add their chapter to LAB_CHAPTERS): {missing}"


# JupyterLab has started, in the page as it is once `?reset` has cleared the workspace: the
# reset may load the page again, so the flag is polled (a promise awaited across that reload
# is lost: "Resulting promise was garbage collected").
STARTED = """() => {
  const app = window.jupyterapp;
  if (!app?.commands.hasCommand('docmanager:open') || location.search.includes('reset')) return false;
  app.started.then(() => { window.__labStarted = true; });
  return window.__labStarted === true;
}"""


def test_a_chapter_reads_cleanly_in_jupyterlab(lab, browser):
    """No raw role, directive, label or TeX and no math error in the chapter's rendered markdown.
    jupyterlab-myst reads one notebook at a time and no .bib: a citation shows its key (marked
    "Citation Not Found"), and a reference to another chapter, or to a figure named in a code
    cell's metadata, shows its label (marked "Cross Reference Not Found"); any other reference
    must resolve."""
    url, _ = lab
    before = {p: p.read_bytes() for p in CHAPTERS}
    # A taller page scrolls less but paints more: 900 px costs the least CPU (about 10 s a chapter here).
    p = RecordedPage(browser, viewport={"width": 1280, "height": 900})
    p.page.goto(f"{url}/lab?reset&token={TOKEN}")  # reset: no notebook left open by an earlier run
    p.page.wait_for_function(STARTED, polling=100, timeout=60_000)
    defined = {chapter: labels(chapter) for chapter in CHAPTERS}
    problems = []
    for chapter in LAB_CHAPTERS:
        own = defined[chapter][0]
        elsewhere = set().union(*(m | f for c, (m, f) in defined.items() if c != chapter), defined[chapter][1])
        for cell in p.page.evaluate(READ_CHAPTER, chapter.name):
            where = f"{chapter.name} cell {cell['index']}"
            text = cell["text"]
            for raw in RAW.finditer(text):
                problems.append(f"{where}: raw {raw[0]!r} in ...{text[max(raw.start() - 40, 0):raw.end() + 40]!r}")
            for label in own:
                if f"({label})" in text:
                    problems.append(f"{where}: the equation label ({label}) shows as text")
            for mark in cell["marks"]:
                allowed = ((mark["title"] == "Citation Not Found" and mark["text"] in BIB_KEYS)
                           or (mark["title"] == "Cross Reference Not Found" and mark["text"] in elsewhere))
                if not allowed:
                    problems.append(f"{where}: {mark}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
    assert not p.foreign_requests(), p.foreign_requests()
    assert {c: c.read_bytes() for c in CHAPTERS} == before, "opening the chapters changed a file"
    p.close()
