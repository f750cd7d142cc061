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
