// A small host for anywidget front-ends on a static page: no kernel, no widget manager, no
// AMD loader. It reads what ipywidgets.embed writes into a page: the widget state (a script
// of type STATE below) and, where each widget goes, a view (a script of type VIEW). It mounts
// every anywidget view in place through the anywidget front-end module contract:
// render({ model, el }), with model.get / set / on / off / save_changes. Views of other
// widgets are left to their own manager. Plain browser JavaScript with no build step:
// standalone_html inlines it into a page.
(() => {
  const STATE = "application/vnd.jupyter.widget-state+json";
  const VIEW = "application/vnd.jupyter.widget-view+json";

  // A model as a front-end sees it. As in Backbone (which anywidget's models are), set()
  // calls the "change:<name>" listeners at once, and only if the value changed. Trait values
  // are JSON (binary buffers are not supported), so JSON text compares them.
  function makeModel(state) {
    const traits = { ...state };
    const listeners = new Map(); // event name -> Set of callbacks
    const emit = (event, ...args) => [...(listeners.get(event) || [])].forEach((cb) => cb(...args));
    const model = {
      get: (name) => traits[name],
      set(name, value) {
        if (JSON.stringify(traits[name]) === JSON.stringify(value)) return;
        traits[name] = value;
        emit(`change:${name}`, model, value);
        emit("change", model);
      },
      on(event, cb) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event).add(cb);
      },
      off(event, cb) {
        if (!event) listeners.clear();
        else if (!cb) listeners.delete(event);
        else listeners.get(event)?.delete(cb);
      },
      save_changes() {}, // no kernel to send the changes to
      send() {},
    };
    return model;
  }

  // Each distinct front-end source is imported once, as an ES module from a blob: URL (an
  // _esm that is a URL is imported from there, as anywidget does).
  const modules = new Map();
  function load(esm) {
    if (!modules.has(esm)) {
      if (/^https?:\/\//.test(esm)) modules.set(esm, import(esm));
      else {
        const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
        modules.set(esm, import(url).finally(() => URL.revokeObjectURL(url)));
      }
    }
    return modules.get(esm);
  }

  const styles = new Set();
  function addStyle(css) {
    if (!css || styles.has(css)) return;
    styles.add(css);
    document.head.append(Object.assign(document.createElement("style"), { textContent: css }));
  }

  // One model per model id, shared by all its views; the widget's initialize() runs once.
  const instances = new Map(); // model id -> Promise of { model, widget }
  function instance(id, { state }) {
    if (!instances.has(id)) {
      instances.set(id, (async () => {
        const model = makeModel(state);
        addStyle(state._css);
        const mod = await load(state._esm);
        let widget = mod.default ?? mod; // { initialize?, render }, or a function making it
        if (typeof widget === "function") widget = await widget();
        await widget.initialize?.({ model });
        return { model, widget };
      })());
    }
    return instances.get(id);
  }

  const seen = new WeakSet(); // view scripts mounted (or left to another manager)
  const scripts = new WeakMap(); // mounted element -> its view script, forgotten on unmount
  const cleanups = new Map(); // mounted element -> what its render() returned to undo it

  async function mountView(script, state) {
    seen.add(script);
    const { model_id: id } = JSON.parse(script.textContent);
    if (state[id]?.model_module !== "anywidget") return;
    const el = document.createElement("div");
    el.className = "sb-host";
    script.before(el);
    scripts.set(el, script);
    try {
      const { model, widget } = await instance(id, state[id]);
      cleanups.set(el, await widget.render({ model, el }));
    } catch (err) {
      el.textContent = "This widget could not be shown (the browser's console says why).";
      console.error(`widget ${id}:`, err);
    }
  }

  // Mount every view under `root` not mounted yet; resolves once all have rendered.
  function mount(root = document) {
    const state = {};
    for (const s of document.querySelectorAll(`script[type="${STATE}"]`)) Object.assign(state, JSON.parse(s.textContent).state);
    const views = [...root.querySelectorAll(`script[type="${VIEW}"]`)].filter((s) => !seen.has(s));
    return Promise.all(views.map((s) => mountView(s, state)));
  }

  // Undo a mounted view: its render's cleanup, then the element. Its script is forgotten, so
  // a later mount() shows the view again (on the same model: initialize() does not rerun).
  function unmount(el) {
    const cleanup = cleanups.get(el);
    if (typeof cleanup === "function") cleanup();
    cleanups.delete(el);
    if (scripts.has(el)) seen.delete(scripts.get(el));
    scripts.delete(el);
    el.remove();
  }

  // `ready` resolves once the page's widgets have rendered.
  const ready = document.readyState === "loading"
    ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", () => resolve(mount())))
    : mount();
  // model(id): a view's model, as its front-end sees it (tests set traits through it).
  const model = (id) => instances.get(id)?.then((i) => i.model);
  window.softmaxbookWidgets = { mount, unmount, ready, model };
})();
