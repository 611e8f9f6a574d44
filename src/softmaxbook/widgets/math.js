// The package's numerics, in float64 JavaScript, for widgets that recompute with no kernel.
// Same algorithms as softmaxbook.activations: shift by the max, and log1p of the sum of
// the non-max terms, so a tiny loss keeps its relative accuracy.

export function shifted(z) {
  let i = 0;
  for (let k = 1; k < z.length; k++) if (z[k] > z[i]) i = k;
  const d = z.map((x) => x - z[i]);
  const e = d.map(Math.exp);
  let rest = 0;
  for (let k = 0; k < z.length; k++) if (k !== i) rest += e[k];
  return { d, e, rest };
}

export function softmax(z) {
  const { e, rest } = shifted(z);
  return e.map((x) => x / (1 + rest));
}

export function logSoftmax(z) {
  const { d, rest } = shifted(z);
  const logSum = Math.log1p(rest);
  return d.map((x) => x - logSum);
}

export function crossEntropy(z, label) {
  return -logSoftmax(z)[label];
}

export function crossEntropyGrad(z, label) {
  return softmax(z).map((p, k) => p - (k === label ? 1 : 0));
}

export function softmaxJacobian(z) {
  const { d, e, rest } = shifted(z);
  const s = e.map((x) => x / (1 + rest));
  // As in the package: 1 - s_i for the max is rest / (1 + rest), with no cancellation.
  const complement = s.map((si, i) => (d[i] === 0 ? rest / (1 + rest) : 1 - si));
  return s.map((si, i) => s.map((sj, j) => (i === j ? si * complement[i] : -si * sj)));
}

// The textbook exp(z) / sum(exp(z)), in float64 or (fround at every step) float32: it
// overflows past z = 709.78 or 88.72 and then gives NaN, which is what the overflow lab shows.
export function naiveSoftmax(z, float32) {
  const r = float32 ? Math.fround : (x) => x;
  const e = z.map((x) => r(Math.exp(r(x))));
  const total = e.reduce((a, b) => r(a + b), 0);
  return e.map((x) => r(x / total));
}

export function stableSoftmax32(z) {
  const r = Math.fround;
  const m = Math.max(...z.map(r));
  const e = z.map((x) => r(Math.exp(r(r(x) - m))));
  const total = e.reduce((a, b) => r(a + b), 0);
  return e.map((x) => r(x / total));
}

// JSON has no NaN or Infinity: send them to Python as the strings float() reads back.
export function jsonSafe(values) {
  return values.map((x) => (Number.isFinite(x) ? x : String(x)));
}
