"""Latency of the live widgets in Chromium: from a slider's keydown to the redrawn numbers.

Not a test: it measures and prints. Each widget is embedded in a standalone page (no
kernel; the page is one file: the widget state and the package's host script), served on
127.0.0.1. For each page it prints its size, the time from navigation to the rendered
widget, and, over many presses of an arrow key on a slider, the time from each keydown
event to the first change of the widget's DOM (a MutationObserver). Target: under 16 ms,
one frame, for K <= 10.

    .venv/bin/python benchmarks/bench_widgets.py [--presses 60]
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

import softmaxbook.widgets as sw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import RecordedPage, chromium, serve  # noqa: E402

CASES = [  # (name, widget, slider label)
    ("softmax explorer, K=4", lambda: sw.SoftmaxExplorer(logits=[2.0, 1.0, 0.1, -1.0]), "logit B"),
    ("softmax explorer, K=10", lambda: sw.SoftmaxExplorer(logits=list(np.linspace(-3, 3, 10))), "logit B"),
    ("overflow lab", lambda: sw.OverflowLab(), "pushed logit z₀"),
    ("Jacobian view, K=3", lambda: sw.JacobianView(logits=[0.0, 4.0, 5.0]), "logit A"),
    ("Jacobian view, K=6", lambda: sw.JacobianView(logits=[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]), "logit A"),
    ("loss curve", lambda: sw.LossCurve(), "probability of the true class ŷ_c"),
    ("gradient explorer, K=10", lambda: sw.GradientExplorer(logits=list(np.linspace(-3, 3, 10))), "logit B"),
    ("reliability diagram, 347 x 10", lambda: sw.ReliabilityDiagram(
        logits=(3 * np.random.default_rng(0).normal(size=(347, 10))).tolist(), labels=[k % 10 for k in range(347)]),
     "temperature T"),
    ("online normaliser, K=10", lambda: sw.OnlineNormaliser(logits=list(np.linspace(3, -3, 10)), step=10), "logit A"),
]

RECORDER = """() => {
  window.__lat = [];
  let t0 = null;
  document.addEventListener("keydown", (e) => { t0 = e.timeStamp; }, true);
  new MutationObserver(() => {
    if (t0 !== null) { window.__lat.push(performance.now() - t0); t0 = null; }
  }).observe(document.querySelector(".sb-widget"),
             { subtree: true, childList: true, characterData: true, attributes: true });
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, (name, make, _) in enumerate(CASES):
            (folder / f"w{i}.html").write_text(sw.standalone_html([make()], title=name))
        with serve(folder) as url, chromium() as browser:
            print(f"page size (KB), navigation -> widget shown (ms); keydown -> redrawn numbers, {a.presses} presses"
                  " each (ms)")
            print(f"{'widget':<26}{'KB':>6}{'shown':>8}{'median':>8}{'p90':>8}{'max':>8}")
            for i, (name, _, label) in enumerate(CASES):
                p = RecordedPage(browser)
                p.page.goto(f"{url}/w{i}.html")
                p.page.wait_for_selector(".sb-widget .sb-row")
                shown = p.page.evaluate("performance.now()")
                kb = (folder / f"w{i}.html").stat().st_size / 1e3
                p.page.evaluate(RECORDER)
                p.page.get_by_label(label, exact=True).focus()
                for k in range(a.presses):  # right then back left, so values stay in range
                    p.page.keyboard.press("ArrowRight" if (k // 10) % 2 == 0 else "ArrowLeft")
                lat = np.array(p.page.evaluate("window.__lat"))
                p.assert_clean()
                p.close()
                print(f"{name:<26}{kb:>6.0f}{shown:>8.0f}{np.median(lat):>8.2f}{np.percentile(lat, 90):>8.2f}"
                      f"{lat.max():>8.2f}"
                      f"   ({lat.size} redraws)")


if __name__ == "__main__":
    main()
