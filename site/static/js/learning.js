// Reports a logged-in member's active reading time and media progress for 我的学习.
// Counts only time when the page is visible and the reader has been active in the last
// 30 seconds; sends with keepalive so the last report survives leaving the page.
(function () {
  "use strict";
  var section = document.querySelector("[data-learning-page]");
  if (!section || !window.fetch) return;
  var pageId = Number(section.getAttribute("data-learning-page"));
  var endpoint = section.getAttribute("data-learning-endpoint");
  var IDLE_AFTER_MS = 30000;
  var REPORT_EVERY_MS = 30000;

  var lastActivity = Date.now();
  var lastTick = Date.now();
  var unreportedMs = 0;
  var bestProgress = 0;
  var reportedProgress = 0;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

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

  function report() {
    tick();
    var events = [];
    var at = new Date().toISOString();
    var seconds = Math.min(Math.round(unreportedMs / 1000), 3600);
    if (seconds > 0) events.push({ id: uuid(), page: pageId, verb: "viewed", value: seconds, at: at });
    if (bestProgress > reportedProgress) {
      events.push({ id: uuid(), page: pageId, verb: "progressed", value: Math.round(bestProgress * 1000) / 1000, at: at });
    }
    if (!events.length) return;
    unreportedMs = 0;
    reportedProgress = bestProgress;
    fetch(endpoint, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ events: events })
    }).catch(function () { /* offline: this stretch of reading is simply not counted */ });
  }

  ["scroll", "keydown", "pointerdown", "touchstart", "mousemove"].forEach(function (name) {
    window.addEventListener(name, function () { tick(); lastActivity = Date.now(); }, { passive: true });
  });
  document.querySelectorAll("video, audio").forEach(function (media) {
    media.addEventListener("timeupdate", function () {
      lastActivity = Date.now();
      if (media.duration > 0) bestProgress = Math.max(bestProgress, media.currentTime / media.duration);
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") report(); else { lastTick = Date.now(); }
  });
  window.addEventListener("pagehide", report);
  setInterval(report, REPORT_EVERY_MS);
})();
