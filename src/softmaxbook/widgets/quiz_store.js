// Which self-check questions this browser has answered right: a list of question ids in
// localStorage (no server, nothing sent anywhere), shared by the questions (quiz.js) and the
// site's progress lines (web/quiz-progress.js). Each change is announced on `window` with a
// QUIZ_CHANGED event; another tab's changes arrive as `storage` events.

export const QUIZ_KEY = "softmaxbook-quiz-right";
export const QUIZ_CHANGED = "softmaxbook-quiz-changed";

let memory = []; // where the ids live when the browser keeps no localStorage (a blocked or private page)

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // reading localStorage itself throws where site data is blocked
  }
}

export function answeredRight() {
  try {
    const ids = JSON.parse(storage()?.getItem(QUIZ_KEY) ?? "null");
    return new Set(Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : memory);
  } catch {
    return new Set(memory);
  }
}

function save(ids) {
  memory = [...ids].sort();
  try {
    storage()?.setItem(QUIZ_KEY, JSON.stringify(memory));
  } catch {
    // full or blocked: this page keeps the answers in memory
  }
  if (typeof CustomEvent === "function") globalThis.dispatchEvent?.(new CustomEvent(QUIZ_CHANGED));
}

export function markRight(id) {
  const ids = answeredRight();
  if (!ids.has(id)) save(ids.add(id));
}

// Forget the given ids (a chapter's reset), or every one.
export function forget(ids = null) {
  const kept = ids === null ? [] : [...answeredRight()].filter((id) => !ids.includes(id));
  save(kept);
}

// Call `update` whenever the answers change, here or in another tab; returns the undo.
export function onQuizChange(update) {
  const onStorage = (event) => event.key === QUIZ_KEY && update();
  globalThis.addEventListener?.(QUIZ_CHANGED, update);
  globalThis.addEventListener?.("storage", onStorage);
  return () => {
    globalThis.removeEventListener?.(QUIZ_CHANGED, update);
    globalThis.removeEventListener?.("storage", onStorage);
  };
}

// ---- the site's progress lines -------------------------------------------------------------
// <div class="sb-progress" data-questions="ch02-a ch02-b ..."> on a chapter: how many of its
// questions this browser answered right; <div class="sb-progress" data-book="[{title, href,
// ids}, ...]"> on the intro page: the book's, chapter by chapter. tools/book_site.py fills in
// the ids from the question banks; each line has a reset button.

function make(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const count = (right, ids) => ids.filter((id) => right.has(id)).length;

// The line and its reset button are made once (a reset keeps the keyboard's place); each
// change rewrites the numbers, which the status line announces.
function progressLine(box, ids, what, resetText, onReset, ...between) {
  const total = make("strong");
  const reset = make("button", { type: "button", class: "sb-reset" }, resetText);
  reset.addEventListener("click", onReset);
  box.append(make("p", { role: "status" }, "Answered right in this browser: ", total, ` ${what}`), ...between, reset);
  return (right) => {
    total.textContent = `${count(right, ids)} of ${ids.length}`;
  };
}

function chapterProgress(box, ids) {
  return progressLine(box, ids, "of this chapter's questions.", "Reset this chapter's answers", () => forget(ids));
}

function bookProgress(box, chapters) {
  const counts = chapters.map(() => make("span"));
  const list = make("ul", {}, ...chapters.map((c, k) => make("li", {}, make("a", { href: c.href }, c.title), ": ", counts[k])));
  const line = progressLine(box, chapters.flatMap((c) => c.ids), "of the book's self-check questions.", "Reset all answers",
    () => forget(), list);
  return (right) => {
    line(right);
    chapters.forEach((c, k) => {
      counts[k].textContent = `${count(right, c.ids)} of ${c.ids.length}`;
    });
  };
}

export function mountProgress(doc) {
  for (const box of doc.querySelectorAll(".sb-progress")) {
    if (box.getAttribute("data-mounted")) continue;
    box.setAttribute("data-mounted", "true");
    const book = box.getAttribute("data-book");
    const ids = (box.getAttribute("data-questions") ?? "").split(/\s+/).filter(Boolean);
    const update = book ? bookProgress(box, JSON.parse(book)) : chapterProgress(box, ids);
    update(answeredRight());
    onQuizChange(() => update(answeredRight()));
  }
}
