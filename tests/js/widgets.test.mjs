// Each widget's front-end in Node, on a fake document (tools/dom.mjs): its source file
// imported directly as the ES module it is (so a name it uses without importing it fails
// here), and the one-module bundle Python ships as `_esm` ($SB_FIXTURES, written by
// tests/js/write_fixtures.py), which must draw the same thing. The numbers themselves are
// checked against softmaxbook in math.test.mjs and, in Chromium, tests/test_widgets_browser.py.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { makeModel } from "../../src/softmaxbook/widgets/host.js";
import {
  crossEntropy, crossEntropyGrad, jsonSafe, naiveSoftmax, softmax, softmaxJacobian, stableSoftmax32,
} from "../../src/softmaxbook/widgets/math.js";
import { reliability } from "../../src/softmaxbook/widgets/calibration.js";
import { onlineSteps } from "../../src/softmaxbook/widgets/online.js";
import { makeDocument } from "../../tools/dom.mjs";

const { widgets } = JSON.parse(readFileSync(process.env.SB_FIXTURES, "utf8"));
globalThis.document = makeDocument(); // the widgets create their elements through it

// What each widget must compute from its model, what its first slider sets, a value to
// slide it to, and a new value for that trait from outside (Python, or another view).
const first = (name) => (m) => [m.get(name)].flat()[0];
const CASES = {
  SoftmaxExplorer: {
    expect: (m) => ({ probs: softmax(m.get("logits").map((x) => x / m.get("temperature"))) }),
    slid: first("logits"), slide: 2.5, input: ["logits", [0.5, -1, 3, 0]],
  },
  OverflowLab: {
    expect: (m) => {
      const z = [m.get("logit"), ...m.get("others")];
      return { naive64: jsonSafe(naiveSoftmax(z, false)), stable64: jsonSafe(softmax(z)),
               naive32: jsonSafe(naiveSoftmax(z, true)), stable32: jsonSafe(stableSoftmax32(z)) };
    },
    slid: first("logit"), slide: 100, input: ["logit", 800],
  },
  JacobianView: {
    expect: (m) => ({ probs: softmax(m.get("logits")), jacobian: softmaxJacobian(m.get("logits")) }),
    slid: first("logits"), slide: -2, input: ["logits", [1, 1, -3]],
  },
  LossCurve: {
    expect: (m) => ({ loss: -Math.log(m.get("p")) }),
    slid: first("p"), slide: 0.25, input: ["p", 0.9],
  },
  GradientExplorer: {
    expect: (m) => ({ probs: softmax(m.get("logits")), loss: crossEntropy(m.get("logits"), m.get("label")),
                      grad: crossEntropyGrad(m.get("logits"), m.get("label")) }),
    slid: first("logits"), slide: -4, input: ["logits", [0, 5, 1]],
  },
  ReliabilityDiagram: {
    expect: (m) => {
      const r = reliability(m.get("logits"), m.get("labels"), m.get("temperature"), m.get("n_bins"));
      return { ece: r.ece, nll: r.nll, accuracy: r.accuracyAll, bin_confidence: r.confidence,
               bin_accuracy: r.accuracy, bin_count: r.count };
    },
    // its first slider holds log10 T
    slid: (m) => Math.log10(m.get("temperature")), slide: 1, input: ["temperature", 0.5],
  },
  OnlineNormaliser: {
    expect: (m) => {
      const steps = onlineSteps(m.get("logits")).slice(0, m.get("step"));
      const rescaled = steps.map((s, j) => [j + 1, s.factor]).filter(([, f]) => f !== null);
      return { running_max: steps.map((s) => s.m), running_sum: steps.map((s) => s.d),
               logsumexp: steps.map((s) => s.lse), rescaled_at: rescaled.map(([j]) => j),
               rescale_factors: rescaled.map(([, f]) => f) };
    },
    slid: first("logits"), slide: 5, input: ["logits", [2, -1, 6, 0.5, 7]],
  },
};

function check(model, c) {
  for (const [name, value] of Object.entries(c.expect(model))) assert.deepEqual(model.get(name), value, name);
}

function render(mod, state) {
  const el = document.createElement("div");
  const model = makeModel(structuredClone(state));
  const cleanup = mod.default.render({ model, el });
  return { el, model, cleanup };
}

// The drawn tree as text; element ids (a random prefix and a count per module) made equal.
function serialize(node) {
  if (!node.tagName) return node.data;
  const attrs = [...node.attributes].sort().map(([k, v]) => ` ${k}="${v}"`).join("")
    .replace(/sb-[0-9a-z]+-(\w+)-\d+/g, "sb-ID-$1-N");
  const style = Object.keys(node.style).length ? ` style=${JSON.stringify(node.style)}` : "";
  const value = node._value === undefined ? "" : ` value=${node._value}`;
  return `<${node.tagName}${attrs}${style}${value}>${node.childNodes.map(serialize).join("")}</${node.tagName}>`;
}

const ranges = (el) => el.querySelectorAll('input[type="range"]');

for (const w of widgets) {
  const c = CASES[w.name];

  test(`${w.source} renders from its own file, and stays live`, async () => {
    const mod = await import(`../../src/softmaxbook/widgets/${w.source}`);
    const { el, model, cleanup } = render(mod, w.state);
    assert.ok(el.classList.contains("sb-widget"));
    check(model, c);
    // a slider moved by the reader
    const slider = ranges(el)[0];
    slider.value = c.slide;
    slider.dispatchEvent({ type: "input" });
    assert.equal(c.slid(model), c.slide);
    check(model, c);
    // the input changed from outside: the sliders follow, and the results
    model.set(...c.input);
    assert.equal(ranges(el)[0].value, String(c.slid(model)));
    check(model, c);
    // the cleanup it returns removes its listeners
    cleanup();
    const before = JSON.stringify(Object.keys(c.expect(model)).map((k) => model.get(k)));
    model.set(...(c.input[0] === "logits" ? ["logits", c.input[1].map((x) => x + 1)] : [c.input[0], c.slide]));
    assert.equal(JSON.stringify(Object.keys(c.expect(model)).map((k) => model.get(k))), before);
  });

  test(`${w.name}'s _esm, its file bundled with what it imports, draws the same`, async () => {
    assert.doesNotMatch(w.esm, /^\s*import\b/m);
    const bundled = await import(`data:text/javascript,${encodeURIComponent(w.esm)}`);
    assert.deepEqual(Object.keys(bundled), ["default"]);
    const mod = await import(`../../src/softmaxbook/widgets/${w.source}`);
    const a = render(mod, w.state), b = render(bundled, w.state);
    assert.equal(serialize(b.el), serialize(a.el));
    for (const x of [a, b]) {
      const slider = ranges(x.el).at(-1);
      slider.value = slider.getAttribute("min");
      slider.dispatchEvent({ type: "input" });
    }
    assert.equal(serialize(b.el), serialize(a.el));
  });
}

test("a logit widget redraws for a new number of classes", async () => {
  for (const w of widgets.filter((x) => typeof x.state.logits?.[0] === "number")) {  // a row of logits
    const mod = await import(`../../src/softmaxbook/widgets/${w.source}`);
    const { el, model } = render(mod, w.state);
    model.set("logits", [0.5, -1.5]);
    assert.equal(ranges(el).filter((r) => r.getAttribute("aria-label").startsWith("logit ")).length, 2, w.name);
    assert.deepEqual(ranges(el).slice(0, 2).map((r) => r.value), ["0.5", "-1.5"], w.name);
    check(model, CASES[w.name]);
  }
});

test("the gradient explorer's select follows the label, and sets it", async () => {
  const w = widgets.find((x) => x.name === "GradientExplorer");
  const { el, model } = render(await import(`../../src/softmaxbook/widgets/${w.source}`), w.state);
  const [select] = el.querySelectorAll("select");
  assert.equal(select.getAttribute("data-lm-suppress-shortcuts"), "true");
  model.set("label", 2);
  assert.equal(select.value, "2");
  select.value = "1";
  select.dispatchEvent({ type: "change" });
  assert.equal(model.get("label"), 1);
  check(model, CASES.GradientExplorer);
});

test("the online normaliser's step slider sets the step and follows it; each step says what it did", async () => {
  const w = widgets.find((x) => x.name === "OnlineNormaliser");
  const { el, model } = render(await import(`../../src/softmaxbook/widgets/${w.source}`), w.state);
  const step = ranges(el).find((r) => r.getAttribute("aria-label") === "logits streamed in, t");
  const [note] = el.querySelectorAll("div.sb-step");
  const rows = el.querySelectorAll("tr").slice(1);
  model.set("logits", [1, 3, 0.5, 4, 2]);
  for (const t of [0, 1, 2, 3, 4, 5]) {
    step.value = t;
    step.dispatchEvent({ type: "input" });
    assert.equal(model.get("step"), t);
    check(model, CASES.OnlineNormaliser);
    const grew = t === 2 || t === 4;  // 3 > 1 and 4 > 3: the sum so far is rescaled
    assert.equal(note.classList.contains("sb-rescaled"), grew, `step ${t}`);
    assert.equal(note.querySelectorAll("span.sb-factor").length, grew ? 1 : 0, `step ${t}`);
    assert.match(note.textContent, grew ? /the max grows/ : t < 2 ? /^Step [01] of 5/ : /no rescaling/);
    assert.equal(rows.filter((r) => r.classList.contains("sb-pending")).length, 5 - t);
    const rescaledRows = [1, 2, 3, 4, 5].map((j) => j <= t && (j === 2 || j === 4));
    assert.deepEqual(rows.map((r) => r.classList.contains("sb-rescaled")), rescaledRows);
  }
  assert.equal(note.querySelector("span.sb-factor"), null);
  model.set("step", 4);
  assert.equal(step.value, "4");
  assert.equal(note.querySelector("span.sb-factor").textContent, String(Number(Math.exp(-1).toPrecision(6))));
  check(model, CASES.OnlineNormaliser);
  model.set("logits", [0, 1]);  // fewer logits than the step: all of them have streamed in
  assert.equal(model.get("step"), 2);
  check(model, CASES.OnlineNormaliser);
});
