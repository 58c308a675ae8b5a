// 虚拟参观: the 360° viewer of a site page's tour. Nothing of the viewer loads before the
// member taps 开始参观: then this inserts Pannellum's stylesheet and script (from our own
// static files) and builds the viewer from the JSON the server put in the page
// (#tour-config, see exhibits/tour_display.py). Without JavaScript, or when the viewer
// cannot run (no WebGL), the page's list of scenes, hotspots and audio guides is the visit.
//
// Learning: each distinct scene shown counts; the page tells learning.js (loaded for
// logged-in members) with the document's progress event (core.frontend), detail {value:
// share seen}.
(function () {
  "use strict";
  var section = document.querySelector("[data-tour]");
  var configNode = document.getElementById("tour-config");
  var shared = document.getElementById("hongke-conventions");
  if (!section || !configNode || !shared || !window.JSON || !window.Promise) return;
  var progressEvent = JSON.parse(shared.textContent).events.learningProgress;
  var start = section.querySelector("[data-tour-start]");
  var holder = section.querySelector("[data-tour-viewer]");
  var status = section.querySelector("[data-tour-status]");
  var info = section.querySelector("[data-tour-info]");
  var gyro = section.querySelector("[data-tour-gyro]");
  var config = JSON.parse(configNode.textContent);
  var messages = config.messages || {};
  var total = Object.keys(config.scenes).length;
  var seen = {};
  var viewer = null;
  var loading = false;
  start.setAttribute("role", "button");

  function say(text) { status.textContent = text || ""; }

  function hasWebGL() {
    try {
      var canvas = document.createElement("canvas");
      return !!(window.WebGLRenderingContext &&
        (canvas.getContext("webgl") || canvas.getContext("experimental-webgl")));
    } catch (e) {
      return false;
    }
  }

  function insert(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function fail() {
    loading = false;
    holder.hidden = true;
    gyro.hidden = true;
    say(messages.failed);
  }

  // --- what hotspots do ---------------------------------------------------------------------
  function showSpot(id) {
    var item = document.getElementById(id);
    if (!item) return;
    var copy = item.cloneNode(true);
    copy.removeAttribute("id");
    info.textContent = "";
    while (copy.firstChild) info.appendChild(copy.firstChild);
    info.hidden = false;
  }

  function goTo(id) {
    var target = document.getElementById(id);
    if (!target) return;
    target.scrollIntoView({ behavior: "smooth", block: "start" });
    target.focus({ preventScroll: true });
  }

  function wireHotspots() {
    Object.keys(config.scenes).forEach(function (key) {
      config.scenes[key].hotSpots.forEach(function (spot) {
        if (spot.show) spot.clickHandlerFunc = function () { showSpot(spot.show); };
        if (spot.goto) spot.clickHandlerFunc = function () { goTo(spot.goto); };
      });
    });
  }

  // --- progress -----------------------------------------------------------------------------
  function sceneShown() {
    var id = viewer.getScene();
    var scene = config.scenes[id];
    say(scene && messages.scene ? messages.scene.replace("%s", scene.title) : "");
    if (seen[id]) return;
    seen[id] = true;
    var value = Object.keys(seen).length / total;
    document.dispatchEvent(new CustomEvent(progressEvent, { detail: { value: value } }));
  }

  // --- the phone's motion sensor ------------------------------------------------------------
  function syncGyro() {
    if (viewer) gyro.setAttribute("aria-pressed", viewer.isOrientationActive() ? "true" : "false");
  }

  gyro.addEventListener("click", function () {
    if (!viewer) return;
    if (viewer.isOrientationActive()) viewer.stopOrientation(); else viewer.startOrientation();
    setTimeout(syncGyro, 400); // iOS asks for permission first
  });

  // --- the viewer ---------------------------------------------------------------------------
  function build() {
    wireHotspots();
    holder.hidden = false;
    try {
      viewer = window.pannellum.viewer(holder, config);
    } catch (e) {
      fail();
      return;
    }
    window.hongkeTour = viewer; // for the browser tests and the curious
    viewer.on("load", function () {
      loading = false;
      section.classList.add("tour--running");
      // Pannellum follows the sensor only on HTTPS phones, where DeviceOrientationEvent exists.
      gyro.hidden = !("DeviceOrientationEvent" in window && viewer.isOrientationSupported());
      sceneShown();
    });
    viewer.on("scenechange", function () { info.hidden = true; });
    viewer.on("error", fail);
    holder.addEventListener("touchend", syncGyro);
    holder.addEventListener("mouseup", syncGyro);
  }

  start.addEventListener("click", function (event) {
    event.preventDefault();
    if (viewer || loading) {
      holder.scrollIntoView({ block: "nearest" });
      return;
    }
    if (!hasWebGL()) {
      say(messages.failed);
      return;
    }
    loading = true;
    say(messages.loading);
    Promise.all([
      insert("link", { rel: "stylesheet", href: section.getAttribute("data-tour-css") }),
      insert("script", { src: section.getAttribute("data-tour-js") })
    ]).then(build, fail);
  });

  // Scene links (the scene list and scene hotspots in the text list) move the viewer once it
  // runs; before that they are ordinary links to the scene's section.
  section.addEventListener("click", function (event) {
    var link = event.target.closest("[data-tour-scene]");
    if (!link || !viewer || !config.scenes[link.getAttribute("data-tour-scene")]) return;
    event.preventDefault();
    viewer.loadScene(link.getAttribute("data-tour-scene"));
    holder.scrollIntoView({ behavior: "smooth", block: "nearest" });
  });
})();
