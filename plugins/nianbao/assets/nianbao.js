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
