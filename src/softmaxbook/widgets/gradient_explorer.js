// Gradient explorer: logits and the true label -> probabilities, the loss, and the
// gradient ŷ − y as signed bars, all recomputed together.

function render({ model, el }) {
  const { root, names, controls, sliders } = logitWidget(el, model, "Gradient of cross-entropy: ŷ − y");
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
  const readout = h("div", { class: "sb-readout" });
  root.append(readout);

  function update() {
    const z = model.get("logits"), label = model.get("label");
    const p = softmax(z), loss = crossEntropy(z, label), g = crossEntropyGrad(z, label);
    z.forEach((x, i) => sliders[i].set(x));
    select.value = String(label);
    drawP(p);
    drawG(g);
    readout.textContent = `loss = ${fmt(loss)}   gradient = [${g.map((x) => fmt(x)).join(", ")}]`;
    put(model, { probs: p, loss, grad: g });
  }
  return redrawOn(model, ["logits", "label"], update);
}

export default { render };
