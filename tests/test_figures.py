"""The figure check that strict nbval runs on every notebook (tests/nbval_figures.py): the
same picture passes, whatever its PNG encoding; a changed picture fails."""

import base64
import io

import matplotlib
import numpy as np
from PIL import Image

from nbval_figures import figure_difference

matplotlib.use("Agg")  # a test process, not a notebook: no display
import matplotlib.pyplot as plt  # noqa: E402


def png(draw, **savefig):
    fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
    draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **savefig)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def curve(ax, shift=0.0, label="x"):
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2 + shift)
    ax.set_title(label)


def test_same_picture_passes_even_when_encoded_differently():
    stored = png(curve)
    recoded = io.BytesIO()
    Image.open(io.BytesIO(base64.b64decode(stored))).save(recoded, format="PNG", compress_level=1)
    again = base64.b64encode(recoded.getvalue()).decode()
    assert again != stored
    assert figure_difference(stored, again) is None
    assert figure_difference(stored, png(curve)) is None


def test_a_moved_curve_fails():
    assert "pixels differ" in figure_difference(png(curve), png(lambda ax: curve(ax, shift=0.05)))


def test_a_changed_label_fails():
    assert "pixels differ" in figure_difference(png(curve), png(lambda ax: curve(ax, label="z")))


def test_a_resized_figure_fails():
    assert "size" in figure_difference(png(curve), png(curve, dpi=120))
