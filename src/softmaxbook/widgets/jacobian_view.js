// Jacobian view: logits -> the K x K softmax Jacobian as a heat map with its numbers; the
// diagonal s_i(1 - s_i) is outlined, the off-diagonal -s_i s_j shaded by sign.

function render({ model, el }) {
  const { root, names, sliders } = logitWidget(el, model, "Softmax Jacobian");
  const k = names.length;
  const cell = 64, pad = 28;
  const svg = h("svg:svg", { viewBox: `0 0 ${pad + cell * k} ${pad + cell * k}`, width: pad + cell * k,
                             role: "img", "aria-label": "Jacobian heat map", class: "sb-heat" });
  names.forEach((n, j) => {
    svg.append(h("svg:text", { x: pad + j * cell + cell / 2, y: pad - 8, "text-anchor": "middle", text: `∂z${n}`, class: "sb-name" }));
    svg.append(h("svg:text", { x: 2, y: pad + j * cell + cell / 2 + 4, text: `s${n}`, class: "sb-name" }));
  });
  const cells = names.map((_, i) => names.map((_, j) => {
    const rect = h("svg:rect", { x: pad + j * cell, y: pad + i * cell, width: cell - 2, height: cell - 2,
                                 class: i === j ? "sb-cell sb-diag" : "sb-cell" });
    const text = h("svg:text", { x: pad + j * cell + cell / 2 - 1, y: pad + i * cell + cell / 2 + 4,
                                 "text-anchor": "middle", class: "sb-num" });
    svg.append(rect, text);
    return { rect, text };
  }));
  root.append(svg);
  const readout = h("div", { class: "sb-readout" });
  root.append(readout, h("div", { class: "sb-note",
    text: "Diagonal (outlined): s_i(1 − s_i) ≥ 0. Off-diagonal: −s_i s_j ≤ 0. Every row sums to 0." }));

  function update() {
    const z = model.get("logits");
    const s = softmax(z), J = softmaxJacobian(z);
    z.forEach((x, i) => sliders[i].set(x));
    const scale = Math.max(...J.flat().map(Math.abs), 1e-12);
    J.forEach((row, i) => row.forEach((v, j) => {
      const { rect, text } = cells[i][j];
      rect.setAttribute("fill", v >= 0 ? "var(--sb-pos, #e07b00)" : "var(--sb-neg, #2a7ab9)");
      // capped at 0.6 so the printed number stays readable on the strongest cell
      rect.setAttribute("fill-opacity", (0.08 + 0.52 * Math.abs(v) / scale).toFixed(3));
      text.textContent = fmt(v, 3);
    }));
    readout.textContent = `s = [${s.map((x) => fmt(x)).join(", ")}]`;
    put(model, { probs: s, jacobian: J });
  }
  return redrawOn(model, ["logits"], update);
}

export default { render };
