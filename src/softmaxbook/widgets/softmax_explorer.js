// Softmax explorer: logit sliders and a temperature slider -> probability bars.

import { softmax } from "./math.js";
import { announcer, bars, fmt, h, logitWidget, put, readout, rebuildOnClassCount, redrawFromLogits, slider } from "./ui.js";

function render({ model, el }) {
  const logits = logitWidget(el, model, "Softmax explorer");
  const { root, names, controls } = logits;
  // Temperature on a log scale, 0.01 to 100: the slider holds log10(T) and shows (and
  // announces) T itself.
  const tSlider = slider(controls, {
    label: "temperature T", min: -2, max: 2, step: 0.05, value: Math.log10(model.get("temperature")),
    scale: (v) => 10 ** v, show: (v) => fmt(10 ** v, 3),
    onInput(v) {
      put(model, { temperature: 10 ** v });
    },
  });
  const draw = bars(root, names, { title: "probabilities ŷ = softmax(z / T)" });
  root.append(h("div", { class: "sb-note", text: "T → 0: all mass on the largest logit. T → ∞: uniform, 1/K each." }));
  const sum = readout(root);
  const say = announcer(root);

  return redrawFromLogits(model, logits, ["logits", "temperature"], (z) => {
    const T = model.get("temperature");
    const p = softmax(z.map((x) => x / T));
    tSlider.set(Math.log10(T));
    draw(p);
    sum.textContent = `probabilities: [${p.map((x) => fmt(x)).join(", ")}]`;
    say(`ŷ: ${p.map((x) => fmt(x, 3)).join(", ")}`);
    put(model, { probs: p });
  });
}

export default { render: rebuildOnClassCount(render) };
