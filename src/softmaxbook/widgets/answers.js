// Checking a reader's answer to a self-check question (widgets/quiz.py holds the schema; the
// question arrives normalised from there). No DOM here: quiz.js draws, this decides.
//
// Every check returns { verdict, says }: verdict "right", "wrong" or "unreadable" (the answer
// could not be read: nothing counts as an attempt), and `says` the feedback written for that
// answer (a choice's own explanation, a named mistake, what could not be read), or "".
//
// Formulas are read by mathjs (never eval) and checked by value: the reader's expression and
// the right one are evaluated at seeded random points with the question's symbols bound
// (vectors as arrays; index symbols such as i, j, c run over every class), so every
// equivalent form passes; a form that equals one of the question's listed mistakes at every
// point gets that mistake's feedback.

const verdict = (v, says = "") => ({ verdict: v, says });

// ---- choice -----------------------------------------------------------------------------

// `chosen`: the indices of the options the reader selected. Right when exactly the right
// options are chosen; `says` holds each chosen option's explanation, in order.
export function checkChoice(q, chosen) {
  if (!chosen.length) return verdict("unreadable", q.multiple ? "Choose one or more options first." : "Choose an option first.");
  const right = q.options.flatMap((o, i) => (o.right ? [i] : []));
  const ok = chosen.length === right.length && chosen.every((i) => q.options[i].right);
  const says = chosen.map((i) => q.options[i].why);
  if (!ok && chosen.every((i) => q.options[i].right)) says.push("Another option is right too.");
  return verdict(ok ? "right" : "wrong", says.join(" "));
}

// ---- number -----------------------------------------------------------------------------

// 0.665, .665, 6.65e-1, -2, +3.5E2, with a typographic minus too. A comma or anything else
// is refused with a message saying what to type.
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

export function parseNumber(text) {
  const s = text.trim().replace(/\u2212/g, "-");
  if (s === "") return { error: "Type a number first." };
  if (NUMBER.test(s)) return { value: Number(s) };
  if (/^[-+]?\d*,\d+$/.test(s)) return { error: "Type it with a decimal point and no commas: 0.665, or 50000." };
  return { error: "Type a number such as 0.665, .665 or 6.65e-1." };
}

// |x - target| within the absolute tolerance plus the relative one (and float rounding).
export function within(x, target, { tolerance = 0, relative = 0 }) {
  return Math.abs(x - target) <= tolerance + relative * Math.abs(target) + 1e-12 * Math.abs(target);
}

export function checkNumber(q, text) {
  const { value, error } = parseNumber(text);
  if (error) return verdict("unreadable", error);
  if (within(value, q.answer, q)) return verdict("right");
  const mistake = q.mistakes.find((m) => within(value, m.value, m.tolerance == null && m.relative == null ? q : m));
  return verdict("wrong", mistake ? mistake.says : "");
}

// ---- formula ----------------------------------------------------------------------------

// What a reader may call, each applying elementwise to a vector (mathjs's own exp and log
// refuse arrays), and the reductions of a vector, which mathjs has.
const elementwise = (f) => function apply(x, ...rest) { return Array.isArray(x) ? x.map((v) => apply(v, ...rest)) : f(x, ...rest); };
const FUNCTIONS = {
  exp: elementwise(Math.exp),
  log: elementwise((x, base) => (base === undefined ? Math.log(x) : Math.log(x) / Math.log(base))),
  ln: elementwise(Math.log),
  log10: elementwise(Math.log10),
  log2: elementwise(Math.log2),
  sqrt: elementwise(Math.sqrt),
  abs: elementwise(Math.abs),
  tanh: elementwise(Math.tanh),
  sigma: elementwise((x) => 1 / (1 + Math.exp(-x))),
};
const REDUCERS = ["sum", "max", "min", "prod", "mean"];
export const FUNCTION_NAMES = [...Object.keys(FUNCTIONS), ...REDUCERS];
const CONSTANTS = ["e", "pi"];
const NODE_TYPES = new Set(["ConstantNode", "SymbolNode", "OperatorNode", "ParenthesisNode", "FunctionNode"]);

// The page's notation typed with a keyboard: ŷ is yhat, σ sigma, δ delta, × and · are *,
// ** is ^ (as in Python), and a typographic minus is a minus.
export function normaliseFormula(text) {
  return text.replace(/\u2212/g, "-").replace(/[×·⋅]/g, "*").replace(/÷/g, "/").replace(/\*\*/g, "^")
    .replace(/ŷ/g, "yhat").replace(/σ/g, "sigma").replace(/δ/g, "delta").replace(/²/g, "^2").replace(/³/g, "^3").trim();
}

// A small seeded generator (mulberry32) and a seed from the question's id: the same points
// on every page load, so a result never depends on luck.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hash = (s) => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261);

const softmaxOf = (z) => {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
};
const sigmoidOf = (x) => 1 / (1 + Math.exp(-x));

// The symbols' values at one random point: sizes, numbers, vectors, matrices and labels
// drawn; then, for one assignment of the index symbols, what derives from them (softmax,
// sigmoid, one-hot) and every component a formula may name: z_i, Y_nk, delta_ij.
function drawPoint(symbols, rand) {
  const uniform = ([lo, hi]) => lo + (hi - lo) * rand();
  const integer = ([lo, hi]) => lo + Math.floor((hi - lo + 1) * rand());
  const values = {};
  const entries = Object.entries(symbols);
  for (const [name, s] of entries) if (s.kind === "size") values[name] = integer(s.range);
  for (const [name, s] of entries) {
    if (s.kind === "scalar") values[name] = s.integer ? integer(s.range) : uniform(s.range);
    if (s.kind === "vector") values[name] = Array.from({ length: values[s.over] }, () => uniform(s.range));
    if (s.kind === "matrix") {
      values[name] = Array.from({ length: values[s.rows] }, () => Array.from({ length: values[s.cols] }, () => uniform(s.range)));
    }
    if (s.kind === "labels") values[name] = Array.from({ length: values[s.over] }, () => integer([0, values[s.classes] - 1]));
  }
  return values;
}

function bindPoint(symbols, drawn, index) {
  const v = { ...drawn, ...index };
  const derive = (name) => {
    const s = symbols[name];
    if (name in v) return v[name];
    if (s.kind === "softmax") {
      const x = derive(s.of);
      v[name] = Array.isArray(x[0]) ? x.map(softmaxOf) : softmaxOf(x);
    } else if (s.kind === "sigmoid") {
      const x = derive(s.of);
      v[name] = Array.isArray(x) ? x.map(sigmoidOf) : sigmoidOf(x);
    } else if (s.kind === "onehot") {
      const at = symbols[s.at];
      const row = (c) => Array.from({ length: drawn[s.classes] }, (_, k) => (k === c ? 1 : 0));
      v[name] = at.kind === "labels" ? derive(s.at).map(row) : row(v[s.at]);
    }
    return v[name];
  };
  Object.keys(symbols).forEach(derive);
  const indices = Object.keys(symbols).filter((n) => symbols[n].kind === "index");
  const scope = { ...FUNCTIONS };
  for (const [name, value] of Object.entries(v)) {
    if (symbols[name]?.kind === "index") continue; // an index is a subscript, not a value
    scope[name] = value;
    if (!Array.isArray(value)) continue;
    for (const a of indices) {
      if (!Array.isArray(value[0])) scope[`${name}_${a}`] = value[v[a]];
      else for (const b of indices) scope[`${name}_${a}${b}`] = value[v[a]]?.[v[b]];
    }
  }
  for (const a of indices) for (const b of indices) scope[`delta_${a}${b}`] = v[a] === v[b] ? 1 : 0;
  return scope;
}

// Every assignment of the index symbols (each over its own size) at one drawn point.
function assignments(symbols, drawn) {
  let out = [{}];
  for (const [name, s] of Object.entries(symbols)) {
    if (s.kind !== "index") continue;
    out = out.flatMap((a) => Array.from({ length: drawn[s.over] }, (_, k) => ({ ...a, [name]: k })));
  }
  return out;
}

// How many indices a symbol's components take: 0 (a number), 1 (a vector), 2 (a matrix).
function rank(symbols, name) {
  const s = symbols[name];
  if (s.kind === "vector" || s.kind === "labels") return 1;
  if (s.kind === "matrix") return 2;
  if (s.kind === "softmax" || s.kind === "sigmoid") return rank(symbols, s.of);
  if (s.kind === "onehot") return symbols[s.at].kind === "labels" ? 2 : 1;
  return 0;
}

// The names a formula may use: the symbols (an index symbol only as a subscript), their
// components (z_i, Y_nk), delta_ij, the constants e and pi.
export function allowedNames(symbols) {
  const names = new Set(CONSTANTS);
  const indices = Object.keys(symbols).filter((n) => symbols[n].kind === "index");
  for (const name of Object.keys(symbols)) {
    if (symbols[name].kind === "index") continue;
    names.add(name);
    const r = rank(symbols, name);
    for (const a of indices) {
      if (r === 1) names.add(`${name}_${a}`);
      if (r === 2) for (const b of indices) names.add(`${name}_${a}${b}`);
    }
  }
  for (const a of indices) for (const b of indices) names.add(`delta_${a}${b}`);
  return names;
}

// Read a formula: the mathjs tree, or { error } saying what cannot be read. Only numbers,
// the question's names, operators, brackets and the functions above are allowed.
export function readFormula(math, symbols, text) {
  const source = normaliseFormula(text);
  if (!source) return { error: "Type a formula first." };
  let node;
  try {
    node = math.parse(source);
  } catch (err) {
    return { error: `This does not read as a formula: ${err.message}.` };
  }
  const allowed = allowedNames(symbols);
  const problems = [];
  node.traverse((n, path, parent) => {
    if (!NODE_TYPES.has(n.type)) {
      const what = n.type === "AccessorNode" || n.type === "IndexNode"
        ? "Write a component with an underscore, z_i, not with brackets."
        : n.type.startsWith("Assignment") || n.type === "FunctionAssignmentNode"
          ? "Type only the expression, with no = sign."
          : `${n.toString()} is not part of a formula here.`;
      problems.push(what);
    } else if (n.type === "ConstantNode" && typeof n.value !== "number") {
      problems.push(`${n.toString()} is not a number.`);
    } else if (n.type === "FunctionNode") {
      const name = n.fn.name;
      if (allowed.has(name)) problems.push(`${name}(…) reads as calling ${name}: to multiply, write ${name}*(…).`);
      else if (!FUNCTION_NAMES.includes(name)) problems.push(`${name} is not a function here; use ${FUNCTION_NAMES.join(", ")}.`);
    } else if (n.type === "SymbolNode" && !(path === "fn" && parent?.type === "FunctionNode") && !allowed.has(n.name)) {
      const indices = Object.keys(symbols).filter((s) => symbols[s].kind === "index");
      problems.push(indices.includes(n.name)
        ? `${n.name} is an index: use it as a subscript, as in z_${n.name}.`
        : `${n.name} is not a symbol of this question (its symbols: ${[...allowed].filter((a) => !CONSTANTS.includes(a)).join(", ")}).`);
    }
  });
  if (problems.length) return { error: [...new Set(problems)][0] };
  return { node };
}

// Points are drawn until the formulas are compared at SCOPES places at least (a point counts
// once for each assignment of the index symbols), from at least POINTS points.
const POINTS = 6, SCOPES = 24;

// The checker of one formula question: its right form and its listed mistakes compiled once,
// its points drawn once. check(text) reads the reader's formula and compares it at every
// point and every assignment of the indices.
export function formulaChecker(math, q) {
  const rand = random(hash(q.id));
  const scopes = [];
  for (let n = 0; n < POINTS || scopes.length < SCOPES; n++) {
    const drawn = drawPoint(q.symbols, rand);
    scopes.push(...assignments(q.symbols, drawn).map((index) => bindPoint(q.symbols, drawn, index)));
  }
  const compile = (text) => {
    const read = readFormula(math, q.symbols, text);
    if (read.error) throw new Error(`question ${q.id}: cannot read its own formula ${text}: ${read.error}`);
    return read.node.compile();
  };
  const valuesOf = (compiled) => scopes.map((scope) => {
    try {
      return compiled.evaluate({ ...scope });
    } catch {
      return NaN;
    }
  });
  const answer = valuesOf(compile(q.answer));
  const mistakes = q.mistakes.map((m) => ({ says: m.says, values: valuesOf(compile(m.form)) }));
  const usable = answer.map((a) => typeof a === "number" && Number.isFinite(a));
  if (usable.filter(Boolean).length < 8) throw new Error(`question ${q.id}: its formula has too few finite values to check against`);
  const same = (values, reference) => reference.every((a, k) => !usable[k] || close(values[k], a));

  return {
    read: (text) => readFormula(math, q.symbols, text),
    check(text) {
      const read = readFormula(math, q.symbols, text);
      if (read.error) return verdict("unreadable", read.error);
      let values;
      try {
        const compiled = read.node.compile();
        values = scopes.map((scope) => compiled.evaluate({ ...scope }));
      } catch (err) {
        return verdict("unreadable", `This formula cannot be evaluated: ${err.message}.`);
      }
      if (values.some((v) => Array.isArray(v) || (v && typeof v === "object" && "size" in v))) {
        return verdict("unreadable", "This is a vector, not a number: take a component (z_i) or a sum.");
      }
      if (same(values, answer)) return verdict("right");
      const mistake = mistakes.find((m) => same(values, m.values));
      return verdict("wrong", mistake ? mistake.says : "");
    },
  };
}

function close(x, a) {
  return typeof x === "number" && Math.abs(x - a) <= 1e-9 * Math.max(1, Math.abs(a)) + 1e-12;
}
