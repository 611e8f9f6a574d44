"""Every public function documents itself the numpydoc way, with a runnable example.

The examples themselves run as doctests (``--doctest-modules`` on src/softmaxbook); this
file checks that the sections are there and that the related functions point at each other.
"""

import inspect
import re

import pytest

import softmaxbook as sb

PUBLIC = [name for name in sb.__all__ if callable(getattr(sb, name))]


def sections(name):
    """The numpydoc section titles of a function's docstring, in order."""
    doc = inspect.getdoc(getattr(sb, name))
    return re.findall(r"^(\w[\w ]*)\n-{3,}$", doc, flags=re.MULTILINE)


def section(name, title):
    doc = inspect.getdoc(getattr(sb, name))
    match = re.search(rf"^{title}\n-+\n(.*?)(?=^\w[\w ]*\n-{{3,}}$|\Z)", doc, flags=re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


@pytest.mark.parametrize("name", PUBLIC)
def test_parameters_returns_and_examples(name):
    found = sections(name)
    for title in ("Parameters", "Returns", "Examples"):
        assert title in found, f"{name}: no {title} section (has {found})"
    order = [t for t in ("Parameters", "Returns", "See Also", "Notes", "References", "Examples") if t in found]
    assert order == [t for t in found if t in order], f"{name}: sections out of numpydoc order: {found}"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_parameter_is_documented(name):
    documented = section(name, "Parameters")
    for arg in inspect.signature(getattr(sb, name)).parameters:
        assert re.search(rf"^(\w+, )*{arg}(, \w+)* :|^{arg}$", documented, flags=re.MULTILINE), (name, arg)


@pytest.mark.parametrize("name", PUBLIC)
def test_example_imports_the_package(name):
    assert ">>> import softmaxbook as sb" in section(name, "Examples"), name


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_cites_blanchard_higham_higham(name):
    refs = section(name, "References")
    assert "Blanchard" in refs and "https://doi.org/10.1093/imanum/draa038" in refs, name
    assert "[1]_" in inspect.getdoc(getattr(sb, name)), f"{name} does not cite its reference in the text"


@pytest.mark.parametrize("name, related", [
    ("softmax", ["log_softmax", "logsumexp"]),
    ("log_softmax", ["softmax", "logsumexp"]),
    ("logsumexp", ["softmax", "log_softmax"]),
    ("sigmoid", ["sigmoid_grad"]),
    ("sigmoid_grad", ["sigmoid"]),
    ("naive_softmax", ["softmax"]),
])
def test_see_also(name, related):
    entries = re.findall(r"^(\w+) :", section(name, "See Also"), flags=re.MULTILINE)
    for other in related:
        assert other in entries, (name, other, entries)
    assert all(e in sb.__all__ for e in entries), entries


@pytest.mark.parametrize("name", ["sigmoid", "softmax", "relu"])
def test_returns_states_the_real_dtype_rule(name):
    # Bug story: these said "float32 for float32 input, else float64", but float16 gives
    # float32 and longdouble stays longdouble (tests/test_activations.py checks the rule).
    returns = section(name, "Returns")
    assert "else float64" not in returns, returns
    for word in ("float16", "float32", "longdouble", "float64"):
        assert word in returns, (name, word, returns)
