// The online normaliser one logit at a time, for the widget that shows it: the same steps as
// softmaxbook.online_logsumexp over one-logit chunks (merge_partial_logsumexp of the running
// state and the new logit). The running sum d = sum_i e^(z_i - m) is kept as 1 + rest, rest
// summing every term but the max's own e^0 = 1, so log d = log1p(rest) keeps a tiny rest.

// For each prefix z_1..z_j: the running max m, the sum d, the log-sum-exp m + log d, and the
// factor e^(m_old - m_new) that rescaled the sum so far when the max grew (null where it did
// not, and at step 1, where there is no sum yet). A tie does not grow the max, as in the package.
export function onlineSteps(z) {
  let m = -Infinity, rest = 0;
  return z.map((x, j) => {
    let factor = null;
    if (x > m) {
      // The new logit is the max: its term is the 1, and the old 1 + rest is rescaled by s.
      const s = j === 0 ? 0 : Math.exp(m - x);
      rest = rest * s + s;
      m = x;
      if (j > 0) factor = s;
    } else {
      rest += Math.exp(x - m);
    }
    return { m, d: 1 + rest, lse: m + Math.log1p(rest), factor };
  });
}
