// Small enhancements only: every page works without this script.
(function () {
  "use strict";
  // Lecture chapters: tap a chapter to jump the player to its start.
  var player = document.querySelector(".player__media");
  if (!player) return;
  // A real <button> inside each list item (a list item itself may not be a button).
  document.querySelectorAll(".chapter[data-seek]").forEach(function (chapter) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chapter__seek";
    while (chapter.firstChild) button.appendChild(chapter.firstChild);
    chapter.appendChild(button);
    chapter.classList.add("chapter--seekable");
    button.addEventListener("click", function () {
      player.currentTime = Number(chapter.getAttribute("data-seek")) || 0;
      player.play();
    });
  });
})();

// Search box: suggestions as you type (titles and tags, Chinese prefix or infix).
// Without this script the box is a plain form that submits to /search/.
(function () {
  "use strict";
  var form = document.querySelector(".site-search[data-suggest-url]");
  var input = form && form.querySelector("input[name=q]");
  if (!input || !window.fetch) return;

  var list = document.createElement("ul");
  list.id = "search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null;
  var active = -1;
  var latest = 0;

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function mark(index) {
    var options = list.querySelectorAll("[role=option]");
    active = Math.max(-1, Math.min(index, options.length - 1));
    options.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === active)); });
    if (active >= 0) input.setAttribute("aria-activedescendant", options[active].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function render(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (suggestion, i) {
      var item = document.createElement("li");
      item.id = "suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var link = document.createElement("a");
      link.href = suggestion.url;
      link.tabIndex = -1;
      link.textContent = (suggestion.type === "tag" ? "#" : "") + suggestion.text;
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
    active = -1;
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var typed = input.value.trim();
    if (!typed) { close(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (ticket === latest) render(data.suggestions || []); })
        .catch(close);
    }, 200);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = list.querySelectorAll("[role=option] a")[active].href;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();

