"""Figures for the book: one style that reads on light and dark pages, and the plots the
chapters share.

Figures are drawn on a transparent background with mid-tone colours (the Okabe-Ito
palette, safe for colour-blind readers) and grey text and axes, so the same PNG reads on
the website's light and dark themes. Sizes and DPI are fixed, so stored outputs are stable.

Figures are sized for a phone's column: about 420 px wide (4.2 in at 100 dpi) with 14 pt
text (19.4 px), so shown 342 px wide on a 390 px phone every label is still 15 px, above the
page's small text (14.4 px); on a desktop they are shown at their own size. Stack panels
vertically rather than side by side.
"""

import numpy as np

from ._extras import missing_extra

try:
    import matplotlib as mpl
except ImportError as err:
    raise missing_extra(__name__, "plots", err) from None

# Okabe-Ito, without black and yellow (too faint or too dark on one of the two themes).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]
INK = "#808080"  # readable on white (3.9:1) and on near-black (5:1)
FIGSIZE = (4.2, 2.8)  # inches, at 100 dpi; see the module's docstring
FONT_SIZE = 14  # points, every text in a figure (ticks, labels, legends, titles)


def use_book_style():
    """Set matplotlib's rcParams for the book's figures (call once, after the imports).

    Examples
    --------
    >>> import softmaxbook.plots as sp
    >>> sp.use_book_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["savefig.transparent"], mpl.rcParams["figure.dpi"]
    (True, 100.0)
    """
    mpl.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.transparent": True,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
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
