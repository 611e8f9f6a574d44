// Online normaliser: the logits stream in one at a time (a slider for how many, t); for the
// first t it shows the running max m_t, the running sum d_t = sum_j e^(z_j - m_t) with each
// rescaling by e^(m_old - m_new) as the max grows, and m_t + log d_t, beside the two-pass
// values over the same t logits; a table holds every step so far.

import { shifted } from "./math.js";
import { onlineSteps } from "./online.js";
import { announcer, fmt, h, logitWidget, put, readout, rebuildOnClassCount, redrawFromLogits, slider } from "./ui.js";

const SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉";
const under = (j) => String(j).replace(/\d/g, (c) => SUBSCRIPT_DIGITS[c]);

// What step t did, as one sentence; the rescaling factor in its own span.
function stepNote(note, z, steps, t, names) {
  const K = z.length, T = under(t), P = under(t - 1);
  if (t === 0) {
    note.replaceChildren(`Step 0 of ${K}: no logit has streamed in yet, so m₀ = -inf and d₀ = 0. ` +
      "Move the slider t (arrow keys) to stream the logits in.");
    return;
  }
  const s = steps[t - 1], head = `Step ${t} of ${K}: z${T} = ${fmt(z[t - 1])} (logit ${names[t - 1]})`;
  if (t === 1) {
    note.replaceChildren(`${head} starts the stream: m₁ = z₁ and d₁ = e^(z₁ − m₁) = 1.`);
  } else if (s.factor !== null) {
    const before = steps[t - 2];
    note.replaceChildren(`${head} is above m${P} = ${fmt(before.m)}: the max grows to m${T} = ${fmt(s.m)}, so the ` +
      `sum so far is rescaled by e^(m${P} − m${T}) = `, h("span", { class: "sb-factor", text: fmt(s.factor) }),
      `. d${T} = d${P} · e^(m${P} − m${T}) + 1 = ${fmt(before.d)} × ${fmt(s.factor)} + 1 = ${fmt(s.d)}.`);
  } else {
    note.replaceChildren(`${head} is not above m${P} = ${fmt(s.m)}: the max stays, no rescaling. ` +
      `d${T} = d${P} + e^(z${T} − m${T}) = ${fmt(steps[t - 2].d)} + ${fmt(Math.exp(z[t - 1] - s.m))} = ${fmt(s.d)}.`);
  }
}

function render({ model, el }) {
  const logits = logitWidget(el, model, "Online normaliser: log-sum-exp in one pass");
  const { root, names, controls } = logits;
  const K = names.length;
  // Python refuses a step past the last logit; given one anyway, the front-end shows them all.
  if (!(model.get("step") <= K)) put(model, { step: K });
  const tSlider = slider(controls, {
    label: "logits streamed in, t", min: 0, max: K, step: 1, value: model.get("step"), show: String,
    onInput(v) {
      put(model, { step: v });
    },
  });
  // The step's sentence is for reading; after each key a screen reader hears one short line
  // (announcer): the step, the max and the new sum.
  const note = h("div", { class: "sb-step" });
  root.append(note);
  const say = announcer(root);
  const online = readout(root, "sb-online"), exact = readout(root, "sb-exact");
  online.removeAttribute("aria-live");
  exact.removeAttribute("aria-live");

  const table = h("table", { class: "sb-table sb-steps" },
    h("caption", { text: "Each step folds one logit into the running max m and sum d; where the max grew, the " +
      "sum so far is rescaled. Italic: not streamed in yet." }),
    h("tr", {}, ...["step", "z", "max m", "rescaled by", "sum d"].map((text) => h("th", { scope: "col", text }))));
  const rows = names.map((name, j) => {
    const tr = h("tr", {}, h("th", { scope: "row", text: `${j + 1} (${name})` }));
    const cells = ["sb-z", "sb-m", "sb-rescale", "sb-d"].map((c) => h("td", { class: c }));
    tr.append(...cells);
    table.append(tr);
    return { tr, cells };
  });
  // scrolls on its own on a narrow screen, and then must be reachable with the keyboard
  root.append(h("div", { class: "sb-scroll", tabindex: 0, role: "region", "aria-label": "steps so far" }, table));

  return redrawFromLogits(model, logits, ["logits", "step"], (z) => {
    const t = model.get("step"), T = under(t);
    const steps = onlineSteps(z).slice(0, t);
    tSlider.set(t);
    stepNote(note, z, steps, t, names);
    note.className = steps[t - 1]?.factor != null ? "sb-step sb-rescaled" : "sb-step";
    const now = steps[t - 1];
    say(!now ? "step 0: nothing streamed in"
      : `step ${t}: max ${fmt(now.m, 4)}, ${now.factor !== null ? `rescaled by ${fmt(now.factor, 3)}, ` : ""}d ${fmt(now.d, 5)}`);
    rows.forEach(({ tr, cells }, j) => {
      const s = steps[j];
      tr.setAttribute("class", [!s && "sb-pending", s?.factor != null && "sb-rescaled", j === t - 1 && "sb-current"]
        .filter(Boolean).join(" "));
      const rescale = !s ? "" : s.factor === null ? "—" : `× ${fmt(s.factor, 4)}`;
      [fmt(z[j], 4), s ? fmt(s.m, 4) : "", rescale, s ? fmt(s.d, 4) : ""].forEach((text, i) => {
        cells[i].textContent = text;
      });
    });
    const last = steps[t - 1] ?? { m: -Infinity, d: 0, lse: -Infinity };
    online.textContent = `online: m${T} = ${fmt(last.m)}, d${T} = ${fmt(last.d)}, m${T} + log d${T} = ${fmt(last.lse)}`;
    if (t === 0) {
      exact.textContent = "two-pass: nothing to sum yet";
    } else {
      // the max first, then the sum over the same t logits: what logsumexp does
      const first = z.slice(0, t), max = Math.max(...first), { rest } = shifted(first), lse = max + Math.log1p(rest);
      exact.textContent = `two-pass over z₁..z${T}: max = ${fmt(max)}, Σ e^(z − max) = ${fmt(1 + rest)}, ` +
        `log-sum-exp = ${fmt(lse)} (online differs by ${fmt(Math.abs(last.lse - lse))})`;
    }
    put(model, {
      running_max: steps.map((s) => s.m), running_sum: steps.map((s) => s.d), logsumexp: steps.map((s) => s.lse),
      rescaled_at: steps.flatMap((s, j) => (s.factor === null ? [] : [j + 1])),
      rescale_factors: steps.flatMap((s) => (s.factor === null ? [] : [s.factor])),
    });
  });
}

export default { render: rebuildOnClassCount(render) };
