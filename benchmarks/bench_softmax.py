"""Time softmax, log_softmax and cross-entropy loss+gradient against scipy.special and NumPy.

Not a test: it measures and prints, and never fails on speed. Each route is timed in
interleaved rounds within one run (the machine is shared and noisy), and the table reports
median times and ratios to scipy.special measured in that same run.

    .venv/bin/python benchmarks/bench_softmax.py [--rows 4096] [--classes 1000] [--rounds 15]
"""

import argparse
import time

import numpy as np
import scipy.special as sp

import softmaxbook as sb


def numpy_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def numpy_log_softmax(z):
    d = z - z.max(axis=-1, keepdims=True)
    return d - np.log(np.exp(d).sum(axis=-1, keepdims=True))


def loss_and_grad_from_log_softmax(log_softmax):
    """The best plain route: log_softmax once, the loss and the gradient both derived from it."""
    def route(z, y):
        n = z.shape[0]
        ls = log_softmax(z)
        loss = -ls[np.arange(n), y].mean()
        grad = np.exp(ls, out=ls)
        grad[np.arange(n), y] -= 1
        grad /= n
        return loss, grad
    return route


def median_times(routes, args, rounds):
    """Median seconds per route, timing the routes in turn each round."""
    for f in routes.values():
        f(*args)  # warm up
    times = {name: [] for name in routes}
    for _ in range(rounds):
        for name, f in routes.items():
            t0 = time.perf_counter()
            f(*args)
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    a = parser.parse_args()

    rng = np.random.default_rng(0)
    tasks = {
        "softmax": ({"softmaxbook": sb.softmax, "scipy.special": lambda z: sp.softmax(z, axis=-1),
                     "numpy": numpy_softmax}, False),
        "log_softmax": ({"softmaxbook": sb.log_softmax, "scipy.special": lambda z: sp.log_softmax(z, axis=-1),
                         "numpy": numpy_log_softmax}, False),
        "cross-entropy loss+grad": ({"softmaxbook": sb.cross_entropy_and_grad,
                                     "scipy.special": loss_and_grad_from_log_softmax(
                                         lambda z: sp.log_softmax(z, axis=-1)),
                                     "numpy": loss_and_grad_from_log_softmax(numpy_log_softmax)}, True),
    }
    print(f"shape ({a.rows}, {a.classes}), median of {a.rounds} interleaved rounds; ratio = time / scipy.special's")
    print(f"{'operation':<26}{'dtype':<9}{'softmaxbook':>14}{'scipy.special':>15}{'numpy':>12}{'ours/scipy':>12}{'numpy/scipy':>13}")
    for dtype in (np.float64, np.float32):
        z = (3 * rng.standard_normal((a.rows, a.classes))).astype(dtype)
        y = rng.integers(0, a.classes, a.rows)
        for task, (routes, needs_labels) in tasks.items():
            t = median_times(routes, (z, y) if needs_labels else (z,), a.rounds)
            ref = t["scipy.special"]
            print(f"{task:<26}{np.dtype(dtype).name:<9}{t['softmaxbook'] * 1e3:>11.1f} ms"
                  f"{ref * 1e3:>12.1f} ms{t['numpy'] * 1e3:>9.1f} ms"
                  f"{t['softmaxbook'] / ref:>11.2f}x{t['numpy'] / ref:>12.2f}x")


if __name__ == "__main__":
    main()
