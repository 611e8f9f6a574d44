// Just enough of a DOM for the widgets and host.js to run in Node (which has none): elements
// with attributes, children, text, classes, styles, values and events, and a document with
// a head and a body. querySelectorAll reads simple selectors only: a tag, .classes and
// [attr] or [attr="value"], as in `script[type="..."]`. Nothing is laid out or drawn.
// Node's tests (tests/js/) draw the widgets on it, and the site's build writes what a widget
// drew as HTML (`outerHTML`: tools/widget_pictures.mjs).

class Node {
  parentNode = null;

  remove() {
    if (this.parentNode) this.parentNode.childNodes.splice(this.parentNode.childNodes.indexOf(this), 1);
    this.parentNode = null;
  }

  before(...nodes) {
    const parent = this.parentNode;
    for (const node of nodes.map(toNode)) {
      node.remove();
      parent.childNodes.splice(parent.childNodes.indexOf(this), 0, node);
      node.parentNode = parent;
    }
  }
}

class Text extends Node {
  constructor(data) {
    super();
    this.data = String(data);
  }

  get textContent() {
    return this.data;
  }

  get outerHTML() {
    return escape(this.data);
  }
}

const VOID = new Set(["area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]);
const escape = (s) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\u00a0", "&nbsp;");

const toNode = (x) => (x instanceof Node ? x : new Text(x));

export class Element extends Node {
  childNodes = [];
  attributes = new Map();
  style = {};
  dataset = {};
  listeners = [];

  constructor(tagName, namespaceURI = null) {
    super();
    this.tagName = tagName;
    this.namespaceURI = namespaceURI;
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  hasAttribute(name) {
    return this.attributes.has(name);
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  get id() {
    return this.getAttribute("id") ?? "";
  }

  set id(v) {
    this.setAttribute("id", v);
  }

  get className() {
    return this.getAttribute("class") ?? "";
  }

  set className(v) {
    this.setAttribute("class", v);
  }

  get classList() {
    const names = () => this.className.split(/\s+/).filter(Boolean);
    return {
      add: (...c) => { this.className = [...new Set([...names(), ...c])].join(" "); },
      remove: (...c) => { this.className = names().filter((n) => !c.includes(n)).join(" "); },
      contains: (c) => names().includes(c),
    };
  }

  get children() {
    return this.childNodes.filter((n) => n instanceof Element);
  }

  get previousElementSibling() {
    const siblings = this.parentNode?.children ?? [];
    return siblings[siblings.indexOf(this) - 1] ?? null;
  }

  // The element as HTML. What was set through a property is written as the page shows it: an
  // input's `value` attribute, a select's option `selected`, `style.backgroundColor`.
  get outerHTML() {
    const attrs = new Map(this.attributes);
    if (this._value !== undefined && this.tagName === "input") attrs.set("value", this._value);
    const chosen = this.tagName === "option" && this.parentNode?._value === this.getAttribute("value");
    if (chosen) attrs.set("selected", "");
    const style = Object.entries(this.style).map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${v}`);
    if (style.length) attrs.set("style", style.join("; "));
    const open = [this.tagName, ...[...attrs].map(([k, v]) => `${k}="${escape(v).replaceAll('"', "&quot;")}"`)];
    if (VOID.has(this.tagName)) return `<${open.join(" ")}>`;
    return `<${open.join(" ")}>${this.childNodes.map((n) => n.outerHTML).join("")}</${this.tagName}>`;
  }

  append(...nodes) {
    for (const node of nodes.map(toNode)) {
      node.remove();
      this.childNodes.push(node);
      node.parentNode = this;
    }
  }

  replaceChildren(...nodes) {
    for (const node of [...this.childNodes]) node.remove();
    this.append(...nodes);
  }

  get textContent() {
    return this.childNodes.map((n) => n.textContent).join("");
  }

  set textContent(v) {
    this.replaceChildren(...(v === "" ? [] : [String(v)]));
  }

  // a form control's value, as a string (no clamping to a range input's min and max)
  get value() {
    return this._value ?? this.getAttribute("value") ?? "";
  }

  set value(v) {
    this._value = String(v);
  }

  addEventListener(type, callback, options = {}) {
    this.listeners.push({ type, callback, once: Boolean(options.once) });
  }

  removeEventListener(type, callback) {
    this.listeners = this.listeners.filter((l) => l.type !== type || l.callback !== callback);
  }

  dispatchEvent(event) {
    for (const l of this.listeners.filter((x) => x.type === event.type)) {
      if (l.once) this.removeEventListener(l.type, l.callback);
      l.callback.call(this, event);
    }
    return true;
  }

  // every element below this one, in document order
  *descendants() {
    for (const child of this.children) {
      yield child;
      yield* child.descendants();
    }
  }

  matches(selector) {
    const m = /^([\w-]*)((?:\.[\w-]+)*)(?:\[([\w-]+)(?:([\^]?=)"([^"]*)")?\])?$/.exec(selector.trim());
    if (!m) throw new Error(`fake_dom: unsupported selector ${selector}`);
    const [, tag, classes, attr, op, value] = m;
    if (tag && this.tagName !== tag) return false;
    if (classes && !classes.slice(1).split(".").every((c) => this.classList.contains(c))) return false;
    if (attr) {
      const v = this.getAttribute(attr);
      if (v === null) return false;
      if (op === "=" && v !== value) return false;
      if (op === "^=" && !v.startsWith(value)) return false;
    }
    return true;
  }

  querySelectorAll(selector) {
    return [...this.descendants()].filter((e) => e.matches(selector));
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

// A fresh document: <html><head></head><body></body></html>, parsed ("complete") unless
// told otherwise.
export function makeDocument({ readyState = "complete" } = {}) {
  const root = new Element("html");
  const head = new Element("head");
  const body = new Element("body");
  root.append(head, body);
  const doc = {
    documentElement: root, head, body, readyState,
    createElement: (tag) => new Element(tag.toLowerCase()),
    createElementNS: (ns, tag) => new Element(tag, ns),
    createTextNode: (data) => new Text(data),
    querySelectorAll: (selector) => root.querySelectorAll(selector),
    querySelector: (selector) => root.querySelector(selector),
    listeners: [],
    addEventListener: (...args) => Element.prototype.addEventListener.apply(doc, args),
    removeEventListener: (...args) => Element.prototype.removeEventListener.apply(doc, args),
    dispatchEvent: (event) => Element.prototype.dispatchEvent.call(doc, event),
  };
  return doc;
}
