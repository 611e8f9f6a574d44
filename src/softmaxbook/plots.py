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

try:
    import matplotlib as mpl
except ImportError as err:
    raise missing_extra(__name__, "plots", err) from None

# Okabe-Ito without black and yellow; orange, pink and sky blue darkened to reach 3:1 on white.
PALETTE = ["#0072B2", "#BD7A00", "#009E73", "#D55E00", "#C2559A", "#3A8FC9"]
INK = "#595959"  # 7:1 on white
FIGSIZE = (4.2, 2.8)  # inches, at 100 dpi; see the module's docstring
FONT_SIZE = 14  # points, every text in a figure (ticks, labels, legends, titles)


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
        set_matplotlib_formats("retina")


def plot_decision_regions(ax, predict, X, y, resolution=200):
    """Shade the plane by the class `predict` gives each point, and draw the data on top.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    predict : callable
        Maps an (M, 2) array of points to M integer classes.
    X : ndarray, shape (N, 2)
        The data points.
    y : ndarray of int, shape (N,)
        Their classes.
    resolution : int, optional
        Grid points per side.
    """
    pad = 0.1
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    classes = predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    k = int(max(classes.max(), y.max())) + 1
    cmap = mpl.colors.ListedColormap(PALETTE[:k])
    ax.contourf(gx, gy, classes, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.25)
    for c in range(k):
        ax.scatter(*X[y == c].T, s=14, color=PALETTE[c], label=f"class {c}", edgecolors="none")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
