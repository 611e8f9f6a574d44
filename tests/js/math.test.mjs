// The widgets' numerics (src/softmaxbook/widgets/math.js) against softmaxbook, in Node with
// no browser: `node --test tests/js/` after tests/js/write_fixtures.py has written
// $SB_FIXTURES (tests/test_js.py does both). float64 results must equal the package's to
// 1e-12 relative; float32 ones to a few float32 ulps; nan and inf exactly where it has them.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { reliability as reliabilityOf } from "../../src/softmaxbook/widgets/calibration.js";
import * as math from "../../src/softmaxbook/widgets/math.js";
import { onlineSteps } from "../../src/softmaxbook/widgets/online.js";

const { cases, reliability, online } = JSON.parse(readFileSync(process.env.SB_FIXTURES, "utf8"));
const num = (values) => values.map(Number); // "Infinity", "-Infinity", "NaN" -> numbers

function close(actual, expected, rtol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      assert.ok(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `${what}[${i}]: ${a} vs ${e}`);
    } else {
      assert.ok(Math.abs(a - e) <= rtol * Math.abs(e) + 1e-300, `${what}[${i}]: ${a} vs ${e}`);
    }
  });
}

for (const c of cases) {
  const z = num(c.z);
  test(`z = [${c.z}]`, () => {
    close(math.softmax(z), num(c.softmax), 1e-12, "softmax");
    close(math.logSoftmax(z), num(c.logSoftmax), 1e-12, "logSoftmax");
    close([math.crossEntropy(z, c.label)], num([c.crossEntropy]), 1e-12, "crossEntropy");
    close(math.crossEntropyGrad(z, c.label), num(c.crossEntropyGrad), 1e-12, "crossEntropyGrad");
    close(math.softmaxJacobian(z).flat(), num(c.softmaxJacobian), 1e-12, "softmaxJacobian");
    close(math.naiveSoftmax(z, false), num(c.naiveSoftmax64), 1e-12, "naiveSoftmax float64");
    if (c.stableSoftmax32 !== null) {
      close(math.naiveSoftmax(z, true), num(c.naiveSoftmax32), 3e-7, "naiveSoftmax float32");
      close(math.stableSoftmax32(z), num(c.stableSoftmax32), 3e-7, "stableSoftmax32");
    }
  });
}

test("jsonSafe turns what JSON cannot hold into strings Python's float() reads", () => {
  assert.deepEqual(math.jsonSafe([1.5, NaN, Infinity, -Infinity]), [1.5, "NaN", "Infinity", "-Infinity"]);
});

test("a tiny log-probability keeps its relative accuracy", () => {
  const lp = math.logSoftmax([0, -115.12925464970229])[0];
  assert.ok(lp < 0 && Math.abs(lp / -1e-50 - 1) < 1e-6, String(lp));
});

test("reliability(): the package's reliability curve, ECE, NLL and accuracy of softmax(z / T)", () => {
  for (const c of reliability.cases) {
    const r = reliabilityOf(reliability.logits, reliability.labels, c.T, c.M);
    const what = `T = ${c.T}, M = ${c.M}`;
    assert.deepEqual(r.count, c.count, `${what}: count`);
    close(r.confidence, c.confidence, 1e-13, `${what}: confidence`);
    close(r.accuracy, c.accuracy, 1e-13, `${what}: accuracy`);
    close([r.ece, r.nll, r.accuracyAll], [c.ece, c.nll, c.accuracyAll], 1e-12, `${what}: ECE, NLL, accuracy`);
  }
});

test("onlineSteps(): the package's partial state after each logit, and where the max grew", () => {
  for (const c of online) {
    const steps = onlineSteps(c.z), what = `z = [${c.z}]`;
    close(steps.map((s) => s.m), c.max, 0, `${what}: running max`);
    close(steps.map((s) => s.d), c.sum, 1e-13, `${what}: running sum`);
    close(steps.map((s) => s.lse), c.lse, 1e-13, `${what}: log-sum-exp`);
    assert.deepEqual(steps.flatMap((s, j) => (s.factor === null ? [] : [j + 1])), c.rescaled_at, `${what}: rescaled at`);
    close(steps.flatMap((s) => (s.factor === null ? [] : [s.factor])), c.factors, 1e-13, `${what}: factors`);
  }
});
