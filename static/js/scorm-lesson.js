/* The lesson page of a SCORM lesson: the launch page (on the content origin) tells it what
   each commit's answer said, and the page shows the lesson done and the course complete as
   the other lessons' pages do. Only messages from the content origin are read; they change
   what is shown, never what is saved (the server decided that when it answered the commit). */
(function () {
  "use strict";
  var frame = document.getElementById("scorm-frame");
  if (!frame) return;
  var origin = new URL(frame.src).origin;
  var status = document.getElementById("lesson-status");
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || typeof event.data.scormCommit !== "object") return;
    var answer = event.data.scormCommit;
    if (answer.done === true && status && !status.querySelector(".tag")) {
      var tag = document.createElement("span");
      tag.className = "tag met";
      tag.textContent = status.dataset.doneText;
      status.textContent = "";
      status.appendChild(tag);
    }
    if (answer.completed === true) {
      var box = document.getElementById("course-complete");
      var link = document.getElementById("certificate-link");
      if (link && /^\/[\w\/.-]*$/.test(answer.certificate || "")) link.href = answer.certificate;
      if (box) box.hidden = false;
    }
  });
}());
