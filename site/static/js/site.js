// Small enhancements only: every page works without this script.
(function () {
  "use strict";
  // Lecture chapters: tap a chapter to jump the player to its start.
  var player = document.querySelector(".player__media");
  if (!player) return;
  document.querySelectorAll(".chapter[data-seek]").forEach(function (chapter) {
    chapter.classList.add("chapter--seekable");
    chapter.setAttribute("role", "button");
    chapter.setAttribute("tabindex", "0");
    function seek() {
      player.currentTime = Number(chapter.getAttribute("data-seek")) || 0;
      player.play();
    }
    chapter.addEventListener("click", seek);
    chapter.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); seek(); }
    });
  });
})();
