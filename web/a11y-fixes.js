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
// A formula wider than the column scrolls in its own box (book.css): such a box is a Tab stop,
// so keyboard users can scroll it; one that fits is not.
function focusableWideMath() {
  document.querySelectorAll("div.math > .katex-display").forEach((d) => {
    if (d.scrollWidth > d.clientWidth + 1) d.setAttribute("tabindex", "0");
    else d.removeAttribute("tabindex");
  });
}
window.addEventListener("load", focusableWideMath);
window.addEventListener("resize", focusableWideMath);
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
