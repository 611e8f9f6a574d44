"""Input checks the modules share: arrays, logits, labels, distributions, numbers, seeds.

Each checker takes the value and the argument's name, returns a clean value (a NumPy array
for array arguments), and raises ``TypeError`` (wrong kind of data) or ``ValueError``
(right kind, wrong shape or values) with a message that names the argument, says what was
expected and what came: "`labels` must be integers in [0, 5); got 7 at position 3".

Shapes are given as tuples of sizes and symbols: ``("N", 3)`` accepts any number of rows
of 3 columns, and the message shows the expectation as written, "(N, 3)".

A check that knows one model's layout lives beside that model, built from these: the MLP's
parameters, cache and gradients in ``network``, the linear model and its data in ``regression``.
"""

import math
import sys

import numpy as np

# The most classes a number of classes inferred from the labels (K = max + 1) may be: enough
# for any data set of this book and far beyond, yet small enough that the (N, K) arrays that
# follow do not ask for terabytes because of one stray label.
K_MAX = 2**20


def as_any_array(x, name):
    """np.asarray(x), with a ragged nested list reported as a ValueError naming `name`."""
    try:
        return np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"`{name}` must be a rectangular array of numbers; {err}") from None


def real_kind(dtype):
    """'f' for a float dtype, 'i' for an integer one, None for anything else (bool included).

    The ml_dtypes package's types (bfloat16, the float8s, int4, ...) are read from the type's
    own module and name: NumPy gives most of them kind 'V' (void) and float8_e5m2 kind 'f',
    and ml_dtypes itself is not imported here (an array of its types means it already is).
    """
    if dtype.type.__module__ == "ml_dtypes":
        return "f" if "float" in dtype.name else "i" if "int" in dtype.name else None
    return {"i": "i", "u": "i", "f": "f"}.get(dtype.kind)  # bool is kind "b": None


def is_narrow_float(dtype):
    """float16, bfloat16 and the float8s (any float of ml_dtypes): each value exact in float32."""
    return dtype == np.float16 or (dtype.type.__module__ == "ml_dtypes" and real_kind(dtype) == "f")


def float_eps(dtype):
    """The machine epsilon of a float dtype, ml_dtypes' included (NumPy's finfo does not know them)."""
    if dtype.type.__module__ == "ml_dtypes":
        return float(sys.modules["ml_dtypes"].finfo(dtype).eps)
    return float(np.finfo(dtype).eps)


def as_float_array(x, name):
    """`x` as a float array in its own precision, at least float32.

    float16, bfloat16 and the float8s become float32 (exactly: every value they hold is a
    float32); float32, float64 and longdouble are kept; integers become float64.
    """
    a = as_any_array(x, name)
    kind = real_kind(a.dtype)
    if kind is None:
        raise TypeError(f"`{name}` must hold real numbers; got dtype {a.dtype}")
    if kind == "i":
        return a.astype(np.float64)
    if is_narrow_float(a.dtype):
        return a.astype(np.float32)
    return a


def _shape_text(spec):
    return "(" + ", ".join(map(str, spec)) + ("," if len(spec) == 1 else "") + ")"


def check_shape(a, name, spec, why=""):
    """Raise unless `a` has ``len(spec)`` dimensions, each the size in `spec` (a str: any size)."""
    fits = a.ndim == len(spec) and all(isinstance(s, str) or s == n for s, n in zip(spec, a.shape, strict=True))
    if not fits:
        raise ValueError(f"`{name}` must have shape {_shape_text(spec)}{why}; got shape {a.shape}")


def as_array(x, name, shape=None, why="", nonempty=False, allow_inf=False):
    """A finite float array, of the shape `shape` (see `check_shape`) if given.

    With `allow_inf`, ±inf is accepted and only nan refused. The finiteness check is one
    pass over the data: use it where the function's own work is at least that (the
    network's layers), not on the benchmarked loss path.
    """
    a = as_float_array(x, name)
    if shape is not None:
        check_shape(a, name, shape, why)
    if nonempty and a.size == 0:
        raise ValueError(f"`{name}` must not be empty; got shape {a.shape}")
    (check_not_nan if allow_inf else check_finite)(a, name)
    return a


def as_logits(z, name="z", min_ndim=0):
    """Logits as a non-empty float array with at least `min_ndim` dimensions.

    Finiteness is checked later, on the row maxima (see `check_row_max`): that costs a
    pass over N numbers instead of N*K.
    """
    a = as_float_array(z, name)
    if a.size == 0:
        raise ValueError(f"`{name}` must not be empty; got shape {a.shape}")
    if a.ndim < min_ndim:
        raise ValueError(f"`{name}` must have at least {min_ndim} dimension(s); got shape {a.shape}")
    return a


def as_logits_along(z, axis, name="z"):
    """Logits of at least one dimension and `axis` as a non-negative index into them."""
    a = as_logits(z, name, min_ndim=1)
    return a, check_axis(axis, a.ndim)


def as_rows(x, name):
    """A float array of shape (N, K) or (K,), non-empty; finiteness is left to the caller."""
    a = as_logits(x, name, min_ndim=1)
    if a.ndim > 2:
        raise ValueError(f"`{name}` must have shape (N, K) or (K,); got shape {a.shape}")
    return a


def _check_integer_kind(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an integer; got {value!r}")


def check_int(value, name, minimum):
    """`value` as a Python int >= `minimum`; bools and integral floats are not integers."""
    _check_integer_kind(value, name)
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}; got {value}")
    return int(value)


def check_number(value, name, minimum=None, strict=False):
    """`value` as a real number finite in float64, >= `minimum` (> if `strict`).

    A Python or NumPy scalar; a Python int comes back as a float (exact up to 2**53), so no
    later NumPy operation meets an int too large for any of its types.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a real number; got {value!r}")
    beyond = "beyond float64's range (about ±1.8e308)"
    try:
        x = float(value)
    except OverflowError:  # a Python int of more than 1024 bits; str() of it could be huge
        raise ValueError(f"`{name}` must be finite; got an integer of {value.bit_length()} bits, {beyond}") from None
    if not math.isfinite(x):
        # a longdouble can be finite and still beyond float64: float() makes it inf
        raise ValueError(f"`{name}` must be finite; got {value}" + (f", {beyond}" if np.isfinite(value) else ""))
    if minimum is not None and (x <= minimum if strict else x < minimum):
        raise ValueError(f"`{name}` must be {'>' if strict else '>='} {minimum}; got {value}")
    return x if isinstance(value, int) else value


def check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False; got {value!r}")
    return bool(value)


def check_seed(seed, name="seed"):
    """A seed for ``np.random.default_rng``: None (fresh entropy), an integer >= 0, or a
    ``np.random.Generator``, which default_rng returns as it is (so drawing advances it)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"`{name}` must be None, an integer >= 0 or a numpy Generator; got {seed!r}")
    return check_int(seed, name, 0)


def check_generator(rng, name="rng"):
    """`rng` itself, if it is a ``np.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`{name}` must be a numpy Generator, e.g. np.random.default_rng(0); got {type(rng).__name__}")
    return rng


def check_fraction(value, name):
    """`value` as a real number strictly between 0 and 1."""
    x = check_number(value, name)
    if not 0 < x < 1:
        raise ValueError(f"`{name}` must be in (0, 1); got {value}")
    return x


def check_callable(f, name):
    if not callable(f):
        raise TypeError(f"`{name}` must be callable; got {type(f).__name__}")
    return f


def check_axis(axis, ndim):
    """`axis` as a non-negative int naming one of `ndim` axes."""
    _check_integer_kind(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(f"`axis` must be in [{-ndim}, {ndim}) for an array of {ndim} dimension(s); got {axis}")
    return int(axis) % ndim


def check_row_max(m, name="z"):
    """Raise on rows whose maximum reveals nan, +inf, or nothing but -inf.

    The maximum of a row is nan if the row holds a nan, +inf if it holds +inf, and -inf only
    if every entry is -inf, so the maxima are enough to validate the whole input.
    """
    if np.isfinite(m).all():
        return
    if np.isnan(m).any():
        raise ValueError(f"`{name}` must not contain nan")
    if np.isposinf(m).any():
        raise ValueError(f"`{name}` must not contain +inf (a -inf entry is allowed: it masks a class)")
    raise ValueError(f"`{name}` has a row of only -inf: every class is masked, so there is no distribution")


def check_not_nan(a, name):
    if np.isnan(a).any():
        raise ValueError(f"`{name}` must not contain nan")


def check_finite(a, name):
    if not np.isfinite(a).all():
        raise ValueError(f"`{name}` must be finite; got nan or inf")


def as_labels(labels, n, k, name="labels", rows="the batch"):
    """Integer class labels of shape (n,), each in [0, k), as an intp array.

    ``n=None`` accepts any length; ``k=None`` (the number of classes is inferred from the
    labels as their maximum + 1) checks that they are in [0, K_MAX). Every value is checked
    in the labels' own dtype, before the cast to intp (which would wrap a uint64 2**63 to a
    negative index) and before any caller allocates (N, K) arrays. `rows` names what must
    match n in the message.
    """
    a = as_any_array(labels, name)
    kind = real_kind(a.dtype)
    if kind is None:
        raise TypeError(f"`{name}` must be integer class labels; got dtype {a.dtype}")
    if a.dtype.type.__module__ == "ml_dtypes":  # bfloat16, int4...: each value is exact in these
        a = a.astype(np.float32 if kind == "f" else np.int64)
    if a.ndim != 1:
        raise ValueError(f"`{name}` must have shape ({'N' if n is None else n},); got shape {a.shape}")
    if a.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(a) | (a != np.round(a)))
        if bad.size:
            raise ValueError(f"`{name}` must be integers; got {a[bad[0]]} at position {bad[0]}")
    bad = np.flatnonzero((a < 0) | (a >= (K_MAX if k is None else k)))
    if bad.size:
        value = a[bad[0]].item()
        shown = f"{value:g}" if isinstance(value, float) else value  # an int exactly, however large
        if k is not None:
            expected = f"[0, {k})"
        elif value < 0:
            expected = "[0, K)"
        else:
            expected = f"[0, K) with K <= {K_MAX} classes (K is inferred as the largest label + 1)"
        raise ValueError(f"`{name}` must be integers in {expected}; got {shown} at position {bad[0]}")
    # the count last: a bad value says more about what went wrong than a count does
    if n is not None and a.shape[0] != n:
        raise ValueError(f"`{name}` has {a.shape[0]} entries but {rows} has {n} rows")
    return a.astype(np.intp)


def as_distributions(p, shape, name, given_as=None):
    """Probability rows of the given shape: finite, in [0, 1], each summing to 1.

    The sums may miss 1 by K roundings of the precision the rows were given in: `given_as`,
    the dtype before any promotion (default: `p`'s own), so float16 rows promoted to float32
    keep float16's tolerance.
    """
    raw = as_any_array(p, name)
    precision = np.dtype(raw.dtype if given_as is None else given_as)
    a = as_float_array(raw, name)
    if a.shape != tuple(shape):
        raise ValueError(f"`{name}` must have shape {tuple(shape)}; got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"`{name}` must be finite probabilities; got nan or inf")
    if (a < 0).any() or (a > 1).any():
        raise ValueError(f"`{name}` must be probabilities in [0, 1]; got values from {a.min():g} to {a.max():g}")
    sums = a.sum(axis=-1)
    tol = max(1e-6, shape[-1] * float_eps(precision if real_kind(precision) == "f" else np.dtype(np.float64)))
    bad = np.flatnonzero(np.abs(sums - 1) > tol)
    if bad.size:
        raise ValueError(f"`{name}` rows must sum to 1; row {bad[0]} sums to {sums[bad[0]]:.6g}")
    return a


def check_same_shape(a, b, name_a, name_b):
    if a.shape != b.shape:
        raise ValueError(f"`{name_b}` must have the shape of `{name_a}`, {a.shape}; got {b.shape}")
