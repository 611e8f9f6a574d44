// A small host for anywidget front-ends on a static page: no kernel, no widget manager, no
// AMD loader. It reads what ipywidgets.embed writes into a page: the widget state (a script
// of type STATE below) and, where each widget goes, a view (a script of type VIEW). It mounts
// every anywidget view in place through the anywidget front-end module contract, as
// anywidget 0.11 does: the module's default export (an object, or a function returning one)
// or a named `render`; `initialize({ model })` once per model, whose returned function is
// its cleanup; `render({ model, el })` once per view, whose returned function is the view's
// cleanup; each given a model with get / set / on / off / save_changes whose listeners
// belong to it, so removing a view removes the listeners its render added (anywidget calls
// `model.off(null, null, view)`). `_css` is CSS text, or the URL of a stylesheet; `_esm` is
// the module's source, or its URL. Views of other widgets are left to their own manager.
// An element of class `sb-static` just before a view (the site's still picture of it) is
// removed once the view has rendered.
//
// An ES module: the site loads it with <script type="module">, standalone_html inlines it in
// one, and Node's tests import createHost to run it on a fake document. On a page it mounts
// the page's views and exposes its API as window.softmaxbookWidgets.

export const STATE = "application/vnd.jupyter.widget-state+json";
export const VIEW = "application/vnd.jupyter.widget-view+json";
const isHref = (s) => s.startsWith("http://") || s.startsWith("https://");

// A model, as a Backbone model (which anywidget's are) behaves for a front-end: set() calls
// the "change:<name>" listeners, then the "change" ones, at once and only if the value
// changed; on(event, callback, context) and off(event?, callback?, context?), where off
// removes every listener matching what it is given (off() removes all). Trait values are
// JSON (binary buffers are not supported), so JSON text compares them.
export function makeModel(state) {
  const traits = { ...state };
  let listeners = []; // { event, callback, context }
  const emit = (event, ...args) => listeners.filter((l) => l.event === event).forEach((l) => l.callback(...args));
  const model = {
    get: (name) => traits[name],
    set(name, value) {
      if (JSON.stringify(traits[name]) === JSON.stringify(value)) return;
      traits[name] = value;
      emit(`change:${name}`, model, value);
      emit("change", model);
    },
    on(event, callback, context) {
      listeners.push({ event, callback, context });
    },
    off(event, callback, context) {
      listeners = listeners.filter((l) => (event != null && l.event !== event) ||
        (callback != null && l.callback !== callback) || (context != null && l.context !== context));
    },
    save_changes() {}, // no kernel to send the changes to
    send() {},
  };
  return model;
}

// What a front-end is given: the model, with every listener it adds owned by `context`.
function modelProxy(model, context) {
  return {
    get: model.get, set: model.set, save_changes: model.save_changes, send: model.send,
    on: (event, callback) => model.on(event, callback, context),
    off: (event, callback) => model.off(event, callback, context),
  };
}

// The module for an _esm: imported from its URL, or from a blob: URL holding its source.
function importEsm(esm) {
  if (isHref(esm)) return import(esm);
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  return import(url).finally(() => URL.revokeObjectURL(url));
}

// A host for the widget views in `document`. `importModule(esm)` imports a front-end (tests
// give their own: Node cannot import blob: URLs). It mounts the views at once (or when the
// document has been parsed); `ready` resolves when they have rendered.
export function createHost({ document = globalThis.document, importModule = importEsm } = {}) {
  const modules = new Map(); // _esm -> Promise of the widget { initialize?, render? }, each imported once
  const styles = new Set(); // _css already in the page
  const instances = new Map(); // model id -> Promise of { model, widget, views, close }
  const seen = new WeakSet(); // view scripts mounted (or left to another manager)
  const mounted = new Map(); // mounted element -> { id, script, unmount }

  function load(esm) {
    if (!modules.has(esm)) {
      modules.set(esm, (async () => {
        const mod = await importModule(esm);
        if (mod.render) return { render: mod.render };
        const widget = typeof mod.default === "function" ? await mod.default() : mod.default;
        if (!widget) throw new Error("the widget module has no default export and no render");
        return widget;
      })());
    }
    return modules.get(esm);
  }

  function addStyle(css) {
    if (!css || styles.has(css)) return;
    styles.add(css);
    document.head.append(isHref(css)
      ? Object.assign(document.createElement("link"), { rel: "stylesheet", href: css })
      : Object.assign(document.createElement("style"), { textContent: css }));
  }

  // One model per model id, shared by its views; the widget's initialize() runs once for it.
  // When its last view is unmounted it is closed, as a kernel's widget.close() would: the
  // cleanup initialize returned runs and every listener goes; a later mount starts again from
  // the state stored in the page.
  function instance(id, { state }) {
    if (!instances.has(id)) {
      instances.set(id, (async () => {
        const model = makeModel(state);
        addStyle(state._css);
        const widget = await load(state._esm);
        const init = Symbol("initialize");
        const controller = new AbortController();
        const cleanup = await widget.initialize?.({ model: modelProxy(model, init), signal: controller.signal });
        const close = () => {
          instances.delete(id);
          controller.abort();
          model.off(null, null, init);
          if (typeof cleanup === "function") cleanup();
          model.off();
        };
        return { model, widget, views: new Set(), close };
      })());
    }
    return instances.get(id);
  }

  async function mountView(script, state) {
    seen.add(script);
    const { model_id: id } = JSON.parse(script.textContent);
    if (state[id]?.model_module !== "anywidget") return;
    // A still picture drawn at build time (tools/widget_pictures.py) stays until the live view
    // has drawn, and goes in the same task: the two are the same size, so nothing moves.
    const picture = script.previousElementSibling?.classList.contains("sb-static") ? script.previousElementSibling : null;
    const el = document.createElement("div");
    el.className = "sb-host";
    script.before(el);
    const view = { id, script, unmount: () => {} };
    mounted.set(el, view);
    try {
      const inst = await instance(id, state[id]);
      inst.views.add(el);
      const controller = new AbortController();
      let cleanup;
      const undo = () => {
        controller.abort();
        inst.model.off(null, null, view); // the listeners this view's render added
        if (typeof cleanup === "function") cleanup();
        inst.views.delete(el);
        if (inst.views.size === 0) inst.close();
      };
      try {
        cleanup = await inst.widget.render?.({ model: modelProxy(inst.model, view), el, signal: controller.signal });
        picture?.remove();
      } finally {
        if (mounted.has(el)) view.unmount = undo;
        else undo(); // unmounted while it rendered
      }
    } catch (err) {
      el.textContent = "This widget could not be shown (the browser's console says why).";
      console.error(`widget ${id}:`, err);
    }
  }

  // Mount every view under `root` not mounted yet; resolves once all have rendered.
  function mount(root = document) {
    const state = {};
    for (const s of document.querySelectorAll(`script[type="${STATE}"]`)) Object.assign(state, JSON.parse(s.textContent).state);
    const scripts = [...root.querySelectorAll(`script[type="${VIEW}"]`)].filter((s) => !seen.has(s));
    return Promise.all(scripts.map((s) => mountView(s, state)));
  }

  // Undo a mounted view: its listeners, its render's cleanup, then the element (and, with
  // its model's last view, the model: see instance()). Its script is forgotten, so a later
  // mount() shows the view again.
  function unmount(el) {
    const view = mounted.get(el);
    if (view) {
      mounted.delete(el);
      seen.delete(view.script);
      view.unmount();
    }
    el.remove();
  }

  // model(id): a mounted view's model, as its front-end sees it (tests set traits through it).
  const model = (id) => instances.get(id)?.then((i) => i.model);
  const ready = document.readyState === "loading"
    ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", () => resolve(mount()), { once: true }))
    : mount();
  return { mount, unmount, ready, model };
}

// On a page: one host for its document (loaded twice, the first one keeps the page).
export const host = typeof document === "undefined" ? undefined
  : (globalThis.softmaxbookWidgets ??= createHost());
