// Reliability diagram: stored logits and labels (a model's validation split) and a
// temperature slider -> the reliability diagram and the ECE of softmax(logits / T), with the
// NLL and the accuracy, all recomputed in the browser.

import { reliability } from "./calibration.js";
import { announcer, fmt, h, put, readout, redrawOn, slider, widgetRoot } from "./ui.js";

function render({ model, el }) {
  const root = widgetRoot(el, "Reliability diagram and ECE");
  const controls = h("div", { class: "sb-controls" });
  root.append(controls);
  // Temperature on a log scale, 0.1 to 10: the slider holds log10(T) and shows T.
  const tSlider = slider(controls, {
    label: "temperature T", min: -1, max: 1, step: 0.01, value: Math.log10(model.get("temperature")),
    scale: (v) => 10 ** v, show: (v) => fmt(10 ** v, 3),
    onInput(v) {
      put(model, { temperature: 10 ** v });
    },
  });
  const mSlider = slider(controls, {
    label: "bins M", min: 1, max: 30, step: 1, value: model.get("n_bins"), show: (v) => String(v),
    onInput(v) {
      put(model, { n_bins: v });
    },
  });
  const W = 320, H = 250, m = 40, top = 8, right = 8;
  const X = (c) => m + (W - m - right) * c, Y = (a) => H - m - (H - m - top) * a;
  const bars = h("svg:g"), gaps = h("svg:g");
  const svg = h("svg:svg", { viewBox: `0 0 ${W} ${H}`, width: W, role: "img", class: "sb-plot" },
    h("svg:line", { x1: m, y1: H - m, x2: W - right, y2: H - m, class: "sb-axis" }),
    h("svg:line", { x1: m, y1: top, x2: m, y2: H - m, class: "sb-axis" }),
    ...[0, 0.5, 1].map((v) => h("svg:text", { x: X(v), y: H - m + 16, "text-anchor": "middle", text: String(v), class: "sb-name" })),
    ...[0, 0.5, 1].map((v) => h("svg:text", { x: m - 6, y: Y(v) + 4, "text-anchor": "end", text: String(v), class: "sb-name" })),
    h("svg:text", { x: W - right, y: H - m + 32, "text-anchor": "end", text: "confidence", class: "sb-name" }),
    h("svg:text", { x: m + 6, y: top + 12, text: "accuracy", class: "sb-name" }),
    bars, gaps,
    h("svg:line", { x1: X(0), y1: Y(0), x2: X(1), y2: Y(1), class: "sb-diagonal" }));
  root.append(svg);
  root.append(h("div", { class: "sb-note", text: "Bars: accuracy in each bin. Lines: the gap to the bin's mean confidence. Dashed: calibrated." }));
  const text = readout(root);
  const say = announcer(root);

  function update() {
    const T = model.get("temperature"), M = model.get("n_bins");
    const r = reliability(model.get("logits"), model.get("labels"), T, M);
    tSlider.set(Math.log10(T));
    mSlider.set(M);
    bars.replaceChildren(...r.bins.map((b, i) => h("svg:rect", {
      x: X((b - 1) / M) + 1, y: Y(r.accuracy[i]), width: Math.max(X(1 / M) - X(0) - 2, 1),
      height: Y(0) - Y(r.accuracy[i]), class: "sb-bar" })));
    gaps.replaceChildren(...r.bins.map((b, i) => h("svg:line", {
      x1: X((b - 0.5) / M), x2: X((b - 0.5) / M), y1: Y(r.accuracy[i]), y2: Y(r.confidence[i]), class: "sb-gap" })));
    svg.setAttribute("aria-label", `reliability diagram, ${M} bins: ` + r.bins.map((b, i) =>
      `bin ${b}: confidence ${fmt(r.confidence[i], 3)}, accuracy ${fmt(r.accuracy[i], 3)}, ${r.count[i]} examples`).join("; "));
    text.textContent = `T = ${fmt(T, 3)}   ECE = ${fmt(r.ece)}   NLL = ${fmt(r.nll)}   accuracy = ${fmt(r.accuracyAll)}`;
    say(`ECE ${fmt(r.ece, 3)}, NLL ${fmt(r.nll, 3)}`);
    put(model, { ece: r.ece, nll: r.nll, accuracy: r.accuracyAll, bin_confidence: r.confidence,
                 bin_accuracy: r.accuracy, bin_count: r.count });
  }
  return redrawOn(model, ["temperature", "n_bins", "logits", "labels"], update);
}

export default { render };
