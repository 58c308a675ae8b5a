// Reports a logged-in member's active reading time and media progress for 我的学习.
// Counts only time when the page is visible and the reader has been active in the last
// 30 seconds. Every event goes first into an outbox in localStorage, kept per member, and
// leaves it only when the server has stored it (or called it a duplicate) or named it as
// invalid: offline, 5xx, 429 and 403 are retried with back-off, here and on the next page.
(function () {
  "use strict";
  var section = document.querySelector("[data-learning-page]");
  var shared = document.getElementById("hongke-conventions"); // core.frontend
  if (!section || !shared || !window.fetch || !window.JSON) return;
  var conventions = JSON.parse(shared.textContent);
  function setting(name, fallback) {
    return Number(section.getAttribute("data-learning-" + name)) || fallback;
  }
  var pageId = Number(section.getAttribute("data-learning-page"));
  var endpoint = section.getAttribute("data-learning-endpoint");
  var csrfEndpoint = section.getAttribute("data-learning-csrf");
  var member = section.getAttribute("data-learning-member") || "";
  var STORE_KEY = conventions.storage.outbox + member;
  var REPORT_EVERY_MS = setting("report-ms", 30000);
  var RETRY_MS = setting("retry-ms", 2000);
  var RETRY_MAX_MS = setting("retry-max-ms", 300000);
  var IDLE_AFTER_MS = 30000;
  var MAX_QUEUE = 500;
  var BATCH = 50; // about 8 KB: well under the 64 KB a keepalive request may carry

  var lastActivity = Date.now();
  var lastTick = Date.now();
  var unreportedMs = 0;
  var bestProgress = 0;
  var reportedProgress = 0;
  var sending = false;
  var failures = 0;
  var retryTimer = null;
  var stopped = false; // the server says another member is logged in now
  var loggedOut = false; // the member logged out from this page: nothing of theirs is kept now
  var memoryQueue = []; // when localStorage is unavailable (private mode on some phones)

  // --- the outbox -------------------------------------------------------------------------
  function load() {
    try {
      var stored = window.localStorage.getItem(STORE_KEY);
      return stored ? JSON.parse(stored) : [];
    } catch (e) {
      return memoryQueue;
    }
  }

  function save(queue) {
    // After the logout signal, time counted while the page unloads (pagehide) or a reply to
    // a send already under way must not put the member's outbox back on the phone.
    if (loggedOut) queue = [];
    memoryQueue = queue;
    try {
      if (queue.length) window.localStorage.setItem(STORE_KEY, JSON.stringify(queue));
      else window.localStorage.removeItem(STORE_KEY);
    } catch (e) { /* full or disabled: the memory copy still goes out from this page */ }
  }

  function enqueue(events) {
    var queue = load().concat(events);
    while (queue.length > MAX_QUEUE) {
      var oldest = 0;
      for (var i = 0; i < queue.length; i++) {
        if (queue[i].verb === "viewed") { oldest = i; break; }
      }
      queue.splice(oldest, 1);
    }
    save(queue);
  }

  function removeIds(ids) {
    save(load().filter(function (event) { return !ids[event.id]; }));
  }

  // --- counting -----------------------------------------------------------------------------
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function tick() {
    var now = Date.now();
    if (document.visibilityState === "visible" && now - lastActivity < IDLE_AFTER_MS) {
      unreportedMs += now - lastTick;
    }
    lastTick = now;
  }

  function record() {
    tick();
    var events = [];
    var at = new Date().toISOString();
    var seconds = Math.min(Math.floor(unreportedMs / 1000), 3600);
    if (seconds > 0) {
      unreportedMs -= seconds * 1000;
      events.push({ id: uuid(), page: pageId, verb: "viewed", value: seconds, at: at });
    }
    if (bestProgress > reportedProgress) {
      reportedProgress = bestProgress;
      events.push({ id: uuid(), page: pageId, verb: "progressed", value: Math.round(bestProgress * 1000) / 1000, at: at });
    }
    if (events.length) enqueue(events);
  }

  // --- sending ------------------------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function refreshCsrf() {
    return fetch(csrfEndpoint, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var field = document.querySelector("input[name=csrfmiddlewaretoken]");
        if (field && data.token) field.value = data.token;
      });
  }

  function retryLater(minimumMs) {
    failures += 1;
    var delay = Math.min(RETRY_MAX_MS, RETRY_MS * Math.pow(2, failures - 1));
    delay = Math.max(delay / 2 + Math.random() * delay / 2, minimumMs || 0);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, delay);
  }

  function retryAfterMs(response) {
    var header = response.headers.get("Retry-After");
    if (!header) return 0;
    var seconds = Number(header);
    if (!isNaN(seconds)) return seconds * 1000;
    var when = Date.parse(header);
    return isNaN(when) ? 0 : Math.max(0, when - Date.now());
  }

  function settle(batch, response, body) {
    var ids = {};
    if (response.ok) {
      batch.forEach(function (event) { ids[event.id] = true; });
    } else if (response.status === 400 && body && body.problems) {
      body.problems.forEach(function (problem) {
        if (problem.index === null || !batch[problem.index]) return;
        ids[batch[problem.index].id] = true;
      });
      if (!Object.keys(ids).length) batch.forEach(function (event) { ids[event.id] = true; });
    } else {
      return false;
    }
    removeIds(ids);
    return true;
  }

  function headers() {
    var sent = { "Content-Type": "application/json", "X-CSRFToken": csrfToken() };
    sent[conventions.headers.learningMember] = member;
    return sent;
  }

  function flush(keepalive) {
    if (stopped || (sending && !keepalive)) return;
    var batch = load().slice(0, BATCH);
    if (!batch.length) return;
    if (navigator.onLine === false) return; // the "online" event brings us back
    clearTimeout(retryTimer);
    sending = true;
    var response;
    fetch(endpoint, {
      method: "POST",
      keepalive: keepalive === true,
      credentials: "same-origin",
      headers: headers(),
      body: JSON.stringify({ events: batch })
    }).then(function (answer) {
      response = answer;
      return answer.json().catch(function () { return null; });
    }).then(function (body) {
      sending = false;
      if (settle(batch, response, body)) {
        failures = 0;
        flush();
      } else if (response.status === 409) {
        stopped = true; // another member's session: keep the queue for its owner
      } else if (response.status === 403) {
        refreshCsrf().then(function () { retryLater(); }, function () { retryLater(); });
      } else {
        retryLater(response.status === 429 ? retryAfterMs(response) : 0);
      }
    }).catch(function () {
      sending = false;
      retryLater();
    });
  }

  function report() {
    record();
    flush();
  }

  function leave() {
    record();
    flush(true);
  }

  // --- when ---------------------------------------------------------------------------------
  ["scroll", "keydown", "pointerdown", "touchstart", "mousemove"].forEach(function (name) {
    window.addEventListener(name, function () { tick(); lastActivity = Date.now(); }, { passive: true });
  });
  // A page's media report their progress, except those marked data-learning-media="ignore"
  // (a site's audio guides: the tour's progress is its scenes).
  document.querySelectorAll("video, audio").forEach(function (media) {
    var counts = media.getAttribute("data-learning-media") !== "ignore";
    media.addEventListener("timeupdate", function () {
      lastActivity = Date.now();
      if (counts && media.duration > 0) bestProgress = Math.max(bestProgress, media.currentTime / media.duration);
    });
  });
  // The hook for a page's own walk-through (a site's 虚拟参观, tour.js): it dispatches the
  // progress event (conventions.events.learningProgress) with {detail: {value: share}}, the
  // share (0..1) seen so far; it leaves as a "progressed" event for this page, now.
  document.addEventListener(conventions.events.learningProgress, function (event) {
    var value = Number(event.detail && event.detail.value);
    if (!(value > 0)) return;
    lastActivity = Date.now();
    bestProgress = Math.max(bestProgress, Math.min(value, 1));
    report();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave(); else { lastTick = Date.now(); }
  });
  window.addEventListener("pagehide", leave);
  window.addEventListener("online", function () { failures = 0; flush(); });
  setInterval(report, REPORT_EVERY_MS);

  // The logout signal (offline.js sends it before it empties the phone): one last try to
  // send, then nothing of this member stays.
  document.addEventListener(conventions.events.logout, function () {
    record();
    flush(true);
    stopped = true;
    loggedOut = true;
    save([]);
  }, true);

  flush(); // what earlier pages (or an earlier visit) left unsent
})();
