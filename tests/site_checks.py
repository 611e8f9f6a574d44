"""What the site tests and the site benchmark both measure on a page, in one place.

Each name is JavaScript run in the page through Playwright: when the page is ready, its
layout shift, its axe-core results and what overflows its width.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Ready: math visible (if the page still typesets in the browser, once that is done), the
# fonts loaded and every widget view drawn. Resolves to milliseconds since navigation.
READY = """() => Promise.resolve(window.MathJax?.startup?.promise).then(() => document.fonts.ready)
  .then(() => new Promise((done) => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
    const poll = () =>
      document.querySelectorAll('.sb-widget').length >= views ? done(performance.now()) : setTimeout(poll, 5);
    poll();
  }))"""

# Installed before any page script (page.add_init_script): sums the layout shifts not caused
# by input, as Chromium's cumulative layout shift does.
CLS_OBSERVER = """window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({ type: "layout-shift", buffered: true });"""

# axe-core's violations, as {id, impact, help, nodes}; injected first with add_script_tag(path=AXE).
AXE_RUN = """() => axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })))"""

# The page's own width (what scrolls sideways) and the visible elements that stick out of the
# viewport or are cut off by a parent that cannot scroll to them.
OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("main *")) {
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
      if (!reachable) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, viewport: vw, outside: out.slice(0, 10) };
}"""
