// host.js, the widgets' host on the static site, against the anywidget front-end contract:
// in Node, on a fake document (tools/dom.mjs), with front-end modules given by the test.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createHost, host, makeModel, STATE, VIEW } from "../../src/softmaxbook/widgets/host.js";
import { makeDocument } from "../../tools/dom.mjs";

// A page as ipywidgets.embed writes it: the state of `models` (id -> traits; an _esm names a
// module of `modules`), then one view script per id of `views`, each in its own <section>.
function page(models, views, { readyState, module = "anywidget" } = {}) {
  const doc = makeDocument({ readyState });
  const script = (type, data) => {
    const s = doc.createElement("script");
    s.setAttribute("type", type);
    s.textContent = JSON.stringify(data);
    return s;
  };
  const state = Object.fromEntries(Object.entries(models).map(([id, traits]) =>
    [id, { model_module: module, model_name: "AnyModel", model_module_version: "~0.11.*", state: traits }]));
  doc.head.append(script(STATE, { version_major: 2, version_minor: 0, state }));
  const scripts = views.map((id) => {
    const s = script(VIEW, { version_major: 2, version_minor: 0, model_id: id });
    const section = doc.createElement("section");
    section.append(s);
    doc.body.append(section);
    return s;
  });
  return { doc, scripts };
}

// A host for `doc` whose front-end modules are the objects in `modules` (keyed by _esm).
function hostFor(doc, modules) {
  return createHost({ document: doc, importModule: async (esm) => {
    if (!(esm in modules)) throw new Error(`no module ${esm}`);
    return modules[esm];
  } });
}

const views = (doc) => doc.querySelectorAll("div.sb-host");

test("importing host.js in Node starts nothing: it exports a host only on a page", () => {
  assert.equal(host, undefined);
  assert.equal(globalThis.softmaxbookWidgets, undefined);
});

test("render gets the model and an element in place of the view; get, set, on, off, save_changes", async () => {
  const seen = [];
  const modules = {
    probe: { default: {
      render({ model, el }) {
        const log = (m, v) => seen.push(["change:x", v, m === undefined]);
        model.on("change:x", log);
        model.on("change", () => seen.push(["change"]));
        el.textContent = `x=${model.get("x")} name=${model.get("name")}`;
        model.set("x", 1);
        model.set("x", 1); // the same value: no event
        model.set("x", 2);
        model.save_changes(); // no kernel: nothing to send, and no error
        model.off("change:x", log);
        model.set("x", 3);
      },
    } },
  };
  const { doc, scripts } = page({ a: { _esm: "probe", x: 0, name: "probe" } }, ["a"]);
  const h = hostFor(doc, modules);
  await h.ready;
  const [el] = views(doc);
  assert.equal(el.textContent, "x=0 name=probe");
  assert.equal(scripts[0].parentNode.childNodes.indexOf(el), 0, "the view goes just before its script");
  assert.deepEqual(seen, [["change:x", 1, false], ["change"], ["change:x", 2, false], ["change"], ["change"]]);
  const model = await h.model("a");
  assert.equal(model.get("x"), 3);
});

test("a model is shared by its views, initialize runs once for it, and mount() mounts only new views", async () => {
  let inits = 0, renders = 0;
  const modules = { m: { default: {
    initialize({ model }) { inits += 1; model.set("n", model.get("n") + 1); },
    render({ model, el }) { renders += 1; el.textContent = String(model.get("n")); },
  } } };
  const { doc } = page({ a: { _esm: "m", n: 0 }, b: { _esm: "m", n: 10 } }, ["a", "a", "b"]);
  const h = hostFor(doc, modules);
  await h.ready;
  assert.deepEqual(views(doc).map((e) => e.textContent), ["1", "1", "11"]);
  assert.deepEqual([inits, renders], [2, 3]);
  await h.mount();
  assert.equal(views(doc).length, 3);
  assert.equal(renders, 3);
});

test("unmount removes the listeners its render added, with no cleanup returned (model.off(null, null, view))", async () => {
  const calls = [];
  const { doc } = page({ a: { _esm: "m", x: 0 } }, ["a", "a"]);
  const h = hostFor(doc, { m: { default: {
    render({ model, el }) {
      const name = el === views(doc)[0] ? "first" : "second";
      model.on("change:x", () => calls.push(name)); // and no cleanup returned
    },
  } } });
  await h.ready;
  const model = await h.model("a");
  model.set("x", 1);
  assert.deepEqual(calls, ["first", "second"]);
  const [first, second] = views(doc);
  h.unmount(first);
  assert.equal(first.parentNode, null, "the element is removed");
  model.set("x", 2);
  assert.deepEqual(calls, ["first", "second", "second"], "only the mounted view still listens");
  assert.ok(second.parentNode);
});

test("render's cleanup runs at unmount, and the view can be mounted again", async () => {
  let cleanups = 0;
  const modules = { m: { default: {
    render({ model, el }) {
      el.textContent = "drawn";
      return () => { cleanups += 1; };
    },
  } } };
  const { doc } = page({ a: { _esm: "m" } }, ["a", "a"]);
  const h = hostFor(doc, modules);
  await h.ready;
  const [first] = views(doc);
  h.unmount(first);
  assert.equal(cleanups, 1);
  assert.equal(views(doc).length, 1);
  await h.mount(); // its script is forgotten at unmount, so it is shown again
  assert.equal(views(doc).length, 2);
  h.unmount(first); // a second unmount of the same element does nothing more
  assert.equal(cleanups, 1);
});

test("initialize's cleanup runs when the model's last view is unmounted, with the listeners it added", async () => {
  const log = [];
  const modules = { m: { default: {
    initialize({ model, signal }) {
      log.push("init");
      model.on("change:x", () => log.push(`init saw x=${model.get("x")}`));
      signal.addEventListener("abort", () => log.push("init signal aborted"));
      return () => log.push("init cleanup");
    },
    render({ model, signal }) {
      signal.addEventListener("abort", () => log.push("render signal aborted"));
      return () => log.push("render cleanup");
    },
  } } };
  const { doc } = page({ a: { _esm: "m", x: 0 } }, ["a", "a"]);
  const h = hostFor(doc, modules);
  await h.ready;
  const model = await h.model("a");
  model.set("x", 1);
  const [first, second] = views(doc);
  h.unmount(first);
  assert.deepEqual(log, ["init", "init saw x=1", "render signal aborted", "render cleanup"]);
  h.unmount(second);
  assert.deepEqual(log.slice(4), ["render signal aborted", "render cleanup", "init signal aborted", "init cleanup"]);
  model.set("x", 2);
  assert.equal(log.length, 8, "initialize's listener is gone");
  assert.equal(h.model("a"), undefined, "the model is closed");
  await h.mount(); // a fresh model from the stored state, initialized again
  assert.equal((await h.model("a")).get("x"), 0);
  assert.equal(log.filter((x) => x === "init").length, 2);
});

test("a module without render: initialize runs, the view stays empty, nothing fails", async () => {
  let inits = 0, cleanups = 0;
  const modules = { m: { default: { initialize() { inits += 1; return () => { cleanups += 1; }; } } } };
  const { doc } = page({ a: { _esm: "m" } }, ["a"]);
  const h = hostFor(doc, modules);
  await h.ready;
  const [el] = views(doc);
  assert.equal(inits, 1);
  assert.equal(el.textContent, "");
  h.unmount(el);
  assert.equal(cleanups, 1);
});

test("the widget may be a default function's result, or a named render (anywidget's older form)", async () => {
  const modules = {
    factory: { default: async () => ({ render({ el }) { el.textContent = "from a factory"; } }) },
    named: { render({ el }) { el.textContent = "from a named render"; } },
  };
  const { doc } = page({ a: { _esm: "factory" }, b: { _esm: "named" } }, ["a", "b"]);
  await hostFor(doc, modules).ready;
  assert.deepEqual(views(doc).map((e) => e.textContent), ["from a factory", "from a named render"]);
});

test("_css as text becomes one <style>; as a URL, one <link rel=stylesheet>", async () => {
  const modules = { m: { default: { render() {} } } };
  const css = ".probe { outline: 1px solid; }";
  const url = "https://example.org/widget.css";
  const { doc } = page({ a: { _esm: "m", _css: css }, b: { _esm: "m", _css: css }, c: { _esm: "m", _css: url },
                         d: { _esm: "m", _css: "" } }, ["a", "b", "c", "d"]);
  await hostFor(doc, modules).ready;
  const styles = doc.head.querySelectorAll("style");
  assert.deepEqual(styles.map((s) => s.textContent), [css], "the same CSS text is added once");
  const links = doc.head.querySelectorAll("link");
  assert.equal(links.length, 1);
  assert.deepEqual([links[0].rel, links[0].href], ["stylesheet", url]);
  assert.equal(links[0].textContent, "");
});

test("_esm text is imported as a module once, however many models use it", async () => {
  const imported = [];
  const source = 'export default { render({ model, el }) { el.textContent = model.get("t"); } };';
  const { doc } = page({ a: { _esm: source, t: "A" }, b: { _esm: source, t: "B" } }, ["a", "b"]);
  const h = createHost({ document: doc, importModule: (esm) => {
    imported.push(esm);
    return import(`data:text/javascript,${encodeURIComponent(esm)}`);
  } });
  await h.ready;
  assert.deepEqual(views(doc).map((e) => e.textContent), ["A", "B"]);
  assert.deepEqual(imported, [source]);
});

test("a front-end that fails shows a message, and the other views still render", async () => {
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args.join(" "));
  try {
    const modules = { bad: { default: { render() { throw new Error("boom"); } } }, good: { default: { render({ el }) { el.textContent = "ok"; } } } };
    const { doc } = page({ a: { _esm: "bad" }, b: { _esm: "good" }, c: { _esm: "missing" } }, ["a", "b", "c"]);
    await hostFor(doc, modules).ready;
    const [a, b, c] = views(doc);
    assert.match(a.textContent, /could not be shown/);
    assert.equal(b.textContent, "ok");
    assert.match(c.textContent, /could not be shown/);
    assert.deepEqual(errors.sort(), ["widget a: Error: boom", "widget c: Error: no module missing"]);
  } finally {
    console.error = original;
  }
});

test("a still picture before a view (the site's, .sb-static) goes once the view has drawn; it stays if it fails", async () => {
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args.join(" "));
  try {
    let seenAtRender;
    const modules = {
      good: { default: { async render({ el }) {
        seenAtRender = doc.querySelectorAll("div.sb-static").length;
        el.textContent = "live";
      } } },
      bad: { default: { render() { throw new Error("boom"); } } },
    };
    const { doc, scripts } = page({ a: { _esm: "good" }, b: { _esm: "bad" } }, ["a", "b"]);
    for (const s of scripts) {
      const picture = doc.createElement("div");
      picture.className = "sb-host sb-widget sb-static";
      s.before(picture);
    }
    await hostFor(doc, modules).ready;
    assert.equal(seenAtRender, 2, "the picture is there while the view renders");
    const [a, b] = scripts.map((s) => s.parentNode.children.map((e) => e.className));
    assert.deepEqual(a, ["sb-host", ""], "the live view, then its script");
    assert.deepEqual(b, ["sb-host sb-widget sb-static", "sb-host", ""], "the picture stays above the message");
    assert.equal(errors.length, 1);
  } finally {
    console.error = original;
  }
});

test("views of other widgets are left to their own manager", async () => {
  const { doc } = page({ a: { _esm: "m" } }, ["a"], { module: "@jupyter-widgets/controls" });
  await hostFor(doc, { m: { default: { render() { throw new Error("not ours"); } } } }).ready;
  assert.equal(views(doc).length, 0);
});

test("a page still being parsed is mounted when it has been", async () => {
  const { doc } = page({ a: { _esm: "m" } }, ["a"], { readyState: "loading" });
  const h = hostFor(doc, { m: { default: { render({ el }) { el.textContent = "late"; } } } });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(views(doc).length, 0);
  doc.dispatchEvent({ type: "DOMContentLoaded" });
  await h.ready;
  assert.equal(views(doc)[0].textContent, "late");
});

test("a view unmounted while it renders is undone once render returns", async () => {
  let release, cleanups = 0;
  const gate = new Promise((resolve) => { release = resolve; });
  const modules = { m: { default: { async render({ model }) {
    model.on("change:x", () => assert.fail("a listener of an unmounted view ran"));
    await gate;
    return () => { cleanups += 1; };
  } } } };
  const { doc } = page({ a: { _esm: "m", x: 0 } }, ["a"]);
  const h = hostFor(doc, modules);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const model = await h.model("a");
  h.unmount(views(doc)[0]);
  release();
  await h.ready;
  assert.equal(cleanups, 1);
  model.set("x", 1);
});

test("the model's off() removes what matches all it is given, as Backbone's does", () => {
  const calls = [];
  const m = makeModel({ x: 0 });
  const cb = (name) => () => calls.push(name);
  const [a, b, c] = [cb("a"), cb("b"), cb("c")];
  const view1 = {}, view2 = {};
  m.on("change:x", a, view1);
  m.on("change:x", b, view2);
  m.on("change", c, view1);
  m.off(null, null, view1);
  m.set("x", 1);
  assert.deepEqual(calls, ["b"]);
  m.on("change:x", a, view1);
  m.off("change:x", b);
  m.set("x", 2);
  assert.deepEqual(calls, ["b", "a"]);
  m.off();
  m.set("x", 3);
  assert.deepEqual(calls, ["b", "a"]);
});
