/* SCORM 1.2 run-time calls of a lesson page exported by the union training system.
   Self-contained (no library, no network): finds the LMS's API object the way ADL's and
   pipwerks' wrappers do — up the frames (window.parent), then the opener's frames — calls
   LMSInitialize, marks a page done as its kind says, and LMSFinish when the page goes. */
(function () {
  "use strict";
  var MAX_DEPTH = 500;

  function apiIn(win) {
    var depth = 0;
    try {
      while (win && !win.API && win.parent && win.parent !== win && depth < MAX_DEPTH) {
        depth += 1;
        win = win.parent;
      }
      return (win && win.API) || null;
    } catch (e) { // a frame of another origin: no API there
      return null;
    }
  }

  function findAPI() {
    var api = apiIn(window);
    if (!api && window.opener) {
      try { api = apiIn(window.opener); } catch (e) { api = null; }
    }
    return api;
  }

  var api = findAPI();
  var started = false;
  var finished = false;
  var startedAt = new Date().getTime();

  function ok(value) { return String(value) === "true"; }

  function get(name) { return started ? String(api.LMSGetValue(name)) : ""; }

  function set(name, value) { return started && ok(api.LMSSetValue(name, String(value))); }

  function commit() { return started && ok(api.LMSCommit("")); }

  function pad(n, width) { n = String(n); while (n.length < width) { n = "0" + n; } return n; }

  // CMITimespan: HHHH:MM:SS.SS
  function timespan(ms) {
    var s = Math.floor(ms / 1000);
    return pad(Math.floor(s / 3600), 4) + ":" + pad(Math.floor(s / 60) % 60, 2) + ":" + pad(s % 60, 2);
  }

  function start() {
    if (!api || started) { return started; }
    started = ok(api.LMSInitialize(""));
    if (started) {
      var status = get("cmi.core.lesson_status");
      if (status === "not attempted" || status === "") {
        set("cmi.core.lesson_status", "incomplete");
        commit();
      }
    }
    return started;
  }

  function status() { return get("cmi.core.lesson_status"); }

  // Done by being read or watched; a lesson already passed or failed keeps its result.
  function complete() {
    var now = status();
    if (now === "completed" || now === "passed" || now === "failed") { return true; }
    var done = set("cmi.core.lesson_status", "completed");
    commit();
    return done;
  }

  // A quiz's result: its score (0-100) and passed / failed against the passing score.
  function score(percent, passed) {
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", percent);
    set("cmi.core.lesson_status", passed ? "passed" : "failed");
    return commit();
  }

  function finish() {
    if (!started || finished) { return; }
    finished = true;
    set("cmi.core.session_time", timespan(new Date().getTime() - startedAt));
    set("cmi.core.exit", status() === "incomplete" ? "suspend" : "");
    commit();
    api.LMSFinish("");
  }

  function watchVideo(video) {
    var resume = parseFloat(get("cmi.core.lesson_location"));
    if (resume > 0) {
      video.addEventListener("loadedmetadata", function () {
        if (resume < video.duration - 1) { video.currentTime = resume; }
      }, { once: true });
    }
    var saved = 0;
    video.addEventListener("timeupdate", function () {
      if (video.duration > 0 && video.currentTime / video.duration >= 0.9) { complete(); }
      if (Math.abs(video.currentTime - saved) >= 10) { // every 10 s of playing, not each frame
        saved = video.currentTime;
        set("cmi.core.lesson_location", Math.floor(saved));
      }
    });
    video.addEventListener("ended", complete);
  }

  window.scorm12 = { api: api, start: start, get: get, set: set, commit: commit,
    complete: complete, score: score, finish: finish };

  document.addEventListener("DOMContentLoaded", function () {
    if (!start()) {
      var note = document.getElementById("scorm-status");
      if (note) { note.hidden = false; }
      return;
    }
    var kind = document.body.getAttribute("data-kind");
    if (kind === "video") {
      var video = document.getElementById("lesson-video");
      if (video) { watchVideo(video); }
    } else if (kind !== "quiz" && kind !== "scorm") { // text, PDF, an embedded video: opened
      complete();
    }
  });
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  window.addEventListener("unload", finish);
}());
