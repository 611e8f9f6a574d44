// Search result snippets are cut from each page's text. A formula's text is its KaTeX HTML
// (glyph by glyph) and its MathML, TeX source included: `\(t - \hat y\)` reads "t−y^t - \hat y".
// On the search page, each formula is replaced by a one-line reading of its MathML first:
// "t − ŷ", "e^(z_i) / Σ_j e^(z_j)".
(() => {
  const ACCENTS = { "^": "\u0302", "~": "\u0303", "¯": "\u0304", "ˉ": "\u0304", "˙": "\u0307", "→": "\u20d7" };
  const group = (s) => (s.length > 1 ? `(${s})` : s);
  // a big operator's limits end its part: "Σ_k e^(z_k)", not "Σ_ke^(z_k)"
  const BIG = /^([∑∏∫⋃⋂]|[a-z]{2,}(\s?[a-z]+)?)\u2061?$/;  // Σ, ∏, ∫, and max, arg max, lim...
  const limits = (op, text) => (BIG.test(op.trim()) ? `${text} ` : text);
  // the mark goes on the letter: \hat y reads "ŷ", and \hat{y_i} "ŷ_i", not "y_î"; a wider
  // base keeps the accent as a superscript: \hat{AB} reads "(AB)^^"
  function accented(base, accent) {
    const [first, ...rest] = [...base];
    if (!rest.length || /^[_^]/.test(rest.join(""))) return first + ACCENTS[accent] + rest.join("");
    return `${group(base)}^${accent}`;
  }

  function read(node) {
    const kids = [...node.children];
    const [a, b, c] = kids.map(read);
    switch (node.localName) {
      case "annotation": return "";
      case "mfrac": return `${group(a)}/${group(b)}`;
      case "msup": return limits(a, `${a}^${group(b)}`);
      case "msub": return limits(a, `${a}_${group(b)}`);
      case "msubsup": return limits(a, `${a}_${group(b)}^${group(c)}`);
      case "munder": return limits(a, `${a}_${group(b)}`);
      case "munderover": return limits(a, `${a}_${group(b)}^${group(c)}`);
      case "mover": return node.getAttribute("accent") === "true" && b in ACCENTS ? accented(a, b) : `${a}^${group(b)}`;
      case "msqrt": return `√(${kids.map(read).join("")})`;
      case "mo": return /^[=<>≤≥≈−+×·∈→]$/.test(node.textContent.trim()) ? ` ${node.textContent.trim()} ` : node.textContent;
      default: return kids.length ? kids.map(read).join("") : node.textContent;
    }
  }

  function mathAsText(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const k of doc.querySelectorAll(".katex")) {
      const math = k.querySelector("math");
      // NFC: an accent is read as a combining mark, y + ̂; a reader types the one letter ŷ
      k.replaceWith(math ? read(math).replace(/\s+/g, " ").trim().normalize("NFC") : "");
    }
    return doc.documentElement.outerHTML;
  }

  // searchtools.js loads after this file and searches once the DOM is ready: wrap it then,
  // before its own ready handler (registered later) runs the query.
  document.addEventListener("DOMContentLoaded", () => {
    // a top-level `const` of searchtools.js: a global name, not a property of window
    const search = typeof Search === "undefined" ? null : Search;
    if (!search?.htmlToText) return;
    const htmlToText = search.htmlToText;
    search.htmlToText = (html, anchor) => htmlToText(mathAsText(html), anchor);
  });
})();
