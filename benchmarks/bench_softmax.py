"""Time softmax, log_softmax and cross-entropy loss+gradient against scipy.special and NumPy.

Not a test: it measures and prints, and never fails on speed. Each route is timed in
interleaved rounds within one run (the machine is shared and noisy), and the table reports
median times and ratios to scipy.special measured in that same run. A second table sets
chunked_cross_entropy against the full route (the N x K logits formed whole) for a large
vocabulary: time, and tracemalloc's peak as a multiple of dW's size.

    .venv/bin/python benchmarks/bench_softmax.py [--rows 4096] [--classes 1000] [--rounds 15]
                                                 [--vocab 50000 200000] [--vocab-rounds 3] [--blas-threads 1]

On a shared machine, --blas-threads 1 keeps the many mid-sized products of the chunked route
from waiting on a second BLAS thread that another process holds up.
"""

import argparse
import time
import tracemalloc

import numpy as np
import scipy.special as sp
from threadpoolctl import threadpool_info, threadpool_limits

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


def median_times(routes, args, rounds, warm_up=True):
    """Median seconds per route, timing the routes in turn each round."""
    for f in routes.values() if warm_up else ():
        f(*args)
    times = {name: [] for name in routes}
    for _ in range(rounds):
        for name, f in routes.items():
            t0 = time.perf_counter()
            f(*args)
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def full_route(H, W, y):
    """Loss, dH and dW of the logits H W formed whole (N x K), then their gradient (N x K)."""
    loss, G = sb.cross_entropy_and_grad(H @ W, y)
    return loss, G @ W.T, H.T @ G


def peak_bytes(f, *args):
    tracemalloc.start()
    try:
        f(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_chunked(vocab_sizes, rounds, n=256, d=64):
    rng = np.random.default_rng(0)
    print(f"\nchunked_cross_entropy (chunk_size 1024) against the full route: N = {n}, D = {d}, float64, "
          f"median of {rounds} interleaved rounds; peak = tracemalloc's, in multiples of dW's size")
    print(f"{'K':>9}{'full':>11}{'chunked':>11}{'time ratio':>12}{'full peak':>11}{'chunked peak':>14}{'dW':>10}")
    for k in vocab_sizes:
        H, W, y = rng.normal(size=(n, d)), rng.normal(0, 0.3, size=(d, k)), rng.integers(0, k, n)
        routes = {"full": full_route, "chunked": sb.chunked_cross_entropy}
        peaks = {name: peak_bytes(f, H, W, y) / W.nbytes for name, f in routes.items()}  # also the warm-up
        t = median_times(routes, (H, W, y), rounds, warm_up=False)
        print(f"{k:>9,}{t['full']:>9.2f} s{t['chunked']:>9.2f} s{t['chunked'] / t['full']:>11.2f}x"
              f"{peaks['full']:>10.1f}x{peaks['chunked']:>13.2f}x{W.nbytes / 2**20:>7.0f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--vocab", type=int, nargs="*", default=[50_000, 200_000],
                        help="vocabulary sizes K for chunked_cross_entropy (none: skip that table)")
    parser.add_argument("--vocab-rounds", type=int, default=3)
    parser.add_argument("--blas-threads", type=int, default=None, help="limit BLAS's threads (default: its own)")
    a = parser.parse_args()
    with threadpool_limits(a.blas_threads, user_api="blas"):
        run(a)


def run(a):
    blas = [f"{i['internal_api']} {i['num_threads']} thread(s)" for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"BLAS: {', '.join(blas)}")

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
    if a.vocab:
        bench_chunked(a.vocab, a.vocab_rounds)


if __name__ == "__main__":
    main()
