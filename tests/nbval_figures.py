"""Figures under strict nbval: nbval 0.11 skips `image/png` outputs, so a figure could go
stale without a test noticing. `install()` makes every nbval cell also compare its PNG
figures, pixel by pixel, with the ones stored in the notebook.

Pixels rather than bytes: the PNG encoding (metadata, compression) may change while the
picture does not. Tolerance: a channel may differ by a few levels (anti-aliasing), and no
pixel may differ by more, so a moved curve, a changed tick label or a new colour fails.
"""

import base64
import io

import numpy as np
from PIL import Image

LEVELS = 8  # of 255: anti-aliasing noise, far below any visible change


def pixels(b64):
    """A base64 PNG as an (H, W, 4) uint8 array."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGBA"))


def figure_difference(stored, fresh):
    """None if two base64 PNGs show the same picture, else a sentence saying how they differ."""
    a, b = pixels(stored), pixels(fresh)
    if a.shape != b.shape:
        return f"size {b.shape[1]}x{b.shape[0]} px, stored {a.shape[1]}x{a.shape[0]} px"
    off = (np.abs(a.astype(int) - b.astype(int)) > LEVELS).any(axis=-1)
    if off.any():
        rows, cols = np.nonzero(off)
        return (f"{off.sum()} of {off.size} pixels differ, within rows {rows.min()}-{rows.max()}"
                f" and columns {cols.min()}-{cols.max()}")
    return None


def _pngs(outputs):
    return [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]


def install():
    """Wrap nbval's output comparison so that it compares figures too."""
    from nbval.plugin import IPyNbCell

    compare_text = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        if not compare_text(self, test, ref, skip_compare):
            return False
        stored, fresh = _pngs(ref), _pngs(test)
        if len(stored) != len(fresh):
            self.comparison_traceback.append(f"{len(fresh)} figure(s) drawn, {len(stored)} stored")
            return False
        for n, (s, f) in enumerate(zip(stored, fresh, strict=True), 1):
            why = figure_difference(s, f)
            if why:
                self.comparison_traceback.append(f"figure {n} of this cell is not the stored one: {why}")
                return False
        return True

    IPyNbCell.compare_outputs = compare_outputs
