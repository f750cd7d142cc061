/* The installable app's side in the page (issue 25 §3); its <script> tag is
   templates/app/_head.html, whose data- attributes carry the user and the words.
   - Registers the service worker (static/js/sw.js) for a signed-in user; on a page for nobody
     (after logging out, a session ended) removes it and every user's kept pages.
   - Logging out deletes the user's kept pages and saved lessons first (a shared phone).
   - A page served from the phone's copy shows "Offline — data updated at HH:MM dd/mm/yyyy".
   - Progress made offline (queued by the worker) is sent to /elearning/learn/sync/ on load and
     when the phone is back online; what the server refused is said, then dropped.
   - "Save for offline reading" on a lesson page keeps the page and its file (a size limit);
     the learner's pages list the saved lessons with a button to remove each. */
(function () {
  "use strict";
  var tag = document.getElementById("pwa");
  if (!tag) return;
  var data = tag.dataset;
  var USER = data.user || "";
  var PAGES = "pages-u" + USER;
  var LESSONS = "lessons-u" + USER;
  var SAVED = "saved-lessons-u" + USER;
  var MB = 1024 * 1024;

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) { /* fall back to the cookie */ }
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function say(text, kind) {
    var main = document.querySelector("main");
    if (!main || !text) return null;
    var p = document.createElement("p");
    p.className = "msg " + (kind || "info");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = text;
    main.insertBefore(p, main.firstChild);
    return p;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "?";
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + two(d.getDate()) + "/" +
      two(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  function megabytes(bytes) {
    return (bytes / MB).toLocaleString(document.documentElement.lang || "vi", {maximumFractionDigits: 1});
  }

  var served = tag.getAttribute("data-served");
  if (served === "cache") {
    var banner = say(data.offlineText.replace("{time}", when(tag.getAttribute("data-synced-at"))), "warning");
    if (banner) banner.classList.add("offline-banner");
  }

  // --- who: register, or remove what a signed-out phone keeps --------------------------------

  function forget(prefixes) {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return prefixes.some(function (p) { return name.indexOf(p) === 0; });
      }).map(function (name) { return caches.delete(name); }));
    });
  }

  if (!("serviceWorker" in navigator)) return;
  if (!USER) {
    navigator.serviceWorker.getRegistrations().then(function (registrations) {
      if (!registrations.length) return;
      registrations.forEach(function (r) { r.unregister(); });
      forget(["pages-u", "lessons-u"]);
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf("saved-lessons-u") === 0) localStorage.removeItem(k);
      });
    });
    return;
  }
  navigator.serviceWorker.register("/sw.js?u=" + encodeURIComponent(USER) + (data.cadre ? "&c=1" : ""), {scope: "/"})
    .catch(function () { /* an old browser: the pages work online as before */ });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || new URL(form.action, location.href).pathname !== data.logout) return;
    if (form.dataset.forgotten) return;
    event.preventDefault();
    form.dataset.forgotten = "1";
    localStorage.removeItem(SAVED);
    var done = function () { form.submit(); };
    Promise.race([forget([PAGES, LESSONS]), new Promise(function (r) { setTimeout(r, 1500); })]).then(done, done);
  }, true);

  // --- the queue of progress made offline -----------------------------------------------------

  function openQueue() {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open("offline-progress", 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore("events", {keyPath: "key"}); };
      opening.onsuccess = function () { resolve(opening.result); };
      opening.onerror = function () { reject(opening.error); };
    });
  }
  function queued() {
    return openQueue().then(function (db) {
      return new Promise(function (resolve, reject) {
        var request = db.transaction("events").objectStore("events").getAll();
        request.onsuccess = function () {
          resolve(request.result.filter(function (e) { return e.user === USER; }));
        };
        request.onerror = function () { reject(request.error); };
      });
    });
  }
  function drop(keys) {
    return openQueue().then(function (db) {
      return new Promise(function (resolve) {
        var tx = db.transaction("events", "readwrite");
        keys.forEach(function (k) { tx.objectStore("events").delete(k); });
        tx.oncomplete = resolve;
        tx.onerror = resolve;
      });
    });
  }
  function enqueue(event) {
    return openQueue().then(function (db) {
      return new Promise(function (resolve) {
        var tx = db.transaction("events", "readwrite");
        tx.objectStore("events").put(event);
        tx.oncomplete = resolve;
        tx.onerror = resolve;
      });
    });
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return queued().then(function (events) {
      if (!events.length) return;
      events = events.slice(0, 100);
      return fetch(data.syncUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify({events: events.map(function (e) {
          return {key: e.key, lesson: e.lesson, percent: e.percent, position: e.position, at: e.at};
        })})
      }).then(function (response) {
        if (!response.ok) return;  // the server or the connection failed: kept for later
        return response.json().then(function (answer) {
          var accepted = 0, titles = {};
          var saved = savedLessons();
          answer.results.forEach(function (r) {
            if (r.accepted) { accepted += 1; return; }
            var title = saved[r.lesson] ? saved[r.lesson].title : "#" + r.lesson;
            titles[title + ": " + r.message] = true;
          });
          Object.keys(titles).forEach(function (text) { say(data.refusedText + " " + text, "error"); });
          if (accepted) say(data.sentText.replace("{n}", String(accepted)), "success");
          document.documentElement.dataset.synced = String(accepted);
          return drop(answer.results.map(function (r) { return r.key; }).filter(Boolean));
        });
      });
    }).catch(function () { /* offline again: kept for later */ }).then(function () {
      sending = false;
    });
  }
  window.addEventListener("online", flush);
  if (served !== "cache") flush();

  // A PDF is done once opened; the server records it when it serves the page, so a saved
  // PDF opened offline is queued here.
  var lessonBox = document.getElementById("lesson");
  var lessonMatch = /^\/elearning\/learn\/lessons\/(\d+)\/$/.exec(location.pathname);
  if (served === "cache" && lessonBox && lessonMatch && lessonBox.dataset.kind === "pdf") {
    enqueue({
      key: (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + "-" + Math.random().toString(16).slice(2)),
      user: USER, lesson: parseInt(lessonMatch[1], 10), percent: 100, position: 0,
      at: new Date().toISOString()
    });
  }

  // --- lessons saved for offline reading ------------------------------------------------------

  function savedLessons() {
    try { return JSON.parse(localStorage.getItem(SAVED) || "{}") || {}; } catch (e) { return {}; }
  }
  function setSaved(list) { localStorage.setItem(SAVED, JSON.stringify(list)); }

  function removeLesson(pk) {
    var list = savedLessons();
    var item = list[pk];
    delete list[pk];
    setSaved(list);
    if (!item) return Promise.resolve();
    return caches.open(LESSONS).then(function (cache) {
      return Promise.all([cache.delete(item.page), item.file ? cache.delete(item.file) : null]);
    });
  }

  var box = document.getElementById("offline-save");
  if (box && window.caches) {
    var saveButton = document.getElementById("offline-save-button");
    var removeButton = document.getElementById("offline-remove-button");
    var status = document.getElementById("offline-save-status");
    var pk = box.dataset.lesson;
    var limit = parseInt(box.dataset.limitMb || "100", 10) * MB;
    var size = 0;
    var showState = function () {
      var isSaved = !!savedLessons()[pk];
      saveButton.hidden = isSaved;
      removeButton.hidden = !isSaved;
      if (isSaved) status.textContent = box.dataset.savedText;
    };
    box.hidden = false;
    showState();
    // The file's size, asked only when saving (no extra request on each visit over 3G):
    // shown, and a file over the limit is not saved.
    // A video with a phone version (elearning/video.py) keeps that, much smaller, under the
    // file's own address: offline, sw.js answers the player's requests (and ranges) from it.
    var source = box.dataset.fetch || box.dataset.file;
    var measure = function () {
      if (!box.dataset.file) return Promise.resolve(0);
      return fetch(source, {method: "HEAD", credentials: "same-origin"}).then(function (r) {
        size = parseInt(r.headers.get("Content-Length") || "0", 10) || 0;
        if (size) document.getElementById("offline-save-size").textContent = "(" + megabytes(size) + " MB)";
        if (size > limit) throw new Error("too large");
        return size;
      });
    };
    saveButton.addEventListener("click", function () {
      saveButton.disabled = true;
      status.textContent = box.dataset.savingText;
      measure().then(function () {
        return caches.open(LESSONS);
      }, function (error) {
        if (error.message === "too large") {
          status.textContent = box.dataset.tooLargeText.replace("{mb}", megabytes(limit));
        } else {
          saveButton.disabled = false;
          status.textContent = box.dataset.failedText;
        }
        return null;
      }).then(function (cache) {
        if (!cache) return false;
        var wanted = [box.dataset.page].concat(box.dataset.file ? [box.dataset.file] : []);
        return Promise.all(wanted.map(function (address) {
          var from = address === box.dataset.file ? source : address;
          return fetch(from, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok || response.redirected) throw new Error(String(response.status));
            if (address === box.dataset.page) {
              var headers = new Headers(response.headers);
              headers.set("X-Synced-At", new Date().toISOString());
              return response.blob().then(function (body) {
                return cache.put(address, new Response(body, {status: 200, headers: headers}));
              });
            }
            return cache.put(address, response);
          });
        })).then(function () { return true; });
      }).then(function (saved) {
        if (!saved) return;
        var list = savedLessons();
        list[pk] = {title: box.dataset.title, course: box.dataset.course, page: box.dataset.page,
          file: box.dataset.file || "", size: size, savedAt: new Date().toISOString()};
        setSaved(list);
        saveButton.disabled = false;
        showState();
      }, function () {
        saveButton.disabled = false;
        status.textContent = box.dataset.failedText;
        removeLesson(pk);
      });
    });
    removeButton.addEventListener("click", function () {
      removeLesson(pk).then(function () { status.textContent = ""; showState(); });
    });
  }

  var shelf = document.getElementById("saved-lessons");
  if (shelf) {
    var list = savedLessons();
    var keys = Object.keys(list);
    var ul = document.getElementById("saved-lessons-list");
    keys.forEach(function (key) {
      var item = list[key];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.page;
      a.textContent = item.title;
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " — " + item.course + (item.size ? " · " + megabytes(item.size) + " MB" : "") +
        " · " + when(item.savedAt) + " ";
      li.appendChild(meta);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = shelf.dataset.removeText;
      button.addEventListener("click", function () {
        removeLesson(key).then(function () {
          li.remove();
          if (!ul.children.length) shelf.hidden = true;
        });
      });
      li.appendChild(button);
      ul.appendChild(li);
    });
    shelf.hidden = keys.length === 0;
  }
}());
