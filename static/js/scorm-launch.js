/* The launch page of a SCORM lesson, on the content origin (elearning/views/scorm.py): the
   runtime (scorm-again, served from our static files) is made the page's window.API (SCORM
   1.2) or window.API_1484_11 (2004), loaded with what the learner's last commits left (who
   they are, where they stopped, their suspend data, the time spent so far), and the SCO
   opens in the frame below, from the same origin, where it finds the API by walking up its
   parents. Every commit goes to this attempt's commit address, whose signed key is the only
   credential: the content origin has no session and no cookie. */
(function () {
  "use strict";
  var holder = document.getElementById("scorm-settings");
  var frame = document.getElementById("sco");
  if (!holder || !frame) return;
  var data = JSON.parse(holder.textContent);
  var settings = {
    lmsCommitUrl: data.commitUrl,
    dataCommitFormat: "json",
    autocommit: true,
    autocommitSeconds: 10,
    alwaysSendTotalTime: true,
    logLevel: 4,
    // 1.2: with a mastery score from the manifest (cmi.student_data.mastery_score), the score
    // decides passed or failed, as the server decides it too (elearning.scorm.read_commit).
    mastery_override: data.version !== "2004",
    // The server's answer, as scorm-again reads it; what it says of the lesson and the course
    // is passed up to the lesson page, which shows it (the page's own state stays the
    // server's: a reload shows what was saved, whatever a message claimed).
    xhrResponseHandler: function (xhr) {
      var answer = null;
      if (xhr && xhr.status >= 200 && xhr.status <= 299) {
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      }
      if (!answer || answer.result !== true) return {result: "false", errorCode: 101};
      if (window.parent !== window) {
        window.parent.postMessage({scormCommit: {
          done: answer.done === true, completed: answer.completed === true,
          certificate: typeof answer.certificate === "string" ? answer.certificate : ""
        }}, "*");  // booleans and a path only; the frame-ancestors policy names the parents
      }
      return {result: "true", errorCode: 0};
    }
  };
  var api;
  try {
    if (data.version === "2004") {
      api = new window.Scorm2004API(settings);
      window.API_1484_11 = api;
    } else {
      api = new window.Scorm12API(settings);
      window.API = api;
    }
    api.loadFromJSON(data.cmi || {});
  } catch (e) {
    document.getElementById("scorm-error").hidden = false;
    return;
  }
  frame.src = data.scoUrl;
})();
