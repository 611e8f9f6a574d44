// Small DOM helpers shared by the widgets: labelled sliders, number formatting, SVG bars.
// Colours come from CSS variables with fallbacks, so the widgets read in light and dark pages.

const SVG_NS = "http://www.w3.org/2000/svg";

export function h(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:")
    ? document.createElementNS(SVG_NS, tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

export function fmt(x, digits = 6) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (!(a >= 1e-4 && a < 1e6)) return x.toExponential(digits - 1);
  const s = x.toPrecision(digits);
  // only a fraction's trailing zeros go: 100 must not read "1"
  return s.includes(".") && !s.includes("e") ? s.replace(/\.?0+$/, "") : s;
}

// Element ids must be unique in the page, and each widget's front-end is a module of its own
// (two different widgets on one page each count from 1): a random prefix per module.
const ID_PREFIX = `sb-${Math.random().toString(36).slice(2, 8)}`;
let idCount = 0;

export function newId(kind) {
  return `${ID_PREFIX}-${kind}-${++idCount}`;
}

// JupyterLab binds the arrow keys to notebook commands and checks the focused element first:
// this attribute on the control itself keeps the keys for the control.
export const KEEP_KEYS = { "data-lm-suppress-shortcuts": "true" };

// A range input with a visible <label>, an aria-label, and an <output> showing its value.
// Arrow keys, Page Up/Down and Home/End move it (native range behaviour). `show` turns the
// input's value into the value it stands for (the temperature slider holds log10 T and shows
// T); screen readers announce that too (aria-valuetext), not the raw position.
export function slider(parent, { label, min, max, step, value, onInput, show = fmt }) {
  const id = newId("slider");
  const input = h("input", { type: "range", id, min, max, step, "aria-label": label, ...KEEP_KEYS });
  // The <output> is for the eye: screen readers hear the slider's own aria-valuetext, and an
  // <output> is a live region, so it would announce the same value a second time.
  const out = h("output", { for: id, class: "sb-value", "aria-hidden": "true" });
  const shown = () => {
    const text = show(Number(input.value));
    out.textContent = text;
    input.setAttribute("aria-valuetext", text);
  };
  input.value = value;
  shown();
  input.addEventListener("input", () => {
    shown();
    onInput(Number(input.value));
  });
  parent.append(h("div", { class: "sb-row" }, h("label", { for: id, text: label }), input, out));
  return {
    input,
    set(v) {
      input.value = v;
      shown();
    },
  };
}

// Horizontal bars for values in [0, 1] (or signed in [-1, 1]) with the number beside each.
// The picture is one image to a screen reader, named with every value it draws.
export function bars(parent, names, { signed = false, title }) {
  const width = 320, rowH = 22, labelW = 56, numW = 90;
  const barW = width - labelW - numW;
  const svg = h("svg:svg", { viewBox: `0 0 ${width} ${rowH * names.length}`, width, role: "img",
                             "aria-label": title, class: "sb-bars" });
  const zero = labelW + (signed ? barW / 2 : 0);
  const rows = names.map((name, k) => {
    const y = k * rowH;
    const rect = h("svg:rect", { x: zero, y: y + 4, height: rowH - 8, width: 0, class: "sb-bar" });
    const num = h("svg:text", { x: width - 4, y: y + rowH / 2 + 4, "text-anchor": "end", class: "sb-num" });
    svg.append(h("svg:text", { x: 0, y: y + rowH / 2 + 4, text: name, class: "sb-name" }), rect, num);
    return { rect, num };
  });
  if (signed) svg.append(h("svg:line", { x1: zero, x2: zero, y1: 0, y2: rowH * names.length, class: "sb-axis" }));
  parent.append(svg);
  return (values) => {
    values.forEach((v, k) => {
      const len = Math.min(Math.abs(v), 1) * (signed ? barW / 2 : barW);
      rows[k].rect.setAttribute("x", v < 0 ? zero - len : zero);
      rows[k].rect.setAttribute("width", Number.isFinite(len) ? len : 0);
      rows[k].rect.setAttribute("class", v < 0 ? "sb-bar sb-neg" : "sb-bar");
      rows[k].num.textContent = fmt(v);
    });
    svg.setAttribute("aria-label", `${title}: ${names.map((n, k) => `${n} ${fmt(values[k])}`).join(", ")}`);
  };
}

// A line of text that repeats the numbers a widget draws; screen readers announce its changes.
export function readout(parent, extraClass = "") {
  const node = h("div", { class: `sb-readout ${extraClass}`.trim(), "aria-live": "polite" });
  parent.append(node);
  return node;
}

// Set traits from the front-end and send them to Python (a no-op with no kernel).
export function put(model, values) {
  for (const [name, value] of Object.entries(values)) model.set(name, value);
  model.save_changes();
}

// One labelled slider per logit, each writing its own entry of the `logits` trait.
export function logitSliders(parent, model, names) {
  return names.map((name, i) => slider(parent, {
    label: `logit ${name}`, min: -10, max: 10, step: 0.1, value: model.get("logits")[i],
    onInput(v) {
      const z = [...model.get("logits")];
      z[i] = v;
      put(model, { logits: z });
    },
  }));
}

// Run `update` now and whenever one of `traits` changes; return anywidget's cleanup.
export function redrawOn(model, traits, update) {
  traits.forEach((name) => model.on(`change:${name}`, update));
  update();
  return () => traits.forEach((name) => model.off(`change:${name}`, update));
}

// What a widget driven by `logits` redraws with: whenever one of `traits` changes (and once
// now), every slider is set from the logits z, then `draw(z)` draws the rest; nothing while
// the sliders are stale (their count no longer matches, see logitWidget).
export function redrawFromLogits(model, { sliders, stale }, traits, draw) {
  return redrawOn(model, traits, () => {
    if (stale()) return;
    const z = model.get("logits");
    z.forEach((x, i) => sliders[i].set(x));
    draw(z);
  });
}

export function widgetRoot(el, title) {
  el.classList.add("sb-widget");
  const root = h("div", { role: "group", "aria-label": title });
  root.append(h("div", { class: "sb-title", text: title }));
  el.append(root);
  return root;
}

export function classNames(model, k) {
  const names = model.get("class_names") || [];
  return Array.from({ length: k }, (_, i) => names[i] || String.fromCharCode(65 + i));
}

// What every widget driven by `logits` starts with: its titled root, the class names, and a
// controls box holding one slider per logit (the widget adds its own controls after them).
// `stale()` says the logits no longer match the sliders (their count changed): the widget's
// update then does nothing, and `rebuildOnClassCount` draws the widget afresh.
export function logitWidget(el, model, title) {
  const root = widgetRoot(el, title);
  const names = classNames(model, model.get("logits").length);
  const controls = h("div", { class: "sb-controls" });
  root.append(controls);
  const sliders = logitSliders(controls, model, names);
  const stale = () => model.get("logits").length !== names.length;
  return { root, names, controls, sliders, stale };
}

// A render for a widget driven by `logits` that starts over when the number of classes
// changes (from Python: `widget.logits = [1, 2]` after three logits), so every control,
// bar and cell matches the new K.
export function rebuildOnClassCount(render) {
  return ({ model, el }) => {
    let k = model.get("logits").length;
    let cleanup = render({ model, el });
    const onLogits = () => {
      if (model.get("logits").length === k) return;
      k = model.get("logits").length;
      if (typeof cleanup === "function") cleanup();
      el.replaceChildren();
      cleanup = render({ model, el });
    };
    model.on("change:logits", onLogits);
    return () => {
      model.off("change:logits", onLogits);
      if (typeof cleanup === "function") cleanup();
    };
  };
}
