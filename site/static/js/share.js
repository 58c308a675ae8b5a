// 分享: the "复制链接" button of a content page's share section.
// Without this script the button stays hidden and the link is readable and selectable
// in its read-only box; the QR code needs no script at all.
(function () {
  "use strict";
  var panel = document.querySelector("[data-share]");
  var input = panel && panel.querySelector(".share__url");
  var button = panel && panel.querySelector("[data-share-copy]");
  var status = panel && panel.querySelector("[data-share-status]");
  if (!input || !button || !status) return;

  var timer = null;
  function announce(text) {
    // Empty first, so the same words are announced again on a second tap.
    status.textContent = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function selectLink() {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
  }

  // Older WebViews (and pages not served over HTTPS) have no asynchronous clipboard:
  // select the link and try the old copy command; if even that fails, the link is
  // selected and the reader copies it by hand.
  function fallback() {
    selectLink();
    var copied;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    announce(panel.getAttribute(copied ? "data-share-copied" : "data-share-manual"));
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () {
        announce(panel.getAttribute("data-share-copied"));
      }, fallback);
    } else {
      fallback();
    }
  });
  input.addEventListener("focus", function () { input.select(); });
})();
