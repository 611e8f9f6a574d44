// A formula as the reader typed it (a mathjs tree), shown back in the page's notation as
// MathML, which the browser typesets itself: yhat_i - y_i reads ŷᵢ − yᵢ, s_i*(delta_ij - s_j)
// reads sᵢ(δᵢⱼ − sⱼ), a / b is a fraction, x^2 a power. No TeX and no math library at run time.

const MATHML_NS = "http://www.w3.org/1998/Math/MathML";

function m(tag, ...children) {
  const node = document.createElementNS(MATHML_NS, tag);
  node.append(...children);
  return node;
}

const GREEK = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ", lambda: "λ",
  mu: "μ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", omega: "ω",
};

// A name such as yhat_ij: its base (yhat -> y with a hat, Greek names as letters) with its
// subscript.
function symbol(name) {
  const [base, sub] = name.split(/_(.*)/s);
  let shown;
  if (base.length > 3 && base.endsWith("hat")) {
    shown = m("mover", m("mi", base.slice(0, -3)), m("mo", "^"));
    shown.setAttribute("accent", "true");
  } else if (/^[A-Za-z]+\d+$/.test(base)) {
    const [, letters, digits] = base.match(/^([A-Za-z]+)(\d+)$/);
    shown = m("msub", m("mi", GREEK[letters] ?? letters), m("mn", digits)); // z0 reads z₀
  } else {
    shown = m("mi", GREEK[base] ?? base);
  }
  return sub ? m("msub", shown, m("mi", sub)) : shown;
}

const OPERATORS = { "-": "−", "*": "\u2062", "==": "=", "<=": "≤", ">=": "≥" };
const FUNCTION_SIGNS = { sigma: "σ", sum: "∑" };

const unwrap = (node) => (node.type === "ParenthesisNode" ? node.content : node);
const fenced = (...inner) => m("mrow", m("mo", "("), ...inner, m("mo", ")"));

function mathml(node) {
  switch (node.type) {
    case "ConstantNode":
      return m("mn", String(node.value));
    case "SymbolNode":
      return symbol(node.name);
    case "ParenthesisNode":
      return fenced(mathml(node.content));
    case "FunctionNode": {
      const args = node.args.map(mathml);
      const name = node.fn.name;
      if (name === "sqrt") return m("msqrt", ...args);
      if (name === "abs") return m("mrow", m("mo", "|"), ...args, m("mo", "|"));
      const inner = args.flatMap((a, k) => (k ? [m("mo", ","), a] : [a]));
      return m("mrow", m("mi", FUNCTION_SIGNS[name] ?? name), m("mo", "\u2061"), fenced(...inner));
    }
    case "OperatorNode": {
      const [a, b] = node.args;
      if (node.args.length === 1) return m("mrow", m("mo", OPERATORS[node.op] ?? node.op), mathml(a));
      if (node.op === "/") return m("mfrac", mathml(unwrap(a)), mathml(unwrap(b)));
      if (node.op === "^") return m("msup", mathml(a), mathml(unwrap(b)));
      // a product of two numbers keeps its ×; any other product is written side by side
      const times = node.op === "*" && a.type === "ConstantNode" && unwrap(b).type === "ConstantNode" ? "×" : null;
      return m("mrow", mathml(a), m("mo", times ?? OPERATORS[node.op] ?? node.op), mathml(b));
    }
    default:
      return m("mtext", node.toString());
  }
}

// The <math> element for a mathjs tree.
export function typeset(node) {
  return m("math", mathml(node));
}
