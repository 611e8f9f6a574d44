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
// Arrow keys, Page Up/Down and Home/End move it (native range behaviour). `label` is text, or
// an array of text and nodes (a subscript); the aria-label is its text. `scale` turns the
// input's position into the value it stands for (the temperature slider holds log10 T):
// screen readers then hear that value, as text (aria-valuetext, shown by `show`) and as a
// number (aria-valuenow in aria-valuemin..aria-valuemax, which Chromium would otherwise read
// from the position), never the raw position.
export function slider(parent, { label, min, max, step, value, onInput, scale, show = (v) => fmt(scale ? scale(v) : v) }) {
  const id = newId("slider");
  const shownLabel = h("label", { for: id }, ...[label].flat());
  const input = h("input", { type: "range", id, min, max, step, "aria-label": shownLabel.textContent, ...KEEP_KEYS });
  if (scale) {
    input.setAttribute("aria-valuemin", scale(min));
    input.setAttribute("aria-valuemax", scale(max));
  }
  // The <output> is for the eye: screen readers hear the slider's own aria-valuetext, and an
  // <output> is a live region, so it would announce the same value a second time.
  const out = h("output", { for: id, class: "sb-value", "aria-hidden": "true" });
  const shown = () => {
    const text = show(Number(input.value));
    out.textContent = text;
    input.setAttribute("aria-valuetext", text);
    if (scale) input.setAttribute("aria-valuenow", Number(scale(Number(input.value)).toPrecision(6)));
  };
  input.value = value;
  shown();
  input.addEventListener("input", () => {
    shown();
    onInput(Number(input.value));
  });
  parent.append(h("div", { class: "sb-row" }, shownLabel, input, out));
  return {
    input,
    set(v) {
      input.value = v;
      shown();
    },
  };
}

// A symbol with a subscript, as HTML (`sub("ŷ", "c")`: ŷ<sub>c</sub>) or, with `svg`, as SVG
// text parts; as text it reads "ŷc".
export function sub(base, index, { svg = false } = {}) {
  return svg ? [base, h("svg:tspan", { class: "sb-sub", "baseline-shift": "sub", text: index })]
    : [base, h("sub", { text: index })];
}

// Horizontal bars for values in [0, 1] (or signed in [-1, 1]) with the number beside each:
// HTML in rows of name, bar and number, so the text follows the reader's font size and the
// bar takes the width left. The picture is one image to a screen reader, named with every
// value it draws.
export function bars(parent, names, { signed = false, title }) {
  const box = h("div", { role: "img", "aria-label": title, class: signed ? "sb-bars sb-signed" : "sb-bars" });
  const rows = names.map((name) => {
    const bar = h("span", { class: "sb-bar" });
    const num = h("span", { class: "sb-num" });
    box.append(h("span", { class: "sb-name", text: name }), h("span", { class: "sb-track" }, bar), num);
    return { bar, num };
  });
  parent.append(box);
  return (values) => {
    values.forEach((v, k) => {
      const len = Number.isFinite(v) ? Math.min(Math.abs(v), 1) * (signed ? 50 : 100) : 0;  // % of the track
      const zero = signed ? 50 : 0;
      rows[k].bar.style.left = `${v < 0 ? zero - len : zero}%`;
      rows[k].bar.style.width = `${len}%`;
      rows[k].bar.className = v < 0 ? "sb-bar sb-neg" : "sb-bar";
      rows[k].num.textContent = fmt(v);
    });
    box.setAttribute("aria-label", `${title}: ${names.map((n, k) => `${n} ${fmt(values[k])}`).join(", ")}`);
  };
}

// A line of text that repeats the numbers a widget draws, for the eye and for reading; it is
// not a live region (a key press would have it read every number again): see `announcer`.
export function readout(parent, extraClass = "") {
  const node = h("div", { class: `sb-readout ${extraClass}`.trim() });
  parent.append(node);
  return node;
}

// What a screen reader hears after a change, besides the moved control's own new value: one
// short line that the widget composes from what changed (a visually hidden live region).
// The same line twice is said once.
export function announcer(parent) {
  const node = h("div", { class: "sb-announce", "aria-live": "polite" });
  parent.append(node);
  return (text) => {
    if (node.textContent !== text) node.textContent = text;
  };
}

// A box that scrolls sideways on a narrow screen: a Tab stop (keyboard users scroll it with
// the arrow keys), and its data-more says on which sides more is hidden ("left", "right"),
// which widgets.css shows as a fade at that edge.
export function scrollBox(label, ...children) {
  const box = h("div", { class: "sb-scroll", tabindex: 0, role: "region", "aria-label": label }, ...children);
  const mark = () => {
    const more = [];
    if (box.scrollLeft > 1) more.push("left");
    if (box.scrollLeft + box.clientWidth < box.scrollWidth - 1) more.push("right");
    if (box.getAttribute("data-more") !== more.join(" ")) box.setAttribute("data-more", more.join(" "));
  };
  box.addEventListener("scroll", mark, { passive: true });
  if (typeof ResizeObserver === "function") new ResizeObserver(mark).observe(box);
  return box;
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
