// Small accessibility repairs to the theme's markup (found by axe-core). Run when the DOM is
// ready, on load, and whenever the theme's scripts set a name or a title again (they may do
// so after load on a busy machine).
function repairThemeMarkup() {
  // The search field shows "Search Ctrl+K" but was named "Search": let its text name it,
  // so voice-control users can say what they see.
  document.querySelectorAll(".search-button-field[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
  // The colour-mode button's icons are decoration, not text; its name says the mode in use
  // (the theme names it "Color mode" whatever the mode).
  document.querySelectorAll(".theme-switch-button i").forEach((i) => {
    i.removeAttribute("title");
    i.setAttribute("aria-hidden", "true");
  });
  const mode = document.documentElement.dataset.mode || "auto";
  const name = `Color mode: ${mode === "auto" ? "as the system" : mode}`;
  document.querySelectorAll(".theme-switch-button").forEach((b) => {
    if (b.getAttribute("aria-label") !== name) b.setAttribute("aria-label", name);
  });
}
// A box that scrolls sideways (book.css: a formula, display or inline, wider than the column;
// the theme's table container) is a Tab stop, so keyboard users can scroll it, and its
// data-more names the sides where more is hidden, which book.css shows as a fade (a phone
// shows no scrollbar until touched). One that fits is neither. Marked again whenever a box
// changes size: a window's width, or the reader's font size.
const SCROLL_BOXES = "div.math > .katex-display, span.math, .pst-scrollable-table-container";
function markScrollBox(box) {
  // KaTeX's subscripts stick out 2 px (a negative margin) past a formula that ends in one
  const wide = box.scrollWidth > box.clientWidth + 3;
  const more = [];
  if (wide && box.scrollLeft > 1) more.push("left");
  if (wide && box.scrollLeft + box.clientWidth < box.scrollWidth - 1) more.push("right");
  if (more.length) box.dataset.more = more.join(" ");
  else delete box.dataset.more;
  if (box.classList.contains("pst-scrollable-table-container")) return;  // the theme's own Tab stop
  if (wide) box.setAttribute("tabindex", "0");
  else box.removeAttribute("tabindex");
}
const resized = new ResizeObserver((entries) => entries.forEach((e) => markScrollBox(e.target)));
window.addEventListener("load", () => document.querySelectorAll(SCROLL_BOXES).forEach((box) => {
  markScrollBox(box);
  resized.observe(box);
}));
document.addEventListener("scroll", (e) => {
  if (e.target instanceof Element && e.target.matches(SCROLL_BOXES)) markScrollBox(e.target);
}, { capture: true, passive: true });
// The theme scrolls the sidebar to put the page's link a quarter down when it lies in the
// lower half, which on a sidebar only a little taller than the window cuts the book's title
// in half. Where the link is in view with the sidebar at its top, keep it at its top.
function uncutSidebarTitle() {
  const sidebar = document.querySelector(".bd-sidebar-primary");
  const title = sidebar?.querySelector(".navbar-brand");
  const links = sidebar?.querySelectorAll(".bd-docs-nav .active > a");
  if (!title || !sidebar.scrollTop || !links.length) return;
  const box = sidebar.getBoundingClientRect(), cut = box.top - title.getBoundingClientRect().top;
  const link = links[links.length - 1].getBoundingClientRect();
  if (cut > 0 && cut < title.offsetHeight && link.bottom + sidebar.scrollTop <= box.bottom) sidebar.scrollTop = 0;
}
window.addEventListener("load", uncutSidebarTitle);
// Paper is white: print in the light theme, then restore the reader's choice.
let themeBeforePrint = null;
window.addEventListener("beforeprint", () => {
  themeBeforePrint = document.documentElement.dataset.theme;
  document.documentElement.dataset.theme = "light";
});
window.addEventListener("afterprint", () => {
  if (themeBeforePrint) document.documentElement.dataset.theme = themeBeforePrint;
});
document.addEventListener("DOMContentLoaded", () => {
  repairThemeMarkup();
  new MutationObserver(repairThemeMarkup).observe(document.body, {
    subtree: true, attributes: true, attributeFilter: ["title", "aria-label"],
  });
  new MutationObserver(repairThemeMarkup).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-mode"],
  });
});
window.addEventListener("load", repairThemeMarkup);
