/* The app's service worker (issue 25 §3), served at /sw.js by elearning/views/offline.py,
   which fills in the shell's addresses and the version. Registered by static/js/pwa.js for a
   signed-in user only, as /sw.js?u=<user id>: each user's pages are kept in caches named by
   their id, and a worker for another user deletes them when it takes over (a shared phone).

   - The shell (CSS, scripts, icons, /offline/): kept at install, served from the cache.
   - The self-service pages (/me/, the learner's pages, one's certificates): from the network,
     the last good copy kept with the time it was fetched; with no connection the copy is
     served, marked so that the page shows "offline — data of <time>".
   - A lesson saved for offline (page and file, cache "lessons-u<id>"): its file is served
     from the cache, with byte ranges for a video. A video is kept in its phone version
     (pwa.js) under the file's address, which answers `?phone=1` too (the search is ignored).
   - A lesson page's progress report that cannot reach the server is queued in IndexedDB
     with the phone's time and a key; pwa.js sends the queue to /elearning/learn/sync/ when
     the phone is back online, and the server decides what counts.
   Never kept: anything but GET, other origins, redirects, responses marked no-store, and
   every page not listed below (officers' pages). */
"use strict";

var VERSION = "/*VERSION*/";
var SHELL = /*SHELL*/[];
var USER = (new URL(self.location.href).searchParams.get("u") || "").replace(/\D/g, "");
var CADRE = new URL(self.location.href).searchParams.get("c") === "1";
var SHELL_CACHE = "shell-" + VERSION;
var STATIC_CACHE = "static-" + VERSION;
var PAGES = "pages-u" + USER;
var LESSONS = "lessons-u" + USER;
var SLOW_NETWORK_MS = 10000; // a page kept is shown after this long on a very bad connection

var APP_PAGES = [
  /^\/me\/$/,
  /^\/elearning\/learn\/$/,
  /^\/elearning\/learn\/courses\/\d+\/$/,
  /^\/elearning\/learn\/lessons\/\d+\/$/
];
// A self-service cadre's own certificates (an officer may open other people's: not kept).
var CADRE_PAGES = [/^\/training\/records\/\d+\/certificate\/$/];
var LESSON_FILE = /^\/elearning\/learn\/lessons\/(\d+)\/file\/$/;
var PROGRESS = /^\/elearning\/learn\/lessons\/(\d+)\/progress\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  var keep = [SHELL_CACHE, STATIC_CACHE, PAGES, LESSONS];
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return keep.indexOf(name) < 0; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isAppPage(path) {
  var list = CADRE ? APP_PAGES.concat(CADRE_PAGES) : APP_PAGES;
  return USER !== "" && list.some(function (pattern) { return pattern.test(path); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && PROGRESS.test(url.pathname) && USER) {
    event.respondWith(progressOrQueue(request, url));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request));
  } else if (LESSON_FILE.test(url.pathname) && USER) {
    event.respondWith(lessonFile(request, url));
  } else if (request.mode === "navigate" && isAppPage(url.pathname)) {
    event.respondWith(networkFirst(request, url, true));
  } else if (request.headers.get("HX-Request") && isAppPage(referrerPath(request))) {
    // The parts an app page loads after it (/me/'s obligations, sessions, standards): kept
    // with the page, by path (their ?on= day changes daily), only when asked by an app page.
    event.respondWith(networkFirst(request, url, false));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return offlinePage(); }));
  }
});

function referrerPath(request) {
  try {
    var from = new URL(request.referrer);
    return from.origin === self.location.origin ? from.pathname : "";
  } catch (e) {
    return "";
  }
}

function offlinePage() {
  return caches.match("/offline/").then(function (page) { return page || Response.error(); });
}

// --- the shell and static files ------------------------------------------------------------

function staticFile(request) {
  return caches.match(request, {ignoreSearch: true}).then(function (cached) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        // Served stale, refreshed for the next time (hashed names in production never change;
        // in development a changed file is seen on the next load).
        var path = new URL(request.url).pathname;
        var into = SHELL.indexOf(path) >= 0 ? SHELL_CACHE : STATIC_CACHE;
        var copy = response.clone();
        caches.open(into).then(function (cache) { cache.put(path, copy); });
      }
      return response;
    });
    if (cached) {
      fresh.catch(function () { /* offline: the copy was enough */ });
      return cached;
    }
    return fresh;
  });
}

// --- the self-service pages ------------------------------------------------------------------

function keepable(response) {
  var control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && response.type === "basic" && !response.redirected &&
    control.indexOf("no-store") < 0 &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function stamped(response) {
  // The copy carries the time it was fetched: the page shows it when served offline.
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("X-Synced-At", new Date().toISOString());
    return new Response(body, {status: response.status, statusText: response.statusText, headers: headers});
  });
}

function keep(path, response) {
  return stamped(response).then(function (copy) {
    var saved = copy.clone();
    return Promise.all([
      caches.open(PAGES).then(function (cache) { return cache.put(path, copy); }),
      // A lesson saved for offline is refreshed too, so it shows what was last seen.
      caches.open(LESSONS).then(function (cache) {
        return cache.match(path).then(function (old) { if (old) return cache.put(path, saved); });
      })
    ]);
  });
}

function fromCache(path, mark) {
  return caches.open(PAGES).then(function (cache) { return cache.match(path); })
    .then(function (page) {
      return page || caches.open(LESSONS).then(function (cache) { return cache.match(path); });
    })
    .then(function (page) { return page && mark ? markedOffline(page) : page || null; });
}

function markedOffline(page) {
  // pwa.js's <script> tag says where the page came from; a kept copy says so, with its time.
  var synced = page.headers.get("X-Synced-At") || "";
  return page.text().then(function (html) {
    var headers = new Headers(page.headers);
    headers.delete("Content-Length"); // the text changes length; the body is already decoded
    headers.delete("Content-Encoding");
    html = html.replace('data-served="network"',
      'data-served="cache" data-synced-at="' + synced.replace(/[^0-9TZ:.+-]/g, "") + '"');
    return new Response(html, {status: 200, headers: headers});
  });
}

function networkFirst(request, url, mark) {
  var path = url.pathname;
  var network = fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      keep(path, copy).catch(function () { /* storage full: the page is shown anyway */ });
    }
    return response;
  });
  var slow = new Promise(function (resolve) {
    setTimeout(function () { resolve(null); }, SLOW_NETWORK_MS);
  }).then(function () { return fromCache(path, mark); });
  var offline = network.catch(function () {
    return fromCache(path, mark).then(function (page) {
      return page || (mark ? offlinePage() : new Response("", {status: 503}));
    });
  });
  // The network's answer unless it fails; on a very slow connection the kept copy first.
  return Promise.race([offline, slow.then(function (page) { return page || offline; })]);
}

// --- a saved lesson's file -------------------------------------------------------------------

function lessonFile(request, url) {
  return caches.open(LESSONS).then(function (cache) {
    return cache.match(url.pathname);
  }).then(function (cached) {
    if (!cached || url.searchParams.get("download") === "1") return fetch(request);
    var range = request.headers.get("Range");
    return range ? ranged(cached, range) : cached;
  });
}

function ranged(cached, header) {
  // A video asks for byte ranges: answered from the saved file (RFC 9110 §14).
  var match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return cached;
  return cached.blob().then(function (blob) {
    var size = blob.size, start, end;
    if (match[1] === "") {
      start = Math.max(0, size - parseInt(match[2], 10));
      end = size - 1;
    } else {
      start = parseInt(match[1], 10);
      end = match[2] === "" ? size - 1 : Math.min(parseInt(match[2], 10), size - 1);
    }
    if (start >= size || end < start) {
      return new Response(null, {status: 416, headers: {"Content-Range": "bytes */" + size}});
    }
    return new Response(blob.slice(start, end + 1), {
      status: 206,
      headers: {
        "Content-Type": cached.headers.get("Content-Type") || "application/octet-stream",
        "Content-Range": "bytes " + start + "-" + end + "/" + size,
        "Content-Length": String(end - start + 1),
        "Accept-Ranges": "bytes"
      }
    });
  });
}

// --- progress made offline -----------------------------------------------------------------

function openQueue() {
  return new Promise(function (resolve, reject) {
    var opening = indexedDB.open("offline-progress", 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore("events", {keyPath: "key"});
    };
    opening.onsuccess = function () { resolve(opening.result); };
    opening.onerror = function () { reject(opening.error); };
  });
}

function newKey() {
  if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
  var bytes = self.crypto.getRandomValues(new Uint8Array(16));
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
}

function whole(value) {
  var n = parseInt(value || "0", 10);
  return isFinite(n) && n > 0 ? n : 0;
}

function progressOrQueue(request, url) {
  var lesson = parseInt(PROGRESS.exec(url.pathname)[1], 10);
  return request.clone().text().then(function (body) {
    return fetch(request).catch(function () {
      var form = new URLSearchParams(body);
      var event = {
        key: newKey(), user: USER, lesson: lesson, percent: Math.min(100, whole(form.get("percent"))),
        position: whole(form.get("position")), at: new Date().toISOString()
      };
      return openQueue().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction("events", "readwrite");
          tx.objectStore("events").put(event);
          tx.oncomplete = resolve;
          tx.onerror = function () { reject(tx.error); };
        });
      }).then(function () {
        // Answered as the server would, without "done": the server decides when back online.
        return new Response(JSON.stringify({
          lesson: lesson, percent: event.percent, position: event.position,
          done: false, completed: false, queued: true
        }), {status: 202, headers: {"Content-Type": "application/json"}});
      });
    });
  });
}
