// 签到台: the check-in code changes every minute. When it does, fetch the desk's code screen
// and put its code and QR code in place of the old ones, so staff searching or checking in
// never lose what they typed to a page reload. Without this script the desk shows the code
// it was opened with, and the projector screen (check-in/screen/) reloads itself.
(function () {
  "use strict";
  var box = document.querySelector("[data-check-in-code]");
  if (!box || !window.fetch || !window.DOMParser) return;

  function refreshIn(seconds) {
    window.setTimeout(refresh, (Math.max(1, seconds) + 1) * 1000);
  }

  function refresh() {
    fetch(box.getAttribute("data-check-in-code"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-check-in-code]");
        if (!fresh) throw new Error("no code");
        box.innerHTML = fresh.innerHTML;
        refreshIn(Number(fresh.getAttribute("data-seconds-left")) || 60);
      })
      .catch(function () {
        refreshIn(15); // offline or check-in closed: try again shortly
      });
  }

  refreshIn(Number(box.getAttribute("data-seconds-left")) || 60);
})();
