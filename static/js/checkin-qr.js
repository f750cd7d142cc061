/* The session's QR screen (training/sessions/qr.html): the code changes every minute, so the
   page asks the server for the current one (and the count of those present) as each minute
   turns, and every few seconds in between for the count; a countdown says when it changes.
   The server makes the code: this script only shows what it is sent. */
(function () {
  "use strict";

  var box = document.querySelector("[data-qr-refresh]");
  if (!box) return;
  var url = box.getAttribute("data-qr-refresh");
  var timer = null;
  var ticker = null;

  function secondsLeft() {
    var live = box.querySelector("[data-seconds]");
    var seconds = live ? parseInt(live.getAttribute("data-seconds"), 10) : NaN;
    return seconds > 0 ? seconds : 10;
  }

  function countdown(seconds) {
    clearInterval(ticker);
    var left = seconds;
    ticker = setInterval(function () {
      left = Math.max(left - 1, 0);
      var shown = box.querySelector("[data-countdown]");
      if (shown) shown.textContent = left;
    }, 1000);
  }

  function schedule() {
    var seconds = secondsLeft();
    countdown(seconds);
    clearTimeout(timer);
    // At the turn of the minute (a little after, so the server's clock has turned too),
    // and at least every 15 s for the count of those present.
    timer = setTimeout(refresh, Math.min(seconds, 15) * 1000 + 300);
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected) {
          window.location.reload(); // signed out: the whole page goes to the login
          return null;
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        box.innerHTML = html;
        schedule();
      })
      .catch(function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 5000); // the network came and went: try again soon
      });
  }

  schedule();
})();
