/* A units picker (units/widgets/pick.html): a match ticked in the search results moves up
   among the chosen units, so a new search does not drop it; unticking a chosen one keeps it
   listed, unticked, until the form is sent. */
(function () {
  "use strict";
  if (window.unitsPicker) return; // one listener however many pickers a page has
  window.unitsPicker = true;
  // Enter in a picker's search box searches; it does not send the whole form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest && event.target.closest(".unit-picker")) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    var choices = box.closest && box.closest(".unit-picker .unit-choices");
    if (!choices || !box.checked) return;
    var chosen = choices.parentNode.querySelector(".chosen");
    var already = chosen.querySelector('input[value="' + box.value.replace(/"/g, "") + '"]');
    if (already) {
      already.checked = true;
      box.closest("li").remove();
    } else {
      chosen.appendChild(box.closest("li"));
    }
  });
})();
