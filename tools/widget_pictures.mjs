// Each widget of the site drawn once at build time, as HTML: what its own front-end draws from
// the state a page stores, on tools/dom.mjs, mounted by the site's own host.js. The page shows
// that picture until the live widget replaces it (a reader without JavaScript keeps it).
//
// stdin: {"quiz": the questions' shared code (a module's text), "pages": [{"state": ..., "views": [model
// id, ...]}, ...]}; stdout: {model id: the HTML of its first view}, controls disabled. Any
// error a widget reports fails the run.

import { createHost, STATE, VIEW } from "../src/softmaxbook/widgets/host.js";
import { makeDocument } from "./dom.mjs";

const CONTROLS = new Set(["input", "select", "textarea", "button"]);
const errors = [];
console.error = (...args) => errors.push(args.map(String).join(" "));

const asModule = (text) => import(`data:text/javascript;base64,${Buffer.from(text).toString("base64")}`);

async function draw({ state, views }, quiz) {
  const doc = (globalThis.document = makeDocument());
  const script = (type, data) => Object.assign(doc.createElement("script"), { textContent: JSON.stringify(data) });
  const stateScript = script(STATE, { state });
  stateScript.setAttribute("type", STATE);
  const meta = doc.createElement("meta"); // where quiz_loader.js looks for the shared code
  meta.setAttribute("name", "softmaxbook-quiz");
  meta.setAttribute("content", quiz);
  doc.head.append(stateScript, meta);
  const slots = views.map((id) => {
    const view = script(VIEW, { model_id: id, version_major: 2, version_minor: 1 });
    view.setAttribute("type", VIEW);
    const slot = doc.createElement("div");
    slot.append(view);
    doc.body.append(slot);
    return [id, slot];
  });
  await createHost({ document: doc, importModule: asModule }).ready;
  const drawn = {};
  for (const [id, slot] of slots) {
    const el = slot.querySelector("div.sb-host");
    if (!el || id in drawn) continue;
    for (const node of el.descendants()) if (CONTROLS.has(node.tagName)) node.setAttribute("disabled", "");
    el.classList.add("sb-static"); // host.js replaces it with the live view
    drawn[id] = el.outerHTML;
  }
  return drawn;
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { quiz, pages } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const quizUrl = `data:text/javascript;base64,${Buffer.from(quiz).toString("base64")}`;
const pictures = {};
for (const page of pages) Object.assign(pictures, await draw(page, quizUrl));
if (errors.length) {
  process.stderr.write(`widget pictures: ${errors.join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(pictures));
