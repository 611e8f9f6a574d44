// Each question's `_esm`, stored once per question in a page: kept small. It loads the shared
// code (quiz.js) and mathjs from the site's files, a standalone page or the kernel (quiz.py).

const KERNEL_WAIT = 20000; // ms

function importText(text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  return import(url).finally(() => URL.revokeObjectURL(url));
}

function fromKernel(model, name) {
  return new Promise((resolve, reject) => {
    const finish = (settle, value) => {
      clearTimeout(timer);
      model.off("msg:custom", reply);
      settle(value);
    };
    const reply = (msg) => {
      if (msg?.asset !== name) return;
      if (msg.text) finish(resolve, msg.text);
      else finish(reject, new Error(msg.error));
    };
    const timer = setTimeout(() => finish(reject, new Error("no kernel answered: run the notebook's cells")), KERNEL_WAIT);
    model.on("msg:custom", reply);
    model.send({ request: name });
  });
}

async function find(name, model) {
  const meta = document.querySelector(`meta[name="softmaxbook-${name}"]`);
  if (meta) return import(new URL(meta.getAttribute("content"), document.baseURI || undefined).href);
  const inline = document.querySelector(`script[type="application/vnd.softmaxbook.${name}+json"]`);
  return importText(inline ? JSON.parse(inline.textContent) : await fromKernel(model, name));
}

// The module NAME ("quiz" or "mathjs"), loaded once per page; a failed load is tried again.
function load(name, model) {
  const cache = (globalThis.softmaxbookAssets ??= {});
  cache[name] ??= find(name, model).catch((err) => {
    delete cache[name];
    throw err;
  });
  return cache[name];
}

export default {
  async render({ model, el }) {
    try {
      const quiz = await load("quiz", model);
      return await quiz.default.render({ model, el, load: (name) => load(name, model) });
    } catch (err) {
      el.classList.add("sb-widget", "sb-quiz");
      const title = Object.assign(document.createElement("div"), { className: "sb-title", textContent: "Self-check" });
      const prompt = Object.assign(document.createElement("p"), { textContent: model.get("question").prompt });
      const why = Object.assign(document.createElement("p"), { textContent: `This question cannot be checked here: ${err.message}.` });
      el.append(title, prompt, why);
      console.error("self-check question:", err);
    }
  },
};
