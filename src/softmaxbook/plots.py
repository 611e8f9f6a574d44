"""Figures for the book: one style that reads on light and dark pages, and the plots the
chapters share.

Figures are drawn on white with dark grey ink and a darkened Okabe-Ito palette (safe for
colour-blind readers): ink is at least 4.5:1 and every colour 3:1 on white. On the website's
dark theme, ``web/book.css`` inverts each figure's lightness (``invert(1) hue-rotate(180deg)``)
and screens it onto the page, so white becomes the page's own background and the same colours
keep their hue at the same contrast; in JupyterLab's dark theme they stay white cards.

Figures are sized for a phone's column: about 420 px wide (4.2 in at 100 dpi) with 14 pt
text (19.4 px), so shown 342 px wide on a 390 px phone every label is still 15 px, above the
page's small text (14.4 px); on a desktop they are shown at their own size. Stack panels
vertically rather than side by side. Notebooks store them at twice that resolution
("retina" PNGs, shown at the size above) so they stay sharp on high-density screens.
"""

import numpy as np

from ._extras import missing_extra
from ._validate import as_array, as_labels, check_callable, check_int

try:
    import matplotlib as mpl
    from matplotlib.axes import Axes
except ImportError as err:
    raise missing_extra(__name__, "plots", err) from None

# Okabe-Ito without black and yellow; orange, pink and sky blue darkened to reach 3:1 on white.
PALETTE = ["#0072B2", "#BD7A00", "#009E73", "#D55E00", "#C2559A", "#3A8FC9"]
INK = "#595959"  # 7:1 on white
FIGSIZE = (4.2, 2.8)  # inches, at 100 dpi; see the module's docstring
FONT_SIZE = 14  # points, every text in a figure (ticks, labels, legends, titles)
MARKERS = ["o", "s", "^", "D", "v", "P"]  # one per round of the palette, for classes past six


def use_book_style():
    """Set matplotlib's rcParams for the book's figures (call once, after the imports).

    Examples
    --------
    >>> import softmaxbook.plots as sp
    >>> sp.use_book_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["figure.facecolor"], mpl.rcParams["figure.dpi"]
    ('white', 100.0)
    """
    mpl.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.transparent": False,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.titlecolor": INK,
        "text.color": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "grid.color": INK,
        "grid.alpha": 0.3,
        "axes.grid": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "lines.linewidth": 2.2,
        "font.size": FONT_SIZE,
        "axes.titlesize": FONT_SIZE,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
    })
    try:  # in a notebook: PNGs at twice the resolution, displayed at the size above
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        # optimize: Pillow's smallest lossless PNG, a few percent off every page's figures
        set_matplotlib_formats("retina", pil_kwargs={"optimize": True})


def _region_arguments(ax, predict, X, y, resolution):
    """The arguments of `plot_decision_regions`, checked: (predict, X, y, resolution)."""
    if not isinstance(ax, Axes):
        raise TypeError(f"`ax` must be a matplotlib Axes, e.g. from plt.subplots(); got {type(ax).__name__}")
    X = as_array(X, "X", ("N", 2), nonempty=True)
    y = as_labels(y, X.shape[0], None, "y", rows="`X`")
    return check_callable(predict, "predict"), X, y, check_int(resolution, "resolution", 2)


def plot_decision_regions(ax, predict, X, y, resolution=200):
    """Shade the plane by the class `predict` gives each point, and draw the data on top.

    The grid spans the data's bounding box padded by 0.1, `resolution` points a side. Class
    c is drawn in ``PALETTE[c % 6]``; past six classes the colours repeat, so each round of
    six takes a new marker (36 classes have 36 different looks) and the regions get ink
    outlines, so that two regions of one colour stay apart.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    predict : callable
        Maps an (M, 2) array of points to M integer classes, >= 0.
    X : array_like, shape (N, 2)
        The data points, N >= 1, finite.
    y : array_like of int, shape (N,)
        Their classes, >= 0.
    resolution : int, optional
        Grid points per side, at least 2.

    Returns
    -------
    None

    Examples
    --------
    >>> import numpy as np
    >>> import softmaxbook as sb
    >>> import softmaxbook.plots as sbp
    >>> from matplotlib.figure import Figure
    >>> X, y = sb.make_spirals(n_per_class=20, n_classes=7, seed=0)
    >>> def nearest(points):   # the class of the nearest data point
    ...     return y[np.argmin(((points[:, None] - X[None]) ** 2).sum(axis=-1), axis=1)]
    >>> ax = Figure().add_subplot()
    >>> sbp.plot_decision_regions(ax, nearest, X, y, resolution=50)
    >>> print(ax.get_legend_handles_labels()[1][-1])   # seven classes, one more than the palette
    class 6
    """
    predict, X, y, n = _region_arguments(ax, predict, X, y, resolution)
    (x0, y0), (x1, y1) = X.min(axis=0) - 0.1, X.max(axis=0) + 0.1
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    points = np.column_stack([gx.ravel(), gy.ravel()])
    classes = as_labels(predict(points), n * n, None, "predict(points)", rows=f"the grid of {n} x {n} points")
    classes = classes.reshape(gx.shape)
    k, m = max(classes.max(), y.max()) + 1, len(PALETTE)
    levels = np.arange(k + 1) - 0.5
    ax.contourf(gx, gy, classes, levels=levels, cmap=mpl.colors.ListedColormap([PALETTE[c % m] for c in range(k)]),
                alpha=0.25)
    if k > m:  # colours repeat: outline the regions, so two of one colour stay apart
        ax.contour(gx, gy, classes, levels=levels, colors=INK, linewidths=0.6)
    for c in range(k):
        ax.scatter(*X[y == c].T, s=14, color=PALETTE[c % m], marker=MARKERS[c // m % len(MARKERS)],
                   label=f"class {c}", edgecolors="none")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
