"""Student handouts: every public test of every master reaches its handout, and the handouts
name (and, given the site's address, link) the chapters they go with.

otter assign decides for itself which tests are hidden: besides `hidden: true` in a test's
TEST CONFIG, a test whose first line is a comment containing the word "hidden" is hidden too
(a public test of 09-network once vanished from its handout that way). So the masters are read
here without otter, and each handout is checked against them.
"""

import ast
import re
import shutil
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml

from softmaxbook.classroom import cli, handouts

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "classroom" / "assignments"
NAMES = sorted(p.stem for p in MASTERS.glob("*.ipynb"))
BOOK_URL = "https://example.org/softmax-book"  # a documentation-only domain (RFC 2606)


def master_tests(name):
    """{question: [(test code, hidden)]} from the master: each code cell between a question's
    BEGIN TESTS and END TESTS, hidden only if its TEST CONFIG says `hidden: true`."""
    nb = nbformat.read(MASTERS / f"{name}.ipynb", as_version=4)
    tests, question, inside = {}, None, False
    for cell in nb.cells:
        first = cell.source.lstrip().split("\n", 1)[0].strip()
        if cell.cell_type == "raw" and first == "# BEGIN QUESTION":
            question = yaml.safe_load(cell.source.split("\n", 1)[1])["name"]
            tests[question] = []
        elif cell.cell_type == "raw" and first in ("# BEGIN TESTS", "# END TESTS"):
            inside = first == "# BEGIN TESTS"
        elif inside and cell.cell_type == "code":
            config, body = {}, cell.source
            found = re.match(r'\s*""" # BEGIN TEST CONFIG\n(.*?)""" # END TEST CONFIG\n', body, re.DOTALL)
            if found:
                config, body = yaml.safe_load(found[1]) or {}, body[found.end():]
            tests[question].append((_lines(ast.unparse(ast.parse(body))), bool(config.get("hidden", False))))
    return tests


def _lines(code):
    """Code without its blank lines (otter's doctest form has none)."""
    return "\n".join(line for line in code.splitlines() if line.strip())


def doctest_code(case):
    """A case's code as otter wrote it into the handout (doctest lines), as plain Python."""
    lines = []
    for line in case["code"].splitlines():
        for prompt in (">>> ", "... ", ">>>", "..."):
            if line.startswith(prompt):
                line = line[len(prompt):]
                break
        lines.append(line)
    return _lines("\n".join(lines))


def handout(built, name):
    return nbformat.read(built / name / "student" / f"{name}.ipynb", as_version=4)


def test_masters_have_public_and_hidden_tests():
    for name in NAMES:
        tests = master_tests(name)
        assert tests, f"{name}: no questions found"
        for question, cases in tests.items():
            assert any(not hidden for _, hidden in cases), f"{name} {question}: no public test"
            assert any(hidden for _, hidden in cases), f"{name} {question}: no hidden test"


@pytest.mark.parametrize("name", NAMES)
def test_every_public_test_is_in_the_handout(built, name):
    in_handout = handout(built, name).metadata["otter"]["tests"]
    for question, cases in master_tests(name).items():
        public = Counter(code for code, hidden in cases if not hidden)
        given = [case for suite in in_handout[question]["suites"] for case in suite["cases"]]
        assert not [c for c in given if c.get("hidden")], f"{name} {question}: a hidden test in the handout"
        missing = public - Counter(doctest_code(c) for c in given)
        assert not missing, f"{name} {question}: public tests missing from the handout:\n" + "\n\n".join(missing)
        assert len(given) == sum(public.values()), f"{name} {question}: {len(given)} tests, {public.total()} public"


def chapter_file(name):
    """The chapter an assignment belongs to: the one with its number."""
    (found,) = (ROOT / "chapters").glob(f"{name[:2]}-*.ipynb")
    return f"chapters/{found.name}"


@pytest.mark.parametrize("name", NAMES)
def test_masters_name_their_chapter_and_link_no_repository(name):
    intro = next(c for c in nbformat.read(MASTERS / f"{name}.ipynb", as_version=4).cells if c.cell_type == "markdown")
    named = handouts.CHAPTER.findall(intro.source)
    assert chapter_file(name) in [f"{file}.ipynb" for _, file in named], f"{name} does not name {chapter_file(name)}"
    for title, file in named:
        assert (ROOT / f"{file}.ipynb").exists(), f"{name} names {file}.ipynb, which does not exist"
        assert title.startswith(f"Chapter {int(file.split('/')[1][:2])}, "), f"{name}: {title} is not {file}"
    assert "http" not in intro.source, f"{name}: its introduction links an address"


def test_a_handout_links_nothing_by_default(built):
    for name in NAMES:
        text = "\n".join(c.source for c in handout(built, name).cells if c.cell_type == "markdown")
        assert "](http" not in text and "https://" not in text, name
        assert f"(`{chapter_file(name)}`)" in text.replace("\n", " "), name


def test_book_url_links_each_named_chapter(built, tmp_path):
    for name in NAMES:
        copy = tmp_path / f"{name}.ipynb"
        shutil.copy(built / name / "student" / f"{name}.ipynb", copy)
        before = nbformat.read(copy, as_version=4)
        handouts.link_handout(copy, BOOK_URL + "/")
        after = nbformat.read(copy, as_version=4)
        page = chapter_file(name).removesuffix(".ipynb")
        intro = next(c for c in after.cells if c.cell_type == "markdown").source
        link = rf"\[Chapter \d+, [^\]]+\]\({re.escape(BOOK_URL)}/{page}\.html\) \(`{page}\.ipynb`\)"
        assert re.search(link, intro), intro
        assert not handouts.CHAPTER.search(intro), f"{name}: a chapter left unlinked"
        changed = [i for i, (a, b) in enumerate(zip(before.cells, after.cells, strict=True)) if a != b]
        assert len(changed) == 1 and after.cells[changed[0]].cell_type == "markdown", name  # the introduction only
        assert before.metadata == after.metadata, name


def test_build_passes_the_book_url(monkeypatch):
    calls = []
    monkeypatch.setattr(handouts, "build", lambda *args, **kwargs: calls.append(kwargs))
    cli.main(["build", "--book-url", BOOK_URL, "08-digits"])
    cli.main(["build"])
    assert [c.get("book_url") for c in calls] == [BOOK_URL, None]


def test_a_bad_book_url_is_refused(tmp_path):
    with pytest.raises(handouts.HandoutError, match="full URL"):
        handouts.build(tmp_path, book_url="example.org/book", folder=MASTERS)


def test_a_solution_that_fails_its_tests_stops_the_build(tmp_path):
    """`make handouts` runs each solution against its tests first: a broken one names itself."""
    nb = nbformat.read(MASTERS / "01-sigmoid.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("def sigmoid(")]
    cell.source = cell.source.replace("# BEGIN SOLUTION\n", "# BEGIN SOLUTION\n    return 0 * z\n", 1)
    (tmp_path / "masters").mkdir()
    nbformat.write(nb, tmp_path / "masters" / "01-sigmoid.ipynb")
    with pytest.raises(handouts.HandoutError, match=r"(?s)otter assign failed for \S*01-sigmoid.ipynb:.*ACTUAL"):
        handouts.build(tmp_path / "out", folder=tmp_path / "masters")


def test_masters_built_before_a_failing_one_can_be_graded(tmp_path):
    """A build that stops at a broken master leaves the ones before it whole: hashed, so
    grading accepts them, and linked to the book."""
    (tmp_path / "masters").mkdir()
    shutil.copy(MASTERS / "01-sigmoid.ipynb", tmp_path / "masters")
    broken = nbformat.read(MASTERS / "02-softmax.ipynb", as_version=4)
    broken.cells[0].source += "\nnot_a_key: 1"  # the assignment's config: otter refuses an unknown key
    nbformat.write(broken, tmp_path / "masters" / "02-softmax.ipynb")
    with pytest.raises(handouts.HandoutError, match=r"(?s)otter assign failed for \S*02-softmax.ipynb:.*not_a_key"):
        handouts.build(tmp_path / "out", run_tests=False, folder=tmp_path / "masters", book_url=BOOK_URL)
    assert handouts.autograder_zip(tmp_path / "out", "01-sigmoid")
    assert BOOK_URL in (tmp_path / "out" / "01-sigmoid" / "student" / "01-sigmoid.ipynb").read_text()
