// A lecture's player (lecture pages with an uploaded file only). Without this script the
// <video> plays its 360p MP4 <source> (or the uploaded file). With it: the HLS stream where
// the phone plays HLS itself, else through hls.js (loaded here, only when the page has a
// stream), else the MP4 stays; and the 字幕 button. Chapter buttons are site.js's: they set
// currentTime and play(), which hls.js follows (it starts loading where the player is).
(function () {
  "use strict";
  var video = document.querySelector("video.player__media");
  if (!video) return;

  // 字幕: the captions track shown or hidden (off until asked; "hidden" keeps cues active).
  var button = document.querySelector(".player__captions");
  var captions = null;
  for (var i = 0; i < video.textTracks.length; i++) {
    if (video.textTracks[i].kind === "captions") captions = video.textTracks[i];
  }
  if (button && captions) {
    button.hidden = false;
    var sync = function () {
      button.setAttribute("aria-pressed", String(captions.mode === "showing"));
    };
    button.addEventListener("click", function () {
      captions.mode = captions.mode === "showing" ? "hidden" : "showing";
      sync();
    });
    // The player's own captions menu changes the same track.
    video.textTracks.addEventListener("change", sync);
  }

  var stream = video.getAttribute("data-hls");
  // Offline (a saved copy) only the MP4 the phone kept can play.
  if (!stream || navigator.onLine === false) return;
  if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = stream; // takes the place of the <source> children
    video.addEventListener("error", function fallback() {
      video.removeEventListener("error", fallback);
      video.removeAttribute("src");
      video.load(); // back to the MP4 <source>
    });
    return;
  }
  if (!window.MediaSource) return;
  var script = document.createElement("script");
  script.src = video.getAttribute("data-hls-script");
  script.onload = function () {
    var Hls = window.Hls;
    if (!Hls || !Hls.isSupported()) return;
    // The MP4 may already be playing (a chapter tapped before hls.js arrived): carry on there.
    var position = video.currentTime;
    var playing = !video.paused;
    // No worker (the CSP has none for it); nothing loaded until the member plays or seeks.
    var hls = new Hls({ enableWorker: false, autoStartLoad: false, capLevelToPlayerSize: true });
    var started = false;
    var start = function () {
      if (started) return;
      started = true;
      hls.startLoad(video.currentTime > 0 ? video.currentTime : -1);
    };
    hls.on(Hls.Events.ERROR, function (event, data) {
      if (!data.fatal) return;
      // Back to the MP4 <source>: destroy() empties src and the element picks its source again.
      hls.destroy();
      video.load();
    });
    hls.loadSource(stream);
    hls.attachMedia(video);
    video.addEventListener("play", start);
    video.addEventListener("seeking", start);
    if (position > 0 || playing) {
      video.currentTime = position;
      start();
      if (playing) video.play();
    }
  };
  document.head.appendChild(script);
})();
