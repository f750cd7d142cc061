/* The video of a lesson in the phone version (elearning/video.py: 360p, ~460 kbit/s) or the
   original. The phone version is chosen on a small screen, when the browser asks to save data
   or on a slow connection; the learner's own choice ("Low quality (saves data)") is kept on
   this device and wins. A <source media="…"> would be simpler, but Chromium ignores `media`
   on a video's sources. Loaded before lesson.js, so the first choice is made before it looks
   at the video. */
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  var choice = document.getElementById("video-phone-choice");
  if (!video || !choice || !video.dataset.phoneSrc) return;
  var KEY = "video-quality";
  var full = video.getAttribute("src");
  var phone = video.dataset.phoneSrc;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function prefersPhone() {
    var kept = stored();
    if (kept === "phone" || kept === "full") return kept === "phone";
    var link = navigator.connection;
    if (link && (link.saveData || /^(slow-2g|2g|3g)$/.test(link.effectiveType || ""))) return true;
    return Math.min(screen.width, screen.height) <= 480;
  }

  function use(src) {
    if (video.getAttribute("src") === src) return;
    var at = video.currentTime || 0;
    var playing = !video.paused && !video.ended;
    if (playing) video.pause(); // lesson.js reports what was watched so far on pause
    video.setAttribute("src", src);
    if (at > 0) {
      video.addEventListener("loadedmetadata", function () {
        video.currentTime = at;
        if (playing) video.play();
      }, {once: true});
    }
    video.load();
  }

  choice.checked = prefersPhone();
  if (choice.checked) use(phone);
  document.getElementById("video-quality").hidden = false;
  choice.addEventListener("change", function () {
    try { localStorage.setItem(KEY, choice.checked ? "phone" : "full"); } catch (e) { /* private mode */ }
    use(choice.checked ? phone : full);
  });
})();
