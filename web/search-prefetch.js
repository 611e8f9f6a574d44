// Pages load no search code (tools/page_assets.py): the search box's form goes to the search
// page, which runs Sphinx's search. The first time a reader opens the box (a click, Ctrl+K)
// or focuses a search field, the search page's scripts and index are fetched into the cache,
// so the results come sooner on a slow connection.
document.addEventListener("focusin", function prefetchSearch(event) {
  const bundle = document.querySelector('meta[name="softmaxbook-search"]');
  if (!bundle || !event.target.matches?.('input[name="q"]')) return;
  document.removeEventListener("focusin", prefetchSearch);
  document.head.append(Object.assign(document.createElement("link"), { rel: "prefetch", href: bundle.content }));
});
