// The self-check questions' checking (answers.js) and drawing (quiz.js) under Node, with the
// real mathjs from node_modules: every question of the book's banks ($SB_FIXTURES, from
// tests/js/write_fixtures.py) against its own source. A formula question accepts its answer
// and its (three or more) listed equivalent forms and names every listed mistake; a number
// question accepts the usual ways to write its answer; a choice explains each option. Then
// each kind drawn on a fake document: the testing contract, the feedback, hints in order.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as mathjs from "mathjs";

import { makeModel } from "../../src/softmaxbook/widgets/host.js";
import {
  checkChoice, checkNumber, formulaChecker, normaliseFormula, parseNumber,
} from "../../src/softmaxbook/widgets/answers.js";
import { answeredRight } from "../../src/softmaxbook/widgets/quiz_store.js";
import { makeDocument } from "../../tools/dom.mjs";

const { questions } = JSON.parse(readFileSync(process.env.SB_FIXTURES, "utf8"));
globalThis.document = makeDocument();
const quiz = (await import("../../src/softmaxbook/widgets/quiz.js")).default;

const byKind = (kind) => questions.filter((q) => q.kind === kind);

test("the banks hold questions of every kind", () => {
  assert.ok(byKind("choice").length && byKind("number").length && byKind("formula").length);
});

for (const q of byKind("formula")) {
  test(`${q.id}: every right form passes, every listed mistake is named`, () => {
    const checker = formulaChecker(mathjs, q);
    assert.ok(q.equivalent.length >= 3, "at least three equivalent forms");
    for (const form of [q.answer, ...q.equivalent]) assert.deepEqual(checker.check(form), { verdict: "right", says: "" }, form);
    for (const m of q.mistakes) assert.deepEqual(checker.check(m.form), { verdict: "wrong", says: m.says }, m.form);
    // a form that is neither: wrong, with no mistake named
    assert.deepEqual(checker.check(`2 * (${q.answer}) + 1`), { verdict: "wrong", says: "" });
  });
}

test("a formula that cannot be read says why", () => {
  const q = byKind("formula").find((x) => Object.values(x.symbols).some((s) => s.kind === "index"));
  const checker = formulaChecker(mathjs, q);
  const vector = Object.keys(q.symbols).find((n) => ["vector", "softmax"].includes(q.symbols[n].kind));
  const index = Object.keys(q.symbols).find((n) => q.symbols[n].kind === "index");
  const says = (text) => checker.check(text).says;
  assert.equal(checker.check("").verdict, "unreadable");
  assert.match(says("1 +"), /does not read as a formula/);
  assert.match(says("x + 1"), /x is not a symbol of this question/);
  assert.match(says(`${vector}[1]`), /underscore/);
  assert.match(says(`${vector}_${index}(1 - ${vector}_${index})`), /reads as calling/);
  assert.match(says(`${index}`), /is an index/);
  assert.match(says("foo(1)"), /foo is not a function here/);
  assert.match(says(`a = 1`), /no = sign/);
  assert.match(says(`exp(${vector})`), /vector, not a number/);
});

test("the page's notation typed with a keyboard reads as mathjs syntax", () => {
  assert.equal(normaliseFormula(" ŷ_i − y_i "), "yhat_i - y_i");
  assert.equal(normaliseFormula("σ(z)·(1 − σ(z))"), "sigma(z)*(1 - sigma(z))");
  assert.equal(normaliseFormula("z**2 × δ_ij"), "z^2 * delta_ij");
});

test("numbers in the usual forms", () => {
  for (const [text, value] of [["0.665", 0.665], [".665", 0.665], ["6.65e-1", 0.665], ["6.65E-1", 0.665],
    [" -2 ", -2], ["−0.5", -0.5], ["+3", 3], ["1e3", 1000], ["12.", 12]]) {
    assert.deepEqual(parseNumber(text), { value }, text);
  }
  for (const text of ["", "abc", "0,665", "1/3", "2 3", "e5", "."]) assert.ok(parseNumber(text).error, text);
  assert.match(parseNumber("0,665").error, /decimal point/);
});

for (const q of byKind("number")) {
  test(`${q.id}: the answer, in its forms, is right; each mistake is named`, () => {
    const forms = [String(q.answer), q.answer.toExponential(), String(q.answer).replace(/^0\./, "."),
      q.decimals === undefined ? String(q.answer) : q.answer.toFixed(q.decimals)];
    for (const text of forms) assert.equal(checkNumber(q, text).verdict, "right", text);
    for (const m of q.mistakes) assert.deepEqual(checkNumber(q, String(m.value)), { verdict: "wrong", says: m.says });
    const far = q.answer + 10 * (q.tolerance + q.relative * Math.abs(q.answer)) + 1;
    assert.deepEqual(checkNumber(q, String(far)), { verdict: "wrong", says: "" });
    assert.equal(checkNumber(q, "twelve").verdict, "unreadable");
  });
}

for (const q of byKind("choice")) {
  test(`${q.id}: the right options are right; each wrong one explains itself`, () => {
    const right = q.options.flatMap((o, i) => (o.right ? [i] : []));
    assert.equal(checkChoice(q, right).verdict, "right");
    q.options.forEach((o, i) => {
      if (o.right) return;
      const result = checkChoice(q, [i]);
      assert.equal(result.verdict, "wrong");
      assert.ok(result.says.includes(o.why));
    });
    assert.equal(checkChoice(q, []).verdict, "unreadable");
    if (right.length > 1) assert.match(checkChoice(q, right.slice(1)).says, /Another option is right too/);
  });
}

// ---- drawn on a fake document --------------------------------------------------------------

const load = async (name) => {
  assert.equal(name, "mathjs");
  return mathjs;
};

function draw(q) {
  const el = document.createElement("div");
  const model = makeModel({ question: q, response: "", right: null });
  const cleanup = quiz.render({ model, el, load });
  const submit = () => el.querySelector("form").dispatchEvent({ type: "submit", preventDefault() {} });
  const feedback = () => el.querySelector(".sb-feedback");
  return { el, model, cleanup, submit, feedback };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("every question draws with the testing contract", () => {
  for (const q of questions) {
    const { el, feedback, cleanup } = draw(q);
    assert.equal(el.getAttribute("data-quiz"), q.id);
    assert.equal(el.getAttribute("data-quiz-kind"), q.kind);
    assert.equal(feedback().getAttribute("aria-live"), "polite");
    assert.ok(el.classList.contains("sb-widget"));
    assert.match(el.querySelector(".sb-title").textContent, new RegExp(`^Self-check ${q.number.replace(".", "\\.")}`));
    for (const input of el.querySelectorAll("input")) {
      assert.ok(input.getAttribute("aria-label"));
      assert.equal(el.querySelectorAll(`label[for="${input.getAttribute("id")}"]`).length, 1);
    }
    cleanup();
  }
});

test("a number question: wrong, then hints in order, then right", async () => {
  const q = byKind("number")[0];
  const { el, model, submit, feedback } = draw(q);
  const more = el.querySelector("button.sb-more");
  assert.ok(more.hasAttribute("hidden"), "no hint before a first attempt");
  const input = el.querySelector("input");
  input.value = "twelve";
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "unreadable");
  assert.ok(more.hasAttribute("hidden"), "an answer that cannot be read is no attempt");
  input.value = String(q.answer + 1000);
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "wrong");
  assert.match(feedback().textContent, /^✗ Not right\./);
  assert.equal(model.get("right"), false);
  for (const [k, hint] of q.hints.entries()) {
    assert.equal(more.textContent, `Hint ${k + 1} of ${q.hints.length}`);
    more.dispatchEvent({ type: "click" });
    assert.ok(el.querySelectorAll(".sb-hint")[k].textContent.endsWith(hint.replaceAll("`", "")));
  }
  assert.equal(more.textContent, "Show the worked answer");
  more.dispatchEvent({ type: "click" });
  assert.ok(el.querySelector(".sb-worked"));
  assert.ok(more.hasAttribute("hidden"));
  input.value = String(q.answer);
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "right");
  assert.match(feedback().textContent, /^✓ Right\./);
  assert.deepEqual([model.get("response"), model.get("right")], [String(q.answer), true]);
  assert.ok(answeredRight().has(q.id));
  assert.match(el.querySelector(".sb-title").textContent, /answered right/);
});

test("a choice question: the chosen option's explanation; right skips to the worked answer", async () => {
  const q = byKind("choice").find((x) => !x.multiple);
  const { el, submit, feedback } = draw(q);
  const inputs = el.querySelectorAll("input");
  assert.ok(inputs.every((i) => i.getAttribute("type") === "radio"));
  const wrong = q.options.findIndex((o) => !o.right);
  inputs[wrong].checked = true;
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "wrong");
  assert.ok(feedback().textContent.includes(q.options[wrong].why.replaceAll("`", "")));
  inputs[wrong].checked = false;
  inputs[q.options.findIndex((o) => o.right)].checked = true;
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "right");
  assert.equal(el.querySelector("button.sb-more").textContent, "Show the worked answer");
});

test("a formula question: read by mathjs, shown back typeset, checked", async () => {
  const q = byKind("formula")[0];
  const { el, submit, feedback } = draw(q);
  const input = el.querySelector("input");
  input.value = q.mistakes[0].form;
  input.dispatchEvent({ type: "input" });
  await settle();
  assert.equal(el.querySelector(".sb-preview").children[0].tagName, "math");
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "wrong");
  assert.ok(feedback().textContent.includes(q.mistakes[0].says.replaceAll("`", "")));
  input.value = q.equivalent[0];
  submit();
  await settle();
  assert.equal(feedback().getAttribute("data-verdict"), "right");
});
