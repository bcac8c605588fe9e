/* nianbao: 关怀版 toggle. Larger text and higher contrast, remembered across pages (localStorage). */
(function () {
  "use strict";
  var KEY = "nb-care";
  var root = document.documentElement;
  function set(on) {
    root.classList.toggle("nb-care", on);
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* storage disabled: per page only */ }
    var buttons = document.querySelectorAll("[data-nb-care]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }
  function init() {
    var buttons = document.querySelectorAll("[data-nb-care]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", root.classList.contains("nb-care") ? "true" : "false");
      buttons[i].addEventListener("click", function () { set(!root.classList.contains("nb-care")); });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

/* nianbao: sortable index tables (progressive enhancement: without JavaScript they read in their
   published order). Each column header of the last header row gets a button; aria-sort says the order. */
(function () {
  "use strict";
  function value(cell) {
    var v = cell.getAttribute("data-nb-value");
    if (v === null) { return cell.textContent.trim(); }
    return v === "" ? null : parseFloat(v);
  }
  function setup(table) {
    var rows = table.tHead.rows;
    var last = rows[rows.length - 1];
    var body = table.tBodies[0];
    for (var i = 0; i < last.cells.length; i++) {
      (function (th, col) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "nb-sort";
        while (th.firstChild) { b.appendChild(th.firstChild); }
        th.appendChild(b);
        b.addEventListener("click", function () {
          var desc = th.getAttribute("aria-sort") !== "descending";
          var all = table.querySelectorAll("th[aria-sort]");
          for (var k = 0; k < all.length; k++) { all[k].removeAttribute("aria-sort"); }
          th.setAttribute("aria-sort", desc ? "descending" : "ascending");
          var list = Array.prototype.slice.call(body.rows);
          list.sort(function (a, b2) {
            var x = value(a.cells[col]), y = value(b2.cells[col]);
            if (x === y) { return 0; }
            if (x === null) { return 1; }          /* rows without data last */
            if (y === null) { return -1; }
            return desc ? y - x : x - y;
          });
          list.forEach(function (r) { body.appendChild(r); });
        });
      })(last.cells[i], i + 1);  /* +1: the 单位 column spans both header rows */
    }
  }
  function init() {
    var tables = document.querySelectorAll("table.nb-sortable");
    for (var i = 0; i < tables.length; i++) { setup(tables[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
