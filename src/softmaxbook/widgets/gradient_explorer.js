// Gradient explorer: logits and the true label -> probabilities, the loss, and the
// gradient ŷ − y as signed bars, all recomputed together.

import { crossEntropy, crossEntropyGrad, softmax } from "./math.js";
import {
  KEEP_KEYS, announcer, bars, fmt, h, logitWidget, newId, put, readout, rebuildOnClassCount, redrawFromLogits,
} from "./ui.js";

function render({ model, el }) {
  const logits = logitWidget(el, model, "Gradient of cross-entropy: ŷ − y");
  const { root, names, controls } = logits;
  // Python refuses logits that leave the label without a class; if the front-end is given
  // such a pair anyway, the label moves to the last class, in view in the select below.
  if (!(model.get("label") < names.length)) put(model, { label: names.length - 1 });
  const select = h("select", { id: newId("select"), "aria-label": "true class", ...KEEP_KEYS });
  names.forEach((n, i) => select.append(h("option", { value: i, text: n })));
  select.addEventListener("change", () => {
    put(model, { label: Number(select.value) });
  });
  controls.append(h("div", { class: "sb-row" }, h("label", { for: select.id, text: "true class" }), select));
  root.append(h("div", { class: "sb-subtitle", text: "probabilities ŷ" }));
  const drawP = bars(root, names, { title: "probabilities" });
  root.append(h("div", { class: "sb-subtitle", text: "gradient ∂L/∂z = ŷ − y" }));
  const drawG = bars(root, names, { signed: true, title: "gradient" });
  const text = readout(root);
  // Said after a change: the loss, and the gradient of the class whose logit moved (or of the
  // true class); the full readout above has all K of each (ten of each in chapter 8).
  const say = announcer(root);
  let before = null;

  return redrawFromLogits(model, logits, ["logits", "label"], (z) => {
    const label = model.get("label");
    const p = softmax(z), loss = crossEntropy(z, label), g = crossEntropyGrad(z, label);
    select.value = String(label);
    drawP(p);
    drawG(g);
    text.textContent = `loss = ${fmt(loss)}   gradient = [${g.map((x) => fmt(x)).join(", ")}]   ` +
      `probabilities = [${p.map((x) => fmt(x)).join(", ")}]`;
    const moved = before && before.length === z.length ? z.findIndex((x, i) => x !== before[i]) : -1;
    const k = moved >= 0 ? moved : label;
    say(`loss ${fmt(loss, 3)}; ${names[k]}: ŷ − y = ${fmt(g[k], 3)}`);
    before = [...z];
    put(model, { probs: p, loss, grad: g });
  });
}

export default { render: rebuildOnClassCount(render) };
