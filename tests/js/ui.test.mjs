// The widgets' number formatting and their shared redraw helper (src/softmaxbook/widgets/ui.js),
// in Node with no browser.

import assert from "node:assert/strict";
import { test } from "node:test";

import { makeModel } from "../../src/softmaxbook/widgets/host.js";
import { fmt, redrawFromLogits } from "../../src/softmaxbook/widgets/ui.js";

test("whole numbers keep their zeros", () => {
  // A temperature of 100 once read "1": trailing zeros were stripped from whole numbers too.
  assert.equal(fmt(100, 3), "100");
  assert.equal(fmt(120000), "120000");
  assert.equal(fmt(10), "10");
  assert.equal(fmt(-200, 3), "-200");
});

test("decimals lose only their trailing zeros", () => {
  assert.equal(fmt(2.0), "2");
  assert.equal(fmt(0.5), "0.5");
  assert.equal(fmt(1.5, 3), "1.5");
  assert.equal(fmt(0.619), "0.619");
  assert.equal(fmt(0.1234567), "0.123457");
  assert.equal(fmt(1.05, 3), "1.05");
});

test("very small and very large numbers use exponents", () => {
  assert.equal(fmt(1e-5), "1.00000e-5");
  assert.equal(fmt(2.5e7, 3), "2.50e+7");
  assert.equal(fmt(-1.6e-300), "-1.60000e-300");
});

test("zero, nan and infinities", () => {
  assert.equal(fmt(0), "0");
  assert.equal(fmt(NaN), "nan");
  assert.equal(fmt(Infinity), "inf");
  assert.equal(fmt(-Infinity), "-inf");
});

test("redrawFromLogits sets every slider from the logits, then draws; nothing while stale", () => {
  const model = makeModel({ logits: [1, 2, 3], temperature: 1 });
  const log = [];
  const sliders = [0, 1, 2].map((i) => ({ set: (v) => log.push(`slider ${i} = ${v}`) }));
  let k = 3;
  const stale = () => model.get("logits").length !== k;
  const cleanup = redrawFromLogits(model, { sliders, stale }, ["logits", "temperature"], (z) => log.push(`draw ${z}`));
  assert.deepEqual(log.splice(0), ["slider 0 = 1", "slider 1 = 2", "slider 2 = 3", "draw 1,2,3"]);
  model.set("temperature", 2);
  assert.deepEqual(log.splice(0), ["slider 0 = 1", "slider 1 = 2", "slider 2 = 3", "draw 1,2,3"]);
  model.set("logits", [4, 5]); // stale: the widget is about to be rebuilt for K = 2
  assert.deepEqual(log.splice(0), []);
  k = 2;
  cleanup();
  model.set("logits", [6, 7]);
  assert.deepEqual(log, []);
});
