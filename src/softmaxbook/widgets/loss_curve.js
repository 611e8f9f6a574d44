// Loss curve: the true class's probability p -> the cross-entropy -ln p, point marked.

import { announcer, fmt, h, put, readout, redrawOn, slider, sub, widgetRoot } from "./ui.js";

function render({ model, el }) {
  const root = widgetRoot(el, "Cross-entropy loss −ln p");
  const controls = h("div", { class: "sb-controls" });
  root.append(controls);
  const pSlider = slider(controls, {
    label: ["probability of the true class ", ...sub("ŷ", "c")], min: 0.001, max: 1, step: 0.001, value: model.get("p"),
    onInput(v) {
      put(model, { p: v });
    },
  });
  const W = 320, H = 210, m = 34, yMax = 7;
  const X = (p) => m + (W - m - 8) * p, Y = (l) => H - m - (H - m - 8) * Math.min(l, yMax) / yMax;
  let path = "";
  for (let i = 1; i <= 200; i++) path += `${i === 1 ? "M" : "L"}${X(i / 200).toFixed(1)},${Y(-Math.log(i / 200)).toFixed(1)}`;
  const dot = h("svg:circle", { r: 5, class: "sb-dot" });
  const svg = h("svg:svg", { viewBox: `0 0 ${W} ${H}`, width: W, role: "img", class: "sb-plot",
                             "aria-label": "the curve -ln p for p from 0 to 1, with the current point" },
    h("svg:line", { x1: m, y1: H - m, x2: W - 8, y2: H - m, class: "sb-axis" }),
    h("svg:line", { x1: m, y1: 8, x2: m, y2: H - m, class: "sb-axis" }),
    ...[0, 0.5, 1].map((p) => h("svg:text", { x: X(p), y: H - m + 16, "text-anchor": "middle", text: String(p), class: "sb-name" })),
    ...[0, 2, 4, 6].map((l) => h("svg:text", { x: m - 6, y: Y(l) + 4, "text-anchor": "end", text: String(l), class: "sb-name" })),
    h("svg:text", { x: W - 8, y: H - m + 27, "text-anchor": "end", class: "sb-name" }, ...sub("ŷ", "c", { svg: true })),
    h("svg:text", { x: m + 6, y: 18, text: "−ln p", class: "sb-name" }),
    h("svg:path", { d: path, class: "sb-curve" }), dot);
  root.append(svg);
  const text = readout(root);
  const say = announcer(root);

  function update() {
    const p = model.get("p"), loss = -Math.log(p);
    pSlider.set(p);
    dot.setAttribute("cx", X(p));
    dot.setAttribute("cy", Y(loss));
    text.textContent = `p = ${fmt(p)}   loss = −ln p = ${fmt(loss)} nats`;
    say(`loss ${fmt(loss, 3)} nats`);
    put(model, { loss: loss });
  }
  return redrawOn(model, ["p"], update);
}

export default { render };
