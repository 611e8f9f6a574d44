// The widgets' number formatting (src/softmaxbook/widgets/ui.js), in Node with no browser.

import assert from "node:assert/strict";
import { test } from "node:test";

import { fmt } from "../../src/softmaxbook/widgets/ui.js";

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
