/* A lesson page reports the learner's progress to the server (POST percent, position):
   text   — how far the text was read; 100 once its end is on screen (at once if it fits);
   video  — the share of the video watched (not merely the position reached) and the
            position, every ~10 s while playing, on pause, on end and when leaving the page;
            it resumes at the stored position;
   embed  — a video on another site cannot be measured: the "I have watched it" button
            reports 100 (self-declared).
   One report at a time; the latest waiting one is sent when the previous is answered. */
(function () {
  "use strict";
  var root = document.getElementById("lesson");
  if (!root || !root.dataset.progressUrl) return;
  var url = root.dataset.progressUrl;
  var kind = root.dataset.kind;
  var stored = parseInt(root.dataset.percent || "0", 10) || 0;
  var statusBox = document.getElementById("lesson-status");
  var sentPercent = stored;
  var busy = false;
  var waiting = null;

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) { /* fall back to the cookie */ }
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function body(percent, position) {
    return "percent=" + encodeURIComponent(percent) + "&position=" + encodeURIComponent(position);
  }

  function show(answer) {
    if (answer.done && statusBox && !statusBox.querySelector(".tag")) {
      var tag = document.createElement("span");
      tag.className = "tag met";
      tag.textContent = statusBox.dataset.doneText;
      statusBox.textContent = "";
      statusBox.appendChild(tag);
    }
    if (answer.completed) {
      var box = document.getElementById("course-complete");
      var link = document.getElementById("certificate-link");
      if (link && answer.certificate_url) link.href = answer.certificate_url;
      if (box) box.hidden = false;
    }
    if (answer.done && kind === "embed") {
      var button = document.getElementById("lesson-watched");
      if (button) button.disabled = true;
    }
  }

  var failures = 0;

  function send(percent, position) {
    if (busy) { waiting = [percent, position]; return; }
    busy = true;
    var retry = false;
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrfToken()},
      body: body(percent, position)
    }).then(function (r) {
      if (!r.ok) { retry = r.status >= 500; throw new Error(String(r.status)); }
      return r.json();
    }, function (e) { retry = true; throw e; }).then(function (answer) {
      failures = 0;
      sentPercent = Math.max(sentPercent, answer.percent);
      show(answer);
    }).catch(function () {
      if (statusBox && !statusBox.querySelector(".tag")) statusBox.textContent = statusBox.dataset.errorText;
      // The network or the server failed: send it again later (a newer report supersedes it).
      if (retry && failures < 5) { failures += 1; if (!waiting) waiting = [percent, position]; }
      else retry = false;
    }).then(function () {
      busy = false;
      if (!waiting) return;
      var next = waiting;
      waiting = null;
      if (retry) setTimeout(function () { send(next[0], next[1]); }, 5000 * failures);
      else send(next[0], next[1]);
    });
  }

  if (kind === "text") {
    var text = document.getElementById("lesson-body");
    var pending = false;
    var readPercent = function () {
      var rect = text.getBoundingClientRect();
      var view = window.innerHeight || document.documentElement.clientHeight;
      if (rect.bottom <= view + 2) return 100;  // the end of the text is on screen
      if (rect.height <= 0) return 100;
      var seen = (view - rect.top) / rect.height * 100;
      return Math.max(0, Math.min(99, Math.floor(seen)));
    };
    var check = function () {
      pending = false;
      var p = readPercent();
      if (p === 100 ? sentPercent < 100 : p >= sentPercent + 10) {
        sentPercent = p;
        send(p, 0);
      }
    };
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; setTimeout(check, 400); }
    }, {passive: true});
    window.addEventListener("resize", check);
    check();
  }

  if (kind === "video") {
    var video = document.getElementById("lesson-video");
    var start = parseInt(root.dataset.position || "0", 10) || 0;
    var credit = 0;  // seconds counted as watched before this visit: [0, credit]
    var watched = function () {
      var d = video.duration;
      if (!d || !isFinite(d)) return 0;
      var spans = [[0, credit]];
      for (var i = 0; i < video.played.length; i++) spans.push([video.played.start(i), video.played.end(i)]);
      spans.sort(function (a, b) { return a[0] - b[0]; });
      var total = 0, from = 0, to = 0;
      spans.forEach(function (s) {
        if (s[0] > to) { total += to - from; from = s[0]; to = s[1]; }
        else if (s[1] > to) { to = s[1]; }
      });
      total += to - from;
      return Math.max(0, Math.min(100, Math.floor(total / d * 100)));
    };
    var report = function () {
      send(Math.max(watched(), 0), Math.floor(video.currentTime || 0));
    };
    video.addEventListener("loadedmetadata", function () {
      // What earlier visits reported, taken as watched from the start up to where they stopped.
      credit = Math.min(start, stored / 100 * video.duration);
      if (start > 0 && start < video.duration - 2) video.currentTime = start;
    });
    video.addEventListener("pause", report);
    video.addEventListener("ended", report);
    setInterval(function () { if (!video.paused && !video.ended) report(); }, 10000);
    window.addEventListener("pagehide", function () { if (video.played.length) report(); });
  }

  if (kind === "embed") {
    var button = document.getElementById("lesson-watched");
    if (button) button.addEventListener("click", function () { send(100, 0); });
  }
}());
