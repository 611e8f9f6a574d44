"""Values between the grader and a submission's sandbox: one JSON object per line.

Only data crosses: None, bools, ints, floats (inf and nan too), strings, lists, tuples,
dicts with string keys, and NumPy arrays and scalars (as ``.npy`` bytes, read back with
``allow_pickle=False``). Nothing the sandbox sends can run code in the grader.
"""

import base64
import io
import json

import numpy as np

MAX_LINE = 64 << 20  # bytes: a reply larger than this is refused, not read into memory


def encode(value):
    """A JSON-ready form of `value`; TypeError for anything but data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else {"float": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        if np.asarray(value).dtype.hasobject:
            raise TypeError("an array of Python objects is not data the grader can read")
        buf = io.BytesIO()
        np.save(buf, np.asarray(value), allow_pickle=False)
        return {"npy": base64.b64encode(buf.getvalue()).decode(), "scalar": isinstance(value, np.generic)}
    if isinstance(value, (list, tuple)):
        items = [encode(v) for v in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    raise TypeError(f"a {type(value).__name__} is not data the grader can read")


def decode(obj):
    """The value `encode` made `obj` from."""
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "float" in obj:
        return float(obj["float"])
    if "npy" in obj:
        a = np.load(io.BytesIO(base64.b64decode(obj["npy"])), allow_pickle=False)
        return a[()] if obj.get("scalar") else a
    if "tuple" in obj:
        return tuple(decode(v) for v in obj["tuple"])
    if "dict" in obj:
        return {k: decode(v) for k, v in obj["dict"].items()}
    raise ValueError(f"not an encoded value: {sorted(obj)[:5]}")


def send(stream, message):
    stream.write(json.dumps(message, allow_nan=False) + "\n")
    stream.flush()


def receive(stream):
    """The next message, or None at the end of the stream."""
    line = stream.readline(MAX_LINE + 1)
    if not line:
        return None
    if len(line) > MAX_LINE:
        raise ValueError(f"a message over {MAX_LINE >> 20} MiB")
    return json.loads(line)
