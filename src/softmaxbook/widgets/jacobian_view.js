// Jacobian view: logits -> the K x K softmax Jacobian as a heat map with its numbers; the
// diagonal ŷᵢ(1 − ŷᵢ) is outlined, the off-diagonal −ŷᵢŷⱼ shaded by sign. The heat map
// is a real table (row and column headers, a caption), so screen readers read every value.

import { softmax, softmaxJacobian } from "./math.js";
import { announcer, fmt, h, logitWidget, put, readout, rebuildOnClassCount, redrawFromLogits, sub } from "./ui.js";

function render({ model, el }) {
  const logits = logitWidget(el, model, "Softmax Jacobian");
  const { root, names } = logits;
  const table = h("table", { class: "sb-heat" },
    h("caption", { text: "Jacobian ∂ŷᵢ/∂zⱼ: row i is the output ŷᵢ, column j the logit zⱼ" }));
  table.append(h("tr", {}, h("td"), ...names.map((n) => h("th", { scope: "col" }, "∂", ...sub("z", n)))));
  const cells = names.map((n, i) => {
    const tds = names.map((_, j) => h("td", { class: i === j ? "sb-cell sb-diag" : "sb-cell" }));
    table.append(h("tr", {}, h("th", { scope: "row" }, ...sub("ŷ", n)), ...tds));
    return tds;
  });
  root.append(table);
  const text = readout(root);
  const say = announcer(root);
  root.append(h("div", { class: "sb-note",
    text: "Diagonal (outlined): ŷᵢ(1 − ŷᵢ) ≥ 0. Off-diagonal: −ŷᵢŷⱼ ≤ 0. Every row and every column sums to 0." }));

  return redrawFromLogits(model, logits, ["logits"], (z) => {
    const s = softmax(z), J = softmaxJacobian(z);
    const scale = Math.max(...J.flat().map(Math.abs), 1e-12);
    J.forEach((row, i) => row.forEach((v, j) => {
      // at most 40% of the colour, so the number printed on it keeps 4.5:1 in both themes
      const share = (5 + 35 * Math.abs(v) / scale).toFixed(1);
      cells[i][j].style.backgroundColor = `color-mix(in srgb, var(${v >= 0 ? "--sb-pos" : "--sb-neg"}) ${share}%, transparent)`;
      cells[i][j].textContent = fmt(v, 3);
    }));
    text.textContent = `ŷ = [${s.map((x) => fmt(x)).join(", ")}]`;
    say(`ŷ: ${s.map((x) => fmt(x, 3)).join(", ")}`);
    put(model, { probs: s, jacobian: J });
  });
}

export default { render: rebuildOnClassCount(render) };
