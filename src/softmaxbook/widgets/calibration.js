// Calibration of softmax(z / T) over stored rows of logits, for the reliability diagram: the
// same bins and sums as softmaxbook.metrics (reliability_curve, expected_calibration_error).

import { logSoftmax, softmax } from "./math.js";

// Each row's confidence is its largest probability (the first on a tie), bin m (1..M) holds
// confidences in ((m-1)/M, m/M], and the ECE weighs each non-empty bin's |accuracy -
// confidence| by its share of the rows. Also the mean NLL, -log softmax(z / T)[label], and
// the accuracy. Bins are numbered from 1; only the non-empty ones are returned, in order.
export function reliability(rows, labels, T, M) {
  const conf = new Array(M).fill(0), right = new Array(M).fill(0), count = new Array(M).fill(0);
  let nll = 0, hits = 0;
  rows.forEach((z, n) => {
    const scaled = z.map((x) => x / T);
    const p = softmax(scaled);
    let top = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[top]) top = k;
    let m = 0;
    while (m < M - 1 && !(p[top] <= (m + 1) / M)) m++; // the first upper edge at or above it
    const hit = top === labels[n] ? 1 : 0;
    conf[m] += p[top];
    right[m] += hit;
    count[m] += 1;
    hits += hit;
    nll -= logSoftmax(scaled)[labels[n]];
  });
  const full = count.map((_, m) => m).filter((m) => count[m] > 0);
  const confidence = full.map((m) => conf[m] / count[m]), accuracy = full.map((m) => right[m] / count[m]);
  const counts = full.map((m) => count[m]);
  let ece = 0;
  full.forEach((_, i) => { ece += counts[i] * Math.abs(accuracy[i] - confidence[i]); });
  return { bins: full.map((m) => m + 1), confidence, accuracy, count: counts, ece: ece / rows.length,
           nll: nll / rows.length, accuracyAll: hits / rows.length };
}
