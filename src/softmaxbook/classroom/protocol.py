"""Values between the grader and a submission's sandbox: one JSON object per line.

Only data crosses: None, bools, ints, floats (inf and nan too), strings, lists, tuples,
dicts with string keys, and NumPy arrays and scalars of numbers, booleans or text (as
``.npy`` bytes, read back with ``allow_pickle=False``); and, as an argument of a call, an
iterator (a test's generator), read once in the grader and received as a one-shot iterator
over the same items. Nothing the sandbox sends can run
code in the grader, and what a reply may cost the grader is bounded before it is decoded:
its size (`MAX_LINE`), the number of JSON values in it (`MAX_ITEMS`), how deep they nest
(`MAX_DEPTH`), and for an array the bytes it really holds (an array must hold
``size * itemsize`` bytes: no zero-width items that claim billions of elements).
"""

import base64
import collections
import io
import json
import os
import select
import time
from collections.abc import Iterator

import numpy as np

MAX_LINE = 32 << 20  # bytes: a longer reply is refused, never read into memory
MAX_ITEMS = 1_000_000  # JSON values in one message: each costs the grader a Python object
MAX_DEPTH = 64  # lists in lists: far more than any answer needs, far less than Python's stack
ARRAY_KINDS = "biufcUS"  # bool, integers, floats, complex, text: no objects, voids or records


def encode(value):
    """A JSON-ready form of `value`; TypeError for anything but data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.ndarray, np.generic)):  # before int and float: np.float64 is a float
        if np.asarray(value).dtype.kind not in ARRAY_KINDS:
            raise TypeError(f"an array of {np.asarray(value).dtype} is not data the grader can read")
        buf = io.BytesIO()
        np.save(buf, np.asarray(value), allow_pickle=False)
        return {"npy": base64.b64encode(buf.getvalue()).decode(), "scalar": isinstance(value, np.generic)}
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else {"float": repr(value)}
    if isinstance(value, (list, tuple)):
        items = [encode(v) for v in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    raise TypeError(f"a {type(value).__name__} is not data the grader can read")


def encode_argument(value):
    """`encode` for an argument of a call, which may also be an iterator: its items are read
    here, once, and the function receives an iterator over them that can be read only once."""
    if isinstance(value, Iterator):
        return {"iterator": [encode(v) for v in value]}
    return encode(value)


def decode(obj):
    """The value `encode` made `obj` from; ValueError for anything `encode` cannot make (a
    wrong type inside, or nesting deeper than MAX_DEPTH)."""
    try:
        return _decode(obj, 0)
    except (AttributeError, KeyError, TypeError, RecursionError) as err:
        raise ValueError(f"not an encoded value ({type(err).__name__})") from None


def _decode(obj, depth):
    if depth > MAX_DEPTH:
        raise ValueError(f"a value nested deeper than {MAX_DEPTH}")
    if isinstance(obj, list):
        return [_decode(v, depth + 1) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "float" in obj:
        return float(obj["float"])
    if "npy" in obj:
        a = load_npy(base64.b64decode(obj["npy"], validate=True))
        return a[()] if obj.get("scalar") else a
    if "tuple" in obj:
        return tuple(_decode(v, depth + 1) for v in obj["tuple"])
    if "iterator" in obj:
        return _once(collections.deque(_decode(v, depth + 1) for v in obj["iterator"]))
    if "dict" in obj:
        return {k: _decode(v, depth + 1) for k, v in obj["dict"].items()}
    raise ValueError(f"not an encoded value: {sorted(obj)[:5]}")


def load_npy(data):
    """An array from ``.npy`` bytes, after checking that its header tells the truth."""
    buf = io.BytesIO(data)
    fmt = np.lib.format
    read_header = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}.get(fmt.read_magic(buf))
    if read_header is None:
        raise ValueError("not an .npy version the grader reads")
    shape, fortran, dtype = read_header(buf, max_header_size=1024)
    if dtype.kind not in ARRAY_KINDS or dtype.itemsize == 0 or dtype.fields is not None or dtype.subdtype:
        raise ValueError(f"an array of {dtype} is not data the grader reads")
    body = data[buf.tell():]
    if any(n < 0 for n in shape) or int(np.prod(shape, dtype=object)) * dtype.itemsize != len(body):
        raise ValueError(f"an array header claims shape {shape} of {dtype} for {len(body)} bytes")
    order = "F" if fortran else "C"
    return np.frombuffer(body, dtype=dtype).reshape(shape, order=order).copy(order=order)


def parse(line):
    """One message from a line of bytes or text; ValueError if it is not one we would send."""
    if isinstance(line, str):
        line = line.encode("utf-8", "surrogateescape")
    if len(line) > MAX_LINE:
        raise ValueError(f"a message over {MAX_LINE >> 20} MiB")
    if line.count(b",") + line.count(b":") + line.count(b"[") > MAX_ITEMS:
        raise ValueError(f"a message of more than {MAX_ITEMS} values")
    try:
        message = json.loads(line)
    except RecursionError:  # nested a million deep
        raise ValueError("a message nested too deep") from None
    if not isinstance(message, dict):
        raise ValueError("a message must be a JSON object")
    return message


def send(stream, message):
    """Write a message to a blocking text stream (the sandbox's side)."""
    stream.write(json.dumps(message, allow_nan=False) + "\n")
    stream.flush()


def send_by(fd, message, deadline):
    """Write a message to the non-blocking pipe `fd` by the time.monotonic() `deadline`.

    TimeoutError if the reader stops reading: a submission that shrinks its pipe and sleeps
    cannot hold the grader in a write.
    """
    data = memoryview((json.dumps(message, allow_nan=False) + "\n").encode())
    while data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([], [fd], [], left)[1]:
            raise TimeoutError("the submission stopped reading the grader's requests")
        try:
            data = data[os.write(fd, data):]
        except BlockingIOError:
            continue


def receive(stream):
    """The next message from a blocking stream, or None at its end (the sandbox's side)."""
    line = stream.readline(MAX_LINE + 1)
    if not line:
        return None
    return parse(line)


def _once(items):
    """An iterator that gives up each item as it yields it: no copy of it can read them again
    (`iter(list)` can be copied, or pickled back into its list)."""
    while items:
        yield items.popleft()
