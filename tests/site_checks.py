"""What the site tests and the site benchmark both measure on a page, in one place.

Each name is JavaScript run in the page through Playwright: when the page is ready, its
layout shift, its axe-core results and what overflows its width.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}  # the narrowest phones still sold
DESKTOP = {"width": 1280, "height": 900}

# Ready: math visible (if the page still typesets in the browser, once that is done), the
# fonts loaded and every widget view drawn live (in place of its still picture, .sb-static).
# Resolves to milliseconds since navigation.
READY = """() => Promise.resolve(window.MathJax?.startup?.promise).then(() => document.fonts.ready)
  .then(() => new Promise((done) => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
    const live = () => document.querySelectorAll('.sb-widget:not(.sb-static)').length >= views &&
      !document.querySelector('.sb-static');
    const poll = () => live() ? done(performance.now()) : setTimeout(poll, 5);
    poll();
  }))"""

# Installed before any page script (page.add_init_script): sums the layout shifts not caused
# by input, as Chromium's cumulative layout shift does.
CLS_OBSERVER = """window.__cls = 0; window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) {
    window.__cls += e.value;
    // what moved, for a failure's message: when, how much, and the elements
    const name = (n) => !n ? "?" : n.nodeName.toLowerCase() + (n.id ? "#" + n.id : "") +
      (typeof n.className === "string" && n.className ? "." + n.className.trim().replace(/\\s+/g, ".") : "");
    window.__shifts.push({ at: Math.round(e.startTime), value: +e.value.toFixed(4),
                           moved: e.sources.map((s) => name(s.node)).slice(0, 4) });
  }
}).observe({ type: "layout-shift", buffered: true });"""

# Installed before any page script (page.add_init_script): when the first contentful paint
# happened and the theme the page had then (a flash of the wrong theme shows as another one),
# and when every widget view was drawn ("widgets live"), in milliseconds since navigation.
PAINT_OBSERVER = """window.__paint = null; window.__live = null;
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if (e.name === "first-contentful-paint" && !window.__paint)
      window.__paint = { at: e.startTime, theme: document.documentElement.dataset.theme };
}).observe({ type: "paint", buffered: true });
const __livePoll = setInterval(() => {
  if (document.readyState === "loading") return;
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  // every view drawn by its widget, and no still picture (tools/widget_pictures.py) left
  const drawn = document.querySelectorAll(".sb-widget:not(.sb-static)").length;
  if (drawn >= views && !document.querySelector(".sb-static")) {
    window.__live = performance.now();
    clearInterval(__livePoll);
  }
}, 10);"""

# axe-core's violations, as {id, impact, help, nodes}; injected first with add_script_tag(path=AXE).
AXE_RUN = """() => axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })))"""

# The page's own width (what scrolls sideways) and the visible elements that stick out of the
# viewport or are cut off by a parent that cannot scroll to them.
OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  // MathML kept for screen readers is clipped to a pixel on purpose; an SVG's own parts are
  // judged by the SVG.
  for (const el of document.querySelectorAll("main *:not(.katex-mathml *):not(svg *)")) {
    const r = el.getBoundingClientRect();
    if (!r.width || getComputedStyle(el).visibility === "hidden") continue;
    if (r.right > vw + 1 || r.left < -1) {
      // fine if an ancestor scrolls it into reach
      let a = el.parentElement, reachable = false;
      while (a && a !== document.body) {
        const s = getComputedStyle(a);
        if (/(auto|scroll)/.test(s.overflowX) && a.scrollWidth > a.clientWidth) { reachable = true; break; }
        a = a.parentElement;
      }
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
      if (!reachable) out.push(`${name} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  // code cells wrap (book.css): none may hide the end of a line behind a sideways scroll
  const code = [...document.querySelectorAll("main div.cell_input pre")]
    .filter((pre) => pre.scrollWidth > pre.clientWidth + 1).map((pre) => pre.textContent.slice(0, 40));
  return { scrollWidth: document.documentElement.scrollWidth, viewport: vw, outside: out.slice(0, 10), code };
}"""

# Shared by the colour checks below: a 1x1 canvas to read colours as the screen shows them, and
# WCAG's relative luminance and contrast ratio of two sRGB triples.
CANVAS_AND_CONTRAST = """
  const ctx = Object.assign(document.createElement("canvas"), { width: 1, height: 1 })
    .getContext("2d", { willReadFrequently: true });
  const lum = (c) => c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
"""

# For each widget: what sits behind it (any ancestor with a background of its own: a card)
# and the contrast against the page's background of its text, its graphics (bars, curve,
# slider thumb and track, each read from the colour variables the widget draws with), its
# "broken" red, and of every heat-map number on its shaded cell. Colours are composited on
# a 1x1 canvas, so any CSS colour (color-mix included) is measured as the screen shows it.
WIDGET_COLOURS = """() => {""" + CANVAS_AND_CONTRAST + """
  const rgb = (colour, under = "#000") => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = under; ctx.fillRect(0, 0, 1, 1);
    ctx.fillStyle = "#010203"; ctx.fillStyle = colour;
    if (ctx.fillStyle === "#010203") throw new Error(`not a colour the canvas reads: ${colour}`);
    ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  };
  const page = getComputedStyle(document.body).backgroundColor;
  const bg = rgb(page);
  return [...document.querySelectorAll(".sb-widget")].map((w) => {
    const css = getComputedStyle(w);
    const cards = [];
    for (let a = w; a && a !== document.body; a = a.parentElement) {
      const b = getComputedStyle(a).backgroundColor;
      if (b !== "rgba(0, 0, 0, 0)" && b !== "transparent" && b !== page) cards.push(`${a.className}: ${b}`);
    }
    const graphics = Object.fromEntries(["--sb-pos", "--sb-neg", "--sb-accent", "--sb-track"]
      .map((v) => [v, ratio(rgb(css.getPropertyValue(v).trim(), page), bg)]));
    const cells = [...w.querySelectorAll(".sb-heat td.sb-cell")]
      .map((td) => ratio(rgb(getComputedStyle(td).color, page), rgb(getComputedStyle(td).backgroundColor, page)));
    return { title: w.querySelector(".sb-title").textContent, cards, graphics,
             text: ratio(rgb(css.color, page), bg),
             broken: ratio(rgb(css.getPropertyValue("--sb-broken").trim(), page), bg),
             cells: cells.length ? Math.min(...cells) : null };
  });
}"""

# The size of the page's small text (an HTML <small> in the article's prose), in CSS pixels.
SMALL_TEXT = """() => { const s = document.createElement("small"); s.textContent = "x";
  (document.querySelector("main p") || document.body).append(s);
  const size = parseFloat(getComputedStyle(s).fontSize); s.remove(); return size; }"""

# Each figure's shown width, its own CSS width (myst-nb sets it from the output's metadata) and
# its PNG's width. Figures load as the reader nears them (tools/page_assets.py): all are
# loaded first.
FIGURE_SIZES = """async () => {
  const imgs = [...document.querySelectorAll("main figure img")];
  imgs.forEach((i) => { i.loading = "eager"; });
  await Promise.all(imgs.map((i) => i.decode()));
  return imgs.map((i) => ({ src: i.getAttribute("src"), shown: i.getBoundingClientRect().width,
                            shownHeight: i.getBoundingClientRect().height, width: parseFloat(i.style.width),
                            natural: i.naturalWidth, naturalHeight: i.naturalHeight }));
}"""

# The contrast each figure colour reaches on the page as shown: drawn on a canvas with the first
# figure's CSS filter and blend mode, over the page's background (the white of a figure is
# checked the same way: it must come out as the page's background).
FIGURE_COLOURS = """(colours) => {""" + CANVAS_AND_CONTRAST + """
  const img = document.querySelector("main figure img");
  const css = getComputedStyle(img);
  const page = getComputedStyle(document.body).backgroundColor;
  const shown = (colour) => {
    ctx.globalCompositeOperation = "source-over"; ctx.filter = "none";
    ctx.fillStyle = page; ctx.fillRect(0, 0, 1, 1);
    ctx.globalCompositeOperation = css.mixBlendMode === "normal" ? "source-over" : css.mixBlendMode;
    ctx.filter = css.filter;
    ctx.fillStyle = colour; ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  };
  ctx.fillStyle = page; ctx.fillRect(0, 0, 1, 1);
  const bg = [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  return { filter: css.filter, blend: css.mixBlendMode, page: bg, white: shown("#ffffff"),
           ratios: Object.fromEntries(colours.map((c) => [c, ratio(shown(c), bg)])) };
}"""

# Text cut off by a box that does not scroll to it: every formula and every number a widget
# shows (its bars, table cells, slider values, plot labels), against each ancestor that clips
# (the theme's inline math box, an SVG's own edge). One inside a box that scrolls sideways is
# reachable; one in a closed <details> (a solution) is not shown at all.
CLIPPED = """() => {
  const out = [], clips = new Map();  // per ancestor: null, or its box if it clips and cannot scroll
  const clip = (a) => {
    if (!clips.has(a)) {
      const s = getComputedStyle(a);
      const scrolls = /(auto|scroll)/.test(s.overflowX) && a.scrollWidth > a.clientWidth;
      const visible = s.overflowX === "visible" && s.overflowY === "visible" && a.tagName !== "svg";
      clips.set(a, scrolls ? "scrolls" : visible ? null : a.getBoundingClientRect());
    }
    return clips.get(a);
  };
  const shown = ".katex, .sb-widget .sb-num, .sb-widget .sb-value, .sb-widget td, .sb-widget svg text, "
    + ".sb-widget label";
  for (const el of document.querySelectorAll(shown)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !el.checkVisibility()) continue;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const q = clip(a);
      if (q === "scrolls") break;
      if (q === null) continue;
      if (r.left < q.left - 1 || r.right > q.right + 1 || r.top < q.top - 1 || r.bottom > q.bottom + 1) {
        const by = `${a.tagName.toLowerCase()}.${a.classList[0] || ""}`;
        out.push(`${el.tagName.toLowerCase()} "${el.textContent.slice(0, 40)}" cut off by ${by}`);
        break;
      }
    }
  }
  return out.slice(0, 10);
}"""

# Every box in the article that scrolls sideways, with what tells a reader so: whether it is a
# Tab stop (keyboard users scroll it) and the fade at its edge (a phone shows no scrollbar).
SCROLL_BOXES = """() => [...document.querySelectorAll("main *")]
  .filter((e) => /(auto|scroll)/.test(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1
                 && e.checkVisibility())
  .map((e) => ({ name: `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`, tabStop: e.tabIndex >= 0,
                 fade: getComputedStyle(e).maskImage }))"""

# The controls inside a box (the page's header: its buttons; a widget's controls: its sliders),
# each with its box relative to that box's own (to cut out of a screenshot of it).
CONTROLS = """(group) => { const o = group.getBoundingClientRect();
  return [...group.querySelectorAll("button, a.btn, input[type=range]")]
    .filter((e) => e.checkVisibility() && e.getBoundingClientRect().width)
    .map((e) => { const r = e.getBoundingClientRect();
      return { name: e.getAttribute("aria-label") || e.title || e.className,
               left: Math.round(r.left - o.left), top: Math.round(r.top - o.top),
               right: Math.round(r.right - o.left), bottom: Math.round(r.bottom - o.top) }; }); }"""

# How far the book's title at the top of the sidebar is cut off by the sidebar's own scroll.
TITLE_CUT = """() => { const s = document.querySelector(".bd-sidebar-primary"), t = s?.querySelector(".navbar-brand");
  return t && t.checkVisibility() ? s.getBoundingClientRect().top - t.getBoundingClientRect().top : 0; }"""
