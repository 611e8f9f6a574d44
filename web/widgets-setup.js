// Point require.js at the widget modules this site serves itself (under _static/vendor),
// wherever the page sits in the site: the paths are built from this script's own URL.
(function () {
  const base = document.currentScript.src.replace(/[^/]*$/, "") + "vendor/";
  require.config({
    paths: {
      anywidget: base + "anywidget/dist/index",
      "@jupyter-widgets/html-manager/dist": base + "@jupyter-widgets/html-manager/dist",
    },
  });
})();
