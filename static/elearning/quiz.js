(function () {
  // Only a display: the server refuses answers that arrive after its own deadline.
  var box = document.getElementById("quiz-countdown"), form = document.getElementById("quiz-form");
  var end = Date.now() + 1000 * parseInt(box.dataset.seconds, 10), shown = box.querySelector("b");
  var sent = false;
  form.addEventListener("submit", function () { sent = true; });
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    shown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left <= 0) { clearInterval(timer); if (!sent) { sent = true; form.submit(); } }
  }
  var timer = setInterval(tick, 1000);
  tick();
})();
