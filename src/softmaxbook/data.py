"""Seeded data: synthetic sets made in code, scikit-learn's bundled digits, and the
mini-batches a training loop draws from them.

The same seed gives the same points, the same split, or the same batches on every run.
Only NumPy is imported here: `load_digits_split` imports scikit-learn (the ``data`` extra)
when called.
"""

import math

import numpy as np

from ._extras import missing_extra
from ._validate import check_fraction, check_generator, check_int, check_number, check_seed

DIGITS_ROWS, DIGITS_CLASSES = 1797, 10  # sklearn.datasets.load_digits: 8x8 images of 0-9


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    r"""Interleaved 2-D spirals, one arm per class: a set no linear classifier separates.

    Point i of class k sits at radius :math:`r_i = i/(n-1)` and angle
    :math:`\theta_i = 4(k + r_i) + \varepsilon_i`, :math:`\varepsilon_i \sim \mathcal N(0, \text{noise}^2)`,
    i.e. at :math:`r_i(\sin\theta_i, \cos\theta_i)`.

    Parameters
    ----------
    n_per_class : int, optional
        n, the number of points on each arm, at least 2 (the first at the centre, the last
        on the unit circle).
    n_classes : int, optional
        K, the number of arms and classes, at least 1.
    noise : float, optional
        The standard deviation of the angular noise, in radians, >= 0 and finite in float64.
    seed : int, numpy.random.Generator or None, optional
        Passed to ``np.random.default_rng``: an integer >= 0 gives the same points every
        time, None fresh ones, and a Generator is drawn from as it is (and advanced).

    Returns
    -------
    X : ndarray, shape (n_per_class * n_classes, 2)
        The points, inside the unit disc.
    y : ndarray of int, shape (n_per_class * n_classes,)
        The class of each point, in [0, n_classes).

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X, y = sb.make_spirals(n_per_class=5, n_classes=3, seed=0)
    >>> print(X.shape, np.bincount(y))
    (15, 2) [5 5 5]
    """
    n_per_class, n_classes = check_int(n_per_class, "n_per_class", 2), check_int(n_classes, "n_classes", 1)
    noise = check_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(check_seed(seed))
    r = np.tile(np.linspace(0, 1, n_per_class), n_classes)
    y = np.repeat(np.arange(n_classes), n_per_class)
    theta = 4 * (y + r) + noise * rng.standard_normal(r.size)
    return np.column_stack([r * np.sin(theta), r * np.cos(theta)]), y


def _check_digits_split(test_fraction):
    """The fraction, if both parts keep at least one image of each class (stratified)."""
    f = check_fraction(test_fraction, "test_fraction")
    n_test = math.ceil(f * DIGITS_ROWS)  # how train_test_split rounds
    if not DIGITS_CLASSES <= n_test <= DIGITS_ROWS - DIGITS_CLASSES:
        raise ValueError(f"`test_fraction` must leave each part at least {DIGITS_CLASSES} of the {DIGITS_ROWS} "
                         f"images (one per class); got {test_fraction}, a test set of {n_test}")
    return f


def load_digits_split(test_fraction=0.25, seed=0):
    r"""scikit-learn's 8x8 handwritten digits, scaled to [0, 1] and split, stratified.

    1797 images of the digits 0-9, about 180 of each, as 64 grey levels
    :math:`x \in \{0, \dots, 16\}` each, divided by 16. The data ship inside scikit-learn,
    so nothing is downloaded; it needs the ``data`` extra (``pip install 'softmaxbook[data]'``).

    Parameters
    ----------
    test_fraction : float, optional
        The share of the images held out for testing, in (0, 1), rounded up to whole
        images; each part must keep at least one image of each digit.
    seed : int, optional
        An integer >= 0 for ``train_test_split``'s shuffle: the same seed, the same split.

    Returns
    -------
    X_train, X_test : ndarray, shape (N_train, 64) and (N_test, 64)
        Float64 pixels in [0, 1], rows of the 8x8 images.
    y_train, y_test : ndarray of int, shape (N_train,) and (N_test,)
        The digits, in [0, 10); each class is in both parts in (nearly) its overall share.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> X_train, X_test, y_train, y_test = sb.load_digits_split(test_fraction=0.25, seed=0)
    >>> print(X_train.shape, X_test.shape, y_train.shape, y_test.shape, X_train.max())
    (1347, 64) (450, 64) (1347,) (450,) 1.0
    """
    f, seed = _check_digits_split(test_fraction), check_int(seed, "seed", 0)
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as err:
        raise missing_extra("softmaxbook.load_digits_split", "data", err) from None
    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X / 16.0, y, test_size=f, random_state=seed, stratify=y))


def minibatches(n, batch_size, rng):
    r"""Split a fresh random permutation of ``range(n)`` into consecutive batches.

    Every index comes exactly once per call; if B does not divide n, the last batch holds
    the :math:`n \bmod B` left over.

    Parameters
    ----------
    n : int
        The number of examples, at least 1.
    batch_size : int
        B, the size of every batch but the last, at least 1 (more than n: one batch).
    rng : numpy.random.Generator
        Draws the permutation, at once (so it advances when this is called, not when the
        batches are iterated): the same seed gives the same batches.

    Returns
    -------
    iterator of ndarray of int
        :math:`\lceil n/B \rceil` index arrays, together a permutation of ``range(n)``.

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> batches = list(sb.minibatches(10, 4, np.random.default_rng(0)))
    >>> print([b.size for b in batches], np.sort(np.concatenate(batches)))
    [4, 4, 2] [0 1 2 3 4 5 6 7 8 9]
    """
    n, batch_size = check_int(n, "n", 1), check_int(batch_size, "batch_size", 1)
    order = check_generator(rng).permutation(n)
    return (order[i:i + batch_size] for i in range(0, n, batch_size))
