/* nianbao: the search page. Pagefind's UI over the index built with the site; the query can come
   from the header box (?q=…). Opened from file:// the browser cannot load the index: say so. */
(function () {
  "use strict";
  var el = document.getElementById("nb-search");
  if (!el) { return; }
  if (location.protocol === "file:") {
    var msg = document.querySelector(".nb-search-file");
    if (msg) { msg.hidden = false; }
    return;
  }
  if (typeof PagefindUI === "undefined") { return; }
  // the site may live under a sub-path (GitHub Pages project site, /gongkai/ on an intranet server):
  // result links are made relative to where the index actually is
  var bundle = new URL(el.getAttribute("data-nb-bundle"), location.href).pathname;
  var base = bundle.replace(/pagefind\/$/, "");
  // a large site's index is built in parts (nianbao-parts.json lists them): search them all at once
  fetch(bundle + "nianbao-parts.json")
    .then(function (r) { return r.ok ? r.json() : []; })
    .catch(function () { return []; })
    .then(function (parts) {
      var ui = new PagefindUI({
        element: "#nb-search",
        bundlePath: bundle,
        baseUrl: base,
        mergeIndex: parts.map(function (p) { return { bundlePath: bundle + p, baseUrl: base }; }),
        showSubResults: true,
        showImages: false,
        resetStyles: false,
        translations: { placeholder: "搜索年报正文，如：政策解读", zero_results: "没有找到与“[SEARCH_TERM]”相关的内容" }
      });
      var q = new URLSearchParams(location.search).get("q");
      if (q) { ui.triggerSearch(q); }
    });
})();
