// The self-check questions' shared code (widgets/quiz.py): each question's small `_esm`
// (quiz_loader.js) loads this module once per page and calls render({ model, el, load }),
// where load("mathjs") brings mathjs for a formula question. A question is a choice, a number
// or a formula, checked here in the browser, so it works on the static site with no kernel
// as in JupyterLab. After a first attempt its hints unlock one at a time, then the worked
// answer. What the reader answered right is kept in localStorage (quiz_store.js, which also
// draws the site's progress lines); on the site each question also adds its answer to the
// chapter's answer key, at the end of the article and shown on paper only.
//
// Testing contract: the root element carries data-quiz="<id>" and data-quiz-kind, and the
// feedback is an aria-live region inside it, with data-verdict "right", "wrong" or
// "unreadable".

import { checkChoice, checkNumber, FUNCTION_NAMES, formulaChecker } from "./answers.js";
import { answeredRight, markRight, mountProgress, onQuizChange } from "./quiz_store.js";
import { typeset } from "./typeset.js";
import { h, KEEP_KEYS, newId, put } from "./ui.js";

// ---- text ---------------------------------------------------------------------------------
// Question text is plain Unicode; `backticks` mark code, and a blank line starts a paragraph.
function inline(text) {
  return text.split("`").map((part, k) => (k % 2 ? h("code", { text: part }) : part));
}

function paragraphs(text, attrs = {}) {
  return text.split(/\n\s*\n/).map((p) => h("p", attrs, ...inline(p.trim())));
}

// ---- the parts of each kind ----------------------------------------------------------------
function choiceInputs(form, q) {
  const type = q.multiple ? "checkbox" : "radio";
  const name = newId("options");
  const legend = h("legend", { class: "sb-prompt" }, ...inline(q.prompt), " ",
    h("span", { class: "sb-how", text: q.multiple ? "Choose every right option." : "Choose one." }));
  const inputs = q.options.map((option, k) => {
    const id = newId("option");
    const input = h("input", { type, name, id, value: k, "aria-label": option.text, ...KEEP_KEYS });
    const letter = String.fromCharCode(65 + k);
    return { input, row: h("div", { class: "sb-option" }, input, h("label", { for: id }, h("span", { class: "sb-letter", text: `${letter}. ` }), ...inline(option.text))) };
  });
  form.append(h("fieldset", { class: "sb-options" }, legend, ...inputs.map((x) => x.row)));
  const chosen = () => inputs.flatMap((x, k) => (x.input.checked ? [k] : []));
  return { check: () => checkChoice(q, chosen()), response: () => chosen().map((k) => String.fromCharCode(65 + k)).join(",") };
}

function syntaxOf(q) {
  if (q.kind === "number") return `Answer ${q.stated}. Type a number such as 0.665, .665 or 6.65e-1.`;
  const symbols = Object.entries(q.symbols).map(([name, s]) => `${name}: ${s.means}`);
  const indices = Object.keys(q.symbols).filter((name) => q.symbols[name].kind === "index");
  const component = indices.length > 1 ? `, delta_${indices.slice(0, 2).join("")} (1 when ${indices[0]} = ${indices[1]})` : "";
  return [`Symbols: ${symbols.join("; ")}.`,
    ...(indices.length ? [`A component takes an underscore: z_${indices[0]}${component}.`] : []),
    `Operators + - * / ^ and brackets; functions ${FUNCTION_NAMES.join(", ")} (log is natural).`];
}

function textInput(form, q, kind) {
  const id = newId("answer");
  const promptId = newId("prompt"), syntaxId = newId("syntax");
  const label = kind === "number" ? "Your answer (a number)" : "Your answer (a formula)";
  const input = h("input", {
    type: "text", id, "aria-label": label, "aria-describedby": `${promptId} ${syntaxId}`, autocomplete: "off",
    autocapitalize: "off", spellcheck: "false", ...(kind === "number" ? { inputmode: "decimal" } : {}), ...KEEP_KEYS,
  });
  const syntax = syntaxOf(q);
  form.append(
    h("div", { class: "sb-prompt", id: promptId }, ...paragraphs(q.prompt)),
    h("div", { class: "sb-answer" }, h("label", { for: id, text: label }), input, q.unit ? h("span", { class: "sb-unit", text: q.unit }) : ""),
  );
  const preview = kind === "formula" ? h("div", { class: "sb-preview", "aria-hidden": "true" }) : null;
  if (preview) form.append(preview);
  form.append(h("div", { class: "sb-syntax", id: syntaxId }, ...[syntax].flat().map((line) => h("div", {}, ...inline(line)))));
  return { input, preview };
}

// ---- the question ------------------------------------------------------------------------
const SAYS = { right: "✓ Right.", wrong: "✗ Not right." };

function render({ model, el, load }) {
  const q = model.get("question");
  el.classList.add("sb-widget", "sb-quiz");
  el.setAttribute("data-quiz", q.id);
  el.setAttribute("data-quiz-kind", q.kind);
  const titleId = newId("title");
  const done = h("span", { class: "sb-done" });
  const root = h("div", { role: "group", "aria-labelledby": titleId });
  root.append(h("div", { class: "sb-title", id: titleId }, `Self-check ${q.number}`, done));
  const form = h("form", { class: "sb-quiz-form", novalidate: "" });
  root.append(form);
  el.append(root);

  let part, checker = null;
  if (q.kind === "choice") {
    part = choiceInputs(form, q);
  } else {
    const { input, preview } = textInput(form, q, q.kind);
    part = { input, check: () => checkNumber(q, input.value), response: () => input.value };
    if (q.kind === "formula") {
      // mathjs comes when the reader reaches the box, never with the page
      const ready = () => (checker ??= load("mathjs").then((mod) => formulaChecker(mod.default ?? mod, q)));
      const show = () => ready().then((c) => {
        const read = c.read(input.value);
        preview.replaceChildren(...(read.node ? [typeset(read.node)] : []));
      }).catch(() => {});
      input.addEventListener("focus", show);
      input.addEventListener("input", show);
      part.check = () => ready().then((c) => c.check(input.value),
        (err) => ({ verdict: "unreadable", says: `The formula checker could not start: ${err.message}.` }));
    }
  }

  const check = h("button", { type: "submit", class: "sb-check", text: "Check" });
  const more = h("button", { type: "button", class: "sb-more", hidden: "" });
  form.append(h("div", { class: "sb-actions" }, check, more));
  const feedback = h("div", { class: "sb-feedback", "aria-live": "polite", "data-verdict": "" });
  const hints = h("div", { class: "sb-hints", "aria-live": "polite" });
  root.append(feedback, hints);

  // After a first attempt, each press of `more` shows the next hint, then the worked answer
  // (at once, after a right answer).
  let attempts = 0, shown = 0, right = false;
  const showMore = () => {
    if (shown < q.hints.length && !right) {
      hints.append(h("p", { class: "sb-hint" }, h("strong", { text: `Hint ${shown + 1}: ` }), ...inline(q.hints[shown])));
      shown += 1;
    } else {
      hints.append(h("div", { class: "sb-worked" }, h("strong", { text: "Worked answer" }), ...paragraphs(q.worked)));
      shown = Infinity;
    }
    label();
  };
  const label = () => {
    if (attempts === 0 || shown === Infinity) {
      // the worked answer is out: the keyboard goes back to Check, not to the page's start
      if (document.activeElement === more) check.focus();
      more.setAttribute("hidden", "");
      return;
    }
    more.removeAttribute("hidden");
    more.textContent = shown < q.hints.length && !right ? `Hint ${shown + 1} of ${q.hints.length}` : "Show the worked answer";
  };
  more.addEventListener("click", showMore);
  // Enter checks the answer (or presses the focused button) here rather than by the browser's
  // implicit submission, which JupyterLab's notebook keys would take (Enter: edit the cell).
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    event.stopPropagation();
    (event.target.tagName === "BUTTON" ? event.target : check).click();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    feedback.setAttribute("data-verdict", "");
    feedback.replaceChildren("Checking…");
    const result = await part.check();
    feedback.setAttribute("data-verdict", result.verdict);
    const says = result.says || (result.verdict === "wrong" ? "Try again, or take a hint." : "");
    feedback.replaceChildren(...(SAYS[result.verdict] ? [h("strong", { text: SAYS[result.verdict] }), " "] : []), ...inline(says));
    if (result.verdict === "unreadable") return;
    attempts += 1;
    right = right || result.verdict === "right";
    if (result.verdict === "right") {
      markRight(q.id);
      mark();
    }
    put(model, { response: part.response(), right: result.verdict === "right" });
    label();
  });

  const mark = () => {
    done.textContent = answeredRight().has(q.id) ? "✓ answered right" : "";
  };
  mark();
  const forgetKey = addToKey(q);
  const stopMarking = onQuizChange(mark);
  return () => {
    stopMarking();
    forgetKey();
  };
}

// ---- the chapter's answer key, for paper --------------------------------------------------
// On the site (an article to end), every question on the page adds its answer, in the order
// of their numbers; book.css shows the key in print only.
const keyed = new Map(); // question number -> question
const byNumber = (a, b) => a.localeCompare(b, undefined, { numeric: true });

function drawKey() {
  const article = document.querySelector("article.bd-article");
  if (!article) return;
  let key = article.querySelector(":scope > .sb-answer-key");
  if (!key) {
    key = h("section", { class: "sb-answer-key", "aria-label": "Answer key" });
    article.append(key);
  }
  const items = [...keyed.keys()].sort(byNumber).map((n) => {
    const q = keyed.get(n);
    return h("li", {}, h("p", {}, h("strong", { text: `${q.number} ` }), ...inline(q.answer_text)), ...paragraphs(q.worked));
  });
  key.replaceChildren(h("h2", { text: "Answer key" }), h("ol", { class: "sb-key-list" }, ...items));
}

function addToKey(q) {
  keyed.set(q.number, q);
  drawKey();
  return () => {
    keyed.delete(q.number);
    drawKey();
  };
}

// The site's progress lines on this page (quiz_store.js), once this module has loaded.
if (typeof document !== "undefined") mountProgress(document);

// A new question from Python (widget.question = ...) draws the widget afresh.
function renderAndFollow({ model, el, load }) {
  let cleanup = render({ model, el, load });
  const redraw = () => {
    cleanup();
    el.replaceChildren();
    cleanup = render({ model, el, load });
  };
  model.on("change:question", redraw);
  return () => {
    model.off("change:question", redraw);
    cleanup();
  };
}

export default { render: renderAndFollow };
