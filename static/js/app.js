/* Behaviour the Content-Security-Policy keeps out of the templates (no inline handlers):
   data-print   — a button that prints the page;
   data-confirm — a submit button that asks first (the attribute holds the question). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-confirm]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
    } else if (!window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
/* The top menu's groups (templates/base.html, <details class="group">) open and close without
   a script; this makes them behave as a menu: one open at a time, closed by a click elsewhere
   or Escape, and the group of the page shown marked. */
(function () {
  "use strict";
  function groups() {
    return document.querySelectorAll("header.top details.group");
  }
  document.addEventListener(
    "toggle",
    function (event) {
      var opened = event.target;
      if (!opened.matches || !opened.matches("header.top details.group") || !opened.open) return;
      groups().forEach(function (group) {
        if (group !== opened) group.open = false;
      });
    },
    true
  );
  document.addEventListener("click", function (event) {
    groups().forEach(function (group) {
      if (group.open && !group.contains(event.target)) group.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups().forEach(function (group) {
      if (!group.open) return;
      group.open = false;
      if (group.contains(document.activeElement)) group.querySelector("summary").focus();
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    // The menu link whose path is the longest start of this page's path is the page's own.
    var best = null;
    document.querySelectorAll("header.top nav a, header.top .dropdown a").forEach(function (link) {
      var path = link.pathname;
      if (path === "/" || location.pathname.indexOf(path) !== 0) return;
      if (!best || path.length > best.pathname.length) best = link;
    });
    if (!best) return;
    best.setAttribute("aria-current", "page");
    var group = best.closest("details.group");
    if (group) group.classList.add("current");
  });
})();
