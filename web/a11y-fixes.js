// Small accessibility repairs to the theme's markup (found by axe-core). Run when the DOM is
// ready, on load, and whenever the theme's scripts set a name or a title again (they may do
// so after load on a busy machine).
function repairThemeMarkup() {
  // The search field shows "Search Ctrl+K" but was named "Search": let its text name it,
  // so voice-control users can say what they see.
  document.querySelectorAll(".search-button-field[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
  // A collapsed cell's toggle reads "Show code cell source" but was named "Toggle hidden
  // content": its visible words are the better name.
  document.querySelectorAll("details > summary[aria-label]").forEach((s) => {
    if (s.textContent.trim()) s.removeAttribute("aria-label");
  });
  // The colour-mode button is named "Color mode"; its icons are decoration, not text.
  document.querySelectorAll(".theme-switch-button i").forEach((i) => {
    i.removeAttribute("title");
    i.setAttribute("aria-hidden", "true");
  });
}
document.addEventListener("DOMContentLoaded", () => {
  repairThemeMarkup();
  new MutationObserver(repairThemeMarkup).observe(document.body, {
    subtree: true, attributes: true, attributeFilter: ["title", "aria-label"],
  });
});
window.addEventListener("load", repairThemeMarkup);
