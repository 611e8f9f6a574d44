"""Helpers for the assignments' tests, the same under every grader.

A hidden test that must forbid a library helper, or measure the memory an answer takes,
uses these. Under `otter run` (Gradescope, otter's Docker grading) the answer runs in the
test's own process and they act there; under this package's grader the answer runs in its
sandbox and they travel with each call (`Answer` below).

>>> import softmaxbook as sb
>>> from softmaxbook.classroom.testing import forbid
>>> with forbid("softmaxbook.softmax_jacobian"):
...     sb.softmax_jacobian([0.0, 1.0])
Traceback (most recent call last):
AssertionError: this test forbids calling softmax_jacobian: write it yourself
"""

import contextlib
import contextvars
import importlib
import tracemalloc

FORBIDDEN = contextvars.ContextVar("forbidden", default=())


@contextlib.contextmanager
def forbid(*names):
    """Inside the block, calling any of `names` (dotted: ``"softmaxbook.softmax_vjp"``) raises.

    The function's code object is swapped, so a reference taken before the block is caught
    too; the grader's sandboxed answers get the same list with each call.
    """
    functions = [getattr(importlib.import_module(m), a) for m, _, a in (d.rpartition(".") for d in names)]
    swapped = make_forbidden(functions)
    token = FORBIDDEN.set(FORBIDDEN.get() + names)
    try:
        yield
    finally:
        FORBIDDEN.reset(token)
        restore(swapped)


def make_forbidden(functions):
    """Swap each function's code for one that raises; return what `restore` needs."""
    swapped = [(f, f.__code__) for f in functions]
    for f, code in swapped:
        f.__code__ = _forbidden.__code__.replace(co_name=code.co_name)
    return swapped


def restore(swapped):
    for f, code in swapped:
        f.__code__ = code


def _forbidden(*args, **kwargs):
    # This code runs with the forbidden function's globals and no closure: builtins only.
    name = __import__("sys")._getframe().f_code.co_name
    raise AssertionError(f"this test forbids calling {name}: write it yourself")


def peak_memory(f, *args, **kwargs):
    """``(f(*args, **kwargs), peak bytes allocated by Python and NumPy during the call)``."""
    if isinstance(f, Answer):
        return f.call(args, kwargs, measure=True)
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        value = f(*args, **kwargs)
        return value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Answer:
    """A function of the submission, called in its sandbox: what the grader's tests see."""

    def __init__(self, session, name):
        self.session, self.name = session, name

    def __call__(self, *args, **kwargs):
        return self.call(args, kwargs)[0]

    def call(self, args, kwargs, measure=False):
        return self.session.call(self.name, args, kwargs, forbid=FORBIDDEN.get(), measure=measure)

    def __repr__(self):
        return f"<the submission's {self.name}>"
