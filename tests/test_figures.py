"""The figure check that strict nbval runs on every notebook (tests/nbval_figures.py): the
same picture passes, whatever its PNG encoding; a changed picture fails."""

import base64
import io
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image

from nbval_figures import figure_difference

ROOT = Path(__file__).resolve().parent.parent

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


THEME_BOUND = re.compile(r"\b(dark\w*|light(?:er|est|ness|ens?)?|black\w*|white\w*|pale\w*|bright\w*)\b", re.I)


def test_captions_and_alt_texts_hold_in_both_themes():
    """The dark theme shows figures with their lightness inverted (web/book.css): white becomes
    the page's background and dark ink light. So a caption or alt text may not call a part of a
    figure dark, light, pale, bright, black or white unless it says what each theme shows."""
    found = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("mystnb", {})
            for kind, text in (("caption", meta.get("figure", {}).get("caption", "")),
                               ("alt text", meta.get("image", {}).get("alt", ""))):
                if THEME_BOUND.search(text) and not ("light theme" in text and "dark theme" in text):
                    found.append(f"{path.name} {kind}: {THEME_BOUND.search(text)[0]!r} in {text[:120]!r}")
    assert not found, "\n".join(found)
