"""The self-check questions' one source: a TOML bank per chapter, read and checked here.

``softmaxbook/questions/NN-name.toml`` holds chapter NN's questions in the order the chapter
asks them, each an ``[[question]]`` table: its text, its answer, the feedback written for each
answer and mistake, its hints and its worked answer. From that one entry come the question in
the page and in JupyterLab (`softmaxbook.widgets.Question`), its text on paper (`paper`) and
the chapter's answer key (`answer_key_html`, added to the printed page by tools/book_site.py).

Every question has
  ``id`` ("chNN-words", unique), ``kind`` ("choice", "number" or "formula"), ``prompt``,
  ``hints`` (one or more, unlocked one at a time after a first attempt) and ``worked`` (the
  worked answer, after the hints and in the answer key);
a **choice** has ``options``, each a table ``{ text, why, right = true|false }`` (``why``
  explains that option, right or wrong; one or more are right), and ``multiple = true`` to
  show check boxes even when only one is right;
a **number** has ``answer`` and the tolerance the reader is told: ``decimals = 3`` (within
  half a unit of the third decimal), ``tolerance = 0.01`` or ``relative = 0.01`` (1 %); an
  optional ``unit``; and ``mistakes``, known wrong values ``{ value, says }`` (matched with the
  question's tolerance unless they give their own);
a **formula** has ``answer`` (in mathjs syntax: ``yhat_i - y_i``), ``equivalent`` (three or
  more other right forms: the tests check that each passes), ``symbols`` (what the reader may
  use, each ``{ kind, means, ... }``, see `SYMBOL_KINDS`) and ``mistakes``, known wrong forms
  ``{ form, says }``.

Text is plain Unicode (ŷᵢ − yᵢ), with `backticks` for code; a blank line starts a paragraph.
Anything else in an entry is refused, with the file, the question and the field named.

>>> qs = load_bank(BANKS / "02-softmax.toml")
>>> qs[0]["id"].startswith("ch02-"), qs[0]["number"]
(True, '2.1')
"""

import functools
import math
import re
import tomllib
from pathlib import Path

BANKS = Path(__file__).resolve().parent.parent / "questions"

COMMON = {"id", "kind", "prompt", "hints", "worked"}
FIELDS = {
    "choice": COMMON | {"options", "multiple"},
    "number": COMMON | {"answer", "decimals", "tolerance", "relative", "unit", "mistakes"},
    "formula": COMMON | {"answer", "equivalent", "symbols", "mistakes"},
}

# A formula's symbols, by kind, and the fields each takes (besides `kind` and `means`):
# sizes (K classes, N examples), numbers, vectors and matrices drawn at random; labels (a
# class per row); index symbols (i, j, c), which run over every class; and symbols derived
# from others (softmax and sigmoid of a symbol, the one-hot vector of an index or the one-hot
# rows of labels).
SYMBOL_KINDS = {
    "size": {"range"}, "scalar": {"range", "integer"}, "vector": {"over", "range"},
    "matrix": {"rows", "cols", "range"}, "labels": {"over", "classes"}, "index": {"over"},
    "softmax": {"of"}, "sigmoid": {"of"}, "onehot": {"at"},
}
# Names a symbol may not take: the constants and functions a formula may use, and mathjs's
# imaginary unit i (allowed as an index, which a formula only uses as a subscript).
RESERVED = {"e", "E", "pi", "i", "delta", "exp", "log", "ln", "log10", "log2", "sqrt", "abs", "tanh", "sigma", "sum",
            "max", "min", "prod", "mean"}


class BankError(ValueError):
    """A question bank that does not follow the schema; the message names where."""


def _fail(where, message):
    raise BankError(f"{where}: {message}")


def _text(entry, key, where, optional=False):
    value = entry.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"`{key}` must be non-empty text; got {value!r}")
    return value.strip()


def _number(entry, key, where, positive=False):
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or (
            positive and value <= 0):
        _fail(where, f"`{key}` must be a {'positive ' if positive else ''}finite number; got {value!r}")
    return float(value)


def _table_list(entry, key, where, least):
    items = entry.get(key)
    if not isinstance(items, list) or len(items) < least or not all(isinstance(x, dict) for x in items):
        _fail(where, f"`{key}` must be a list of at least {least} tables; got {items!r}")
    return items


def _only(entry, allowed, where):
    if extra := sorted(set(entry) - set(allowed)):
        _fail(where, f"unknown field{'s' if len(extra) > 1 else ''} {', '.join(f'`{k}`' for k in extra)} "
                     f"(allowed: {', '.join(sorted(allowed))})")


def _choice(q, entry, where):
    options = []
    for k, option in enumerate(_table_list(entry, "options", where, 2)):
        at = f"{where}, option {k + 1}"
        _only(option, {"text", "why", "right"}, at)
        right = option.get("right", False)
        if not isinstance(right, bool):
            _fail(at, f"`right` must be true or false; got {right!r}")
        options.append({"text": _text(option, "text", at), "why": _text(option, "why", at), "right": right})
    n_right = sum(o["right"] for o in options)
    if n_right == 0:
        _fail(where, "no option is `right = true`")
    multiple = entry.get("multiple", n_right > 1)
    if not isinstance(multiple, bool) or (n_right > 1 and not multiple):
        _fail(where, f"`multiple` must be true or false, and true when several options are right; got {multiple!r}")
    q.update(options=options, multiple=multiple)


def _tolerance(entry, where):
    """(tolerance, relative, stated, decimals) from whichever of decimals, tolerance, relative is given."""
    given = [k for k in ("decimals", "tolerance", "relative") if k in entry]
    if len(given) != 1:
        _fail(where, f"give exactly one of `decimals`, `tolerance`, `relative`; got {given or 'none'}")
    if given == ["decimals"]:
        d = entry["decimals"]
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 12:
            _fail(where, f"`decimals` must be a whole number from 0 to 12; got {d!r}")
        stated = "to the nearest whole number (±0.5)" if d == 0 else \
            f"to {d} decimal place{'s' if d > 1 else ''} (±{0.5 * 10.0 ** -d:g})"
        return 0.5 * 10.0 ** -d, 0.0, stated, d
    if given == ["tolerance"]:
        t = _number(entry, "tolerance", where, positive=True)
        return t, 0.0, f"within ±{t:g}", None
    r = _number(entry, "relative", where, positive=True)
    if r >= 1:
        _fail(where, f"`relative` must be below 1 (it is a fraction: 0.01 is 1 %); got {r!r}")
    return 0.0, r, f"within {100 * r:g} %", None


def _number_question(q, entry, where):
    answer = _number(entry, "answer", where)
    tolerance, relative, stated, decimals = _tolerance(entry, where)
    span = tolerance + relative * abs(answer)
    mistakes = []
    for k, m in enumerate(entry.get("mistakes", [])):
        at = f"{where}, mistake {k + 1}"
        if not isinstance(m, dict):
            _fail(at, f"must be a table {{ value, says }}; got {m!r}")
        _only(m, {"value", "says", "tolerance", "relative"}, at)
        value = _number(m, "value", at)
        own = {key: _number(m, key, at, positive=True) for key in ("tolerance", "relative") if key in m}
        reach = own.get("tolerance", 0.0) + own.get("relative", 0.0) * abs(value) if own else span
        if abs(value - answer) < reach + span:
            _fail(at, f"{value!r} is within reach of the right answer {answer!r}: it could never be named")
        mistakes.append({"value": value, "says": _text(m, "says", at), **own})
    unit = _text(entry, "unit", where, optional=True)
    q.update(answer=answer, tolerance=tolerance, relative=relative, stated=stated, mistakes=mistakes,
             **({"unit": unit} if unit else {}), **({"decimals": decimals} if decimals is not None else {}))


def _symbols(entry, where):
    table = entry.get("symbols")
    if not isinstance(table, dict) or not table:
        _fail(where, f"`symbols` must be a table of the formula's symbols; got {table!r}")
    sizes = [n for n, s in table.items() if isinstance(s, dict) and s.get("kind") == "size"]
    out = {}
    for name, s in table.items():
        at = f"{where}, symbol `{name}`"
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) or (name in RESERVED and name != "i"):
            _fail(at, "a symbol's name is letters and digits (no underscore: it marks a component), not a function "
                      f"or constant ({', '.join(sorted(RESERVED))})")
        if not isinstance(s, dict) or s.get("kind") not in SYMBOL_KINDS:
            _fail(at, f"must be a table with `kind` one of {', '.join(SYMBOL_KINDS)}; got {s!r}")
        kind = s["kind"]
        _only(s, {"kind", "means"} | SYMBOL_KINDS[kind], at)
        sym = {"kind": kind, "means": _text(s, "means", at)}
        if kind == "index" and not re.fullmatch(r"[a-z]", name):
            _fail(at, "an index is one lower-case letter (it is written as a subscript: z_i, delta_ij)")

        def ref(key, kinds, default=None, at=at, s=s):
            value = s.get(key, default)
            if value not in table or table[value].get("kind") not in kinds:
                _fail(at, f"`{key}` must name a symbol of kind {' or '.join(kinds)}; got {value!r}")
            return value

        if "range" in SYMBOL_KINDS[kind]:
            lo_hi = s.get("range", [2, 4] if kind == "size" else [-3.0, 3.0])
            ok = isinstance(lo_hi, list) and len(lo_hi) == 2 and all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in lo_hi)
            whole = kind != "size" or all(isinstance(v, int) and v >= 1 for v in lo_hi)
            if not ok or lo_hi[0] >= lo_hi[1] or not whole:
                _fail(at, f"`range` must be [low, high] with low < high (whole numbers from 1 for a size); "
                          f"got {lo_hi!r}")
            sym["range"] = lo_hi if kind == "size" else [float(v) for v in lo_hi]
        if kind == "scalar":
            sym["integer"] = s.get("integer", False) is True
        if kind in ("vector", "index"):
            sym["over"] = ref("over", ["size"], sizes[0] if sizes else None)
        if kind == "matrix":
            sym["rows"], sym["cols"] = ref("rows", ["size"]), ref("cols", ["size"])
        if kind == "labels":
            sym["over"], sym["classes"] = ref("over", ["size"]), ref("classes", ["size"])
        if kind in ("softmax", "sigmoid"):
            sym["of"] = ref("of", ["vector", "matrix"] if kind == "softmax" else ["scalar", "vector", "matrix"])
        if kind == "onehot":
            sym["at"] = ref("at", ["index", "labels"])
            at_sym = table[sym["at"]]
            default = sizes[0] if sizes else None
            sym["classes"] = at_sym.get("classes") if at_sym["kind"] == "labels" else at_sym.get("over", default)
        out[name] = sym
    return out


def _formula(q, entry, where):
    answer = _text(entry, "answer", where)
    equivalent = entry.get("equivalent")
    forms = isinstance(equivalent, list) and all(isinstance(f, str) and f.strip() for f in equivalent)
    if not forms or len(equivalent) < 3:
        _fail(where, f"`equivalent` must list at least 3 other right forms of the answer; got {equivalent!r}")
    mistakes = []
    for k, m in enumerate(entry.get("mistakes", [])):
        at = f"{where}, mistake {k + 1}"
        if not isinstance(m, dict):
            _fail(at, f"must be a table {{ form, says }}; got {m!r}")
        _only(m, {"form", "says"}, at)
        mistakes.append({"form": _text(m, "form", at), "says": _text(m, "says", at)})
    q.update(answer=answer, equivalent=[f.strip() for f in equivalent], symbols=_symbols(entry, where),
             mistakes=mistakes)


def _question(entry, where, prefix):
    qid = entry.get("id")
    if not isinstance(qid, str) or not re.fullmatch(rf"{prefix}-[a-z0-9]+(?:-[a-z0-9]+)*", qid):
        _fail(where, f"`id` must be '{prefix}-' then lower-case words joined by '-'; got {qid!r}")
    where = f"{where} (`{qid}`)"
    kind = entry.get("kind")
    if kind not in FIELDS:
        _fail(where, f"`kind` must be one of {', '.join(FIELDS)}; got {kind!r}")
    _only(entry, FIELDS[kind], where)
    hints = entry.get("hints")
    if not isinstance(hints, list) or not hints or not all(isinstance(x, str) and x.strip() for x in hints):
        _fail(where, f"`hints` must list one or more hints, in the order they unlock; got {hints!r}")
    q = {"id": qid, "kind": kind, "prompt": _text(entry, "prompt", where), "hints": [x.strip() for x in hints],
         "worked": _text(entry, "worked", where)}
    {"choice": _choice, "number": _number_question, "formula": _formula}[kind](q, entry, where)
    return q


@functools.cache
def _load(path):
    path = Path(path)
    m = re.fullmatch(r"(\d\d)-[a-z0-9-]+\.toml", path.name)
    if not m:
        raise BankError(f"{path.name}: a bank is named after its chapter, NN-name.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise BankError(f"{path.name}: not valid TOML: {err}") from None
    if set(data) != {"question"} or not isinstance(data["question"], list):
        raise BankError(f"{path.name}: a bank holds [[question]] tables and nothing else; got {sorted(data)}")
    chapter = int(m.group(1))
    questions = [_question(e, f"{path.name}, question {k + 1}", f"ch{m.group(1)}")
                 for k, e in enumerate(data["question"])]
    seen = set()
    for k, q in enumerate(questions):
        if q["id"] in seen:
            raise BankError(f"{path.name}: `{q['id']}` is used twice")
        seen.add(q["id"])
        q["number"] = f"{chapter}.{k + 1}"
        q["answer_text"] = answer_text(q)
    return tuple(questions)


def load_bank(path):
    """The questions of one bank, checked and completed (defaults filled in), in order.

    Raises `BankError` (a ValueError) naming the file, the question and the field at fault.
    """
    return [dict(q) for q in _load(Path(path).resolve())]


def banks():
    """{chapter name ("02-softmax"): its questions} for every bank of the book, in order."""
    return {path.stem: load_bank(path) for path in sorted(BANKS.glob("*.toml"))}


def find(qid):
    """The question with this id, from the bank its "chNN-" prefix names."""
    m = re.fullmatch(r"ch(\d\d)-.+", qid) if isinstance(qid, str) else None
    paths = sorted(BANKS.glob(f"{m.group(1)}-*.toml")) if m else []
    for q in (q for path in paths for q in load_bank(path)):
        if q["id"] == qid:
            return q
    raise KeyError(f"no self-check question `{qid}` in {BANKS}" + ("" if paths else
                   " (an id starts with its chapter, as in ch02-...)"))


# ---- paper -------------------------------------------------------------------------------

def _plain(text):
    return text.replace("`", "")


def answer_text(q):
    """The right answer in words: "B. Subtract the maximum", "0.665", "yhat_i - y_i"."""
    if q["kind"] == "choice":
        return "; ".join(f"{chr(65 + k)}. {_plain(o['text'])}" for k, o in enumerate(q["options"]) if o["right"])
    if q["kind"] == "number":
        value = f"{q['answer']:.{q['decimals']}f}" if "decimals" in q else f"{q['answer']:.12g}"
        return f"{value}{' ' + q['unit'] if q.get('unit') else ''}, {q['stated']}"
    return f"`{q['answer']}`"


def paper(q):
    """The question as plain text, to print or read without a browser."""
    lines = [f"Self-check {q['number']}", *_plain(q["prompt"]).splitlines()]
    if q["kind"] == "choice":
        lines.append("Choose every right option." if q["multiple"] else "Choose one.")
        lines += [f"  [ ] {chr(65 + k)}. {_plain(o['text'])}" for k, o in enumerate(q["options"])]
    elif q["kind"] == "number":
        lines += [f"Answer {q['stated']}: ______________{' ' + q['unit'] if q.get('unit') else ''}"]
    else:
        lines += ["Symbols: " + "; ".join(f"{n}: {_plain(s['means'])}" for n, s in q["symbols"].items()) + ".",
                  "Answer: ______________________________"]
    return "\n".join(lines)


def _html(text):
    import html

    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if k % 2 else p for k, p in enumerate(parts))


def answer_key_html(questions, title="Answer key"):
    """The chapter's answer key as an HTML section: for each question, its number, the answer
    and the worked answer. tools/book_site.py adds it to the end of the chapter's page, shown
    on paper only."""
    items = []
    for q in questions:
        worked = "".join(f"<p>{_html(p.strip())}</p>" for p in re.split(r"\n\s*\n", q["worked"]))
        items.append(f'<li><p><strong>{q["number"]}</strong> {_html(answer_text(q))}</p>{worked}</li>')
    return (f'<section class="sb-answer-key"><h2>{title}</h2>'
            f'<ol class="sb-key-list">{"".join(items)}</ol></section>')
