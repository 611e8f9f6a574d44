"""Seeded synthetic data sets, made in code so every run sees the same points."""

import numpy as np

from ._validate import check_int, check_number, check_seed


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
