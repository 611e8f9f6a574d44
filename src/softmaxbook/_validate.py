"""Input checks shared by every public function.

Each checker takes the value and the argument's name, returns a clean NumPy array, and
raises ``TypeError`` (wrong kind of data) or ``ValueError`` (right kind, wrong values) with
a message that names the argument: "`labels` must be integers in [0, 5); got 7 at
position 3".
"""

import numpy as np


def as_float_array(x, name):
    """`x` as a float array: float32/float64 kept, integers -> float64, float16 -> float32."""
    try:
        a = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"`{name}` must be a rectangular array of numbers; {err}") from None
    if a.dtype == bool or a.dtype.kind not in "iuf":
        raise TypeError(f"`{name}` must hold real numbers; got dtype {a.dtype}")
    if a.dtype.kind in "iu":
        return a.astype(np.float64)
    if a.dtype == np.float16:
        return a.astype(np.float32)
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


def check_axis(axis, ndim):
    """`axis` as a non-negative int naming one of `ndim` axes."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"`axis` must be an integer; got {axis!r}")
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


def as_labels(labels, n, k, name="labels"):
    """Integer class labels of shape (n,), each in [0, k)."""
    a = np.asarray(labels)
    if a.dtype == bool or a.dtype.kind not in "iuf":
        raise TypeError(f"`{name}` must be integer class labels; got dtype {a.dtype}")
    if a.ndim != 1:
        raise ValueError(f"`{name}` must have shape ({n},); got shape {a.shape}")
    if a.shape[0] != n:
        raise ValueError(f"`{name}` has {a.shape[0]} entries but the batch has {n} rows")
    if a.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(a) | (a != np.round(a)))
        if bad.size:
            raise ValueError(f"`{name}` must be integers; got {a[bad[0]]} at position {bad[0]}")
    bad = np.flatnonzero((a < 0) | (a >= k))
    if bad.size:
        value = a[bad[0]].item()
        raise ValueError(f"`{name}` must be integers in [0, {k}); got {value:g} at position {bad[0]}")
    return a.astype(np.intp)


def as_distributions(p, shape, name):
    """Probability rows of the given shape: finite, in [0, 1], each summing to 1."""
    a = as_float_array(p, name)
    if a.shape != tuple(shape):
        raise ValueError(f"`{name}` must have shape {tuple(shape)}; got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"`{name}` must be finite probabilities; got nan or inf")
    if (a < 0).any() or (a > 1).any():
        raise ValueError(f"`{name}` must be probabilities in [0, 1]; got values from {a.min():g} to {a.max():g}")
    sums = a.sum(axis=-1)
    tol = max(1e-6, shape[-1] * np.finfo(a.dtype).eps)
    bad = np.flatnonzero(np.abs(sums - 1) > tol)
    if bad.size:
        raise ValueError(f"`{name}` rows must sum to 1; row {bad[0]} sums to {sums[bad[0]]:.6g}")
    return a


def check_same_shape(a, b, name_a, name_b):
    if a.shape != b.shape:
        raise ValueError(f"`{name_b}` must have the shape of `{name_a}`, {a.shape}; got {b.shape}")
