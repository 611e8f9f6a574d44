// Overflow lab: push one logit from 0 to 1000 and watch the naive softmax break first in
// float32 (e^88.7 overflows) and then in float64 (e^709.8), while the stable one never does.

import { jsonSafe, naiveSoftmax, softmax, stableSoftmax32 } from "./math.js";
import { announcer, fmt, h, put, readout, redrawOn, scrollBox, slider, widgetRoot } from "./ui.js";

function render({ model, el }) {
  const root = widgetRoot(el, "Overflow lab");
  const controls = h("div", { class: "sb-controls" });
  root.append(controls);
  const push = slider(controls, {
    label: "pushed logit z₀", min: 0, max: 1000, step: 1, value: model.get("logit"),
    onInput(v) {
      put(model, { logit: v });
    },
  });
  const table = h("table", { class: "sb-table" });
  const head = h("tr", {}, h("td"));
  const rest = model.get("others");
  const names = ["ŷ₀", ...rest.map((_, i) => `ŷ${"₁₂₃₄₅₆₇₈₉"[i]}`)];
  names.forEach((n) => head.append(h("th", { scope: "col", text: n })));
  table.append(head);
  const routes = [["naive float64", "naive64"], ["stable float64", "stable64"],
                  ["naive float32", "naive32"], ["stable float32", "stable32"]];
  const cells = routes.map(([title]) => {
    const tr = h("tr", {}, h("th", { scope: "row", text: title }));
    const tds = names.map(() => h("td"));
    tr.append(...tds);
    table.append(tr);
    return tds;
  });
  root.append(scrollBox("softmax by route", table));  // on a narrow screen it scrolls on its own
  const logits = readout(root, "sb-logits");
  const verdict = readout(root);
  const say = announcer(root);

  function update() {
    const z = [model.get("logit"), ...model.get("others")];
    const results = {
      naive64: naiveSoftmax(z, false), stable64: softmax(z),
      naive32: naiveSoftmax(z, true), stable32: stableSoftmax32(z),
    };
    push.set(z[0]);
    logits.textContent = `z = [${z.map((x) => fmt(x)).join(", ")}]`;
    routes.forEach(([, key], r) => results[key].forEach((x, i) => {
      cells[r][i].textContent = fmt(x);
      cells[r][i].className = Number.isFinite(x) ? "" : "sb-broken";
    }));
    const broken = (p) => p.some((x) => !Number.isFinite(x));
    const [said, why] = broken(results.naive64) ? ["Naive softmax is broken in float32 and float64",
                                                   ": exp overflowed to inf, and inf / inf = nan."]
      : broken(results.naive32) ? ["Naive softmax is broken in float32", " (exp overflows past 88.7) but not yet in float64 (past 709.8)."]
      : ["All four agree", ": no exponential has overflowed yet."];
    verdict.textContent = said + why;
    say(said);  // the logit is the slider's own value; the verdict is said once it changes
    put(model, Object.fromEntries(Object.entries(results).map(([key, p]) => [key, jsonSafe(p)])));
  }
  return redrawOn(model, ["logit", "others"], update);
}

export default { render };
