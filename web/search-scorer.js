// Sphinx's search scorer (html_search_scorer; tools/book_site.py sets it): Sphinx's own weights,
// and a result whose section or page title is the query comes first. Sphinx scores a title
// match by one word-count formula and a page by its words, so for "log-sum-exp" every page
// that mentions log, sum and exp tied with the section of that name, and ties are alphabetical.
// A query of one letter, or of letters outside a-z (ŷ, σ), is a symbol: the Notation page,
// which defines it, comes first.
var Scorer = {
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,

  score: ([docname, title, anchor, , score]) => {
    const plain = (s) => (s || "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    const query = plain(new URLSearchParams(location.search).get("q"));
    const own = plain(title.split(" > ").pop().replace(/^\d+(\.\d+)*\.\s+/, ""));  // "3. Stability > Log-sum-exp"
    const symbol = [...query].length === 1 || (query && !/[a-z0-9]/.test(query));  // ŷ, σ; not "to" or "e"
    if (symbol) return docname === "notation" ? score + 50 : score;  // where a symbol is defined
    if (query.length < 3) return score;
    if (own === query) return score + (anchor ? 100 : 90);  // the section of that name, then the page
    if (own.includes(query)) return score + 40;
    return score;
  },
};
