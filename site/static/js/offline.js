// Offline reading on the page's side (the worker is /sw.js, site/static/js/service-worker.js):
// registering the worker, the 离线阅读 notice on a saved copy, 网站已更新 when a new worker
// waits, 下载离线 (a page with its media and pictures, up to the member's cap), the list on
// the offline page, and the one logout path: emptying the phone of the member's data (the
// worker also drops its caches by itself whenever the session ends, service-worker.js).
// Every page works without this script; texts come from the templates (base.html's
// #offline-ui and the sections' data attributes), so they are translated there. Names shared
// with the server and the other scripts come from base.html's JSON block (core.frontend).
(function () {
  "use strict";
  var script = document.currentScript;
  var shared = document.getElementById("hongke-conventions");
  if (!shared || !window.JSON) return;
  var conventions = JSON.parse(shared.textContent);
  var SHELL = conventions.caches.shell;
  var PAGES = conventions.caches.pages;
  var DOWNLOADS = conventions.caches.downloads;
  var MEMBER = conventions.storage.offlineMember;
  var STORAGE_PREFIX = conventions.storage.prefix;
  var OUTBOX = conventions.storage.outbox;
  var SAVED = conventions.headers.downloads;
  var MB = 1024 * 1024;
  var isCopy = document.documentElement.hasAttribute(conventions.attributes.offlineCopy);
  var isOfflinePage = !!document.querySelector("[data-offline-page]");
  var member = (script && script.getAttribute("data-member")) || "";
  var hasCaches = "caches" in window;

  function fromUi(selector) {
    var ui = document.getElementById("offline-ui");
    var element = ui && ui.content.querySelector(selector);
    return element ? element.cloneNode(true) : null;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function megabytes(bytes) { return (bytes / MB).toFixed(1); }

  // --- the notice on a saved copy -------------------------------------------------------
  if (isCopy) {
    var notice = fromUi("[data-offline-notice]");
    var main = document.getElementById("main");
    if (notice && main) main.insertBefore(notice, main.firstChild);
  }

  // --- emptying the phone of a member's data ---------------------------------------------
  // learning.js's outbox keeps each member's unsent events under a key of their own (the
  // outbox prefix and the member's key): a session that ended without a logout must not lose
  // them (they go out when their owner is back); a logout sends or drops them (learning.js,
  // on the logout signal), and then every member's outbox on the phone goes.
  function clearStorage(storage, keepOutbox) {
    try {
      for (var i = storage.length - 1; i >= 0; i--) {
        var key = storage.key(i);
        if (!key || key.indexOf(STORAGE_PREFIX) !== 0) continue;
        if (keepOutbox && key.indexOf(OUTBOX) === 0) continue;
        storage.removeItem(key);
      }
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  function clearDatabases() {
    if (!window.indexedDB || !indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then(function (databases) {
      return Promise.all(databases.map(function (database) {
        return new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase(database.name);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      }));
    }).catch(function () {});
  }

  // Everything of ours but the precached shell (site CSS/JS, icons, the offline page).
  function clearMemberData(keepOutbox) {
    clearStorage(window.localStorage, keepOutbox);
    clearStorage(window.sessionStorage, keepOutbox);
    var jobs = [clearDatabases()];
    if (hasCaches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name !== SHELL; })
          .map(function (name) { return caches.delete(name); }));
      }));
    }
    return Promise.all(jobs);
  }

  // Logging out, the one path: the logout signal first, so a script holding the member's
  // data (learning.js) sends or drops it, then the phone is emptied and the form sent.
  document.querySelectorAll("form[" + conventions.attributes.logout + "]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      document.dispatchEvent(new CustomEvent(conventions.events.logout));
      var sent = false;
      function send() { if (!sent) { sent = true; form.submit(); } }
      clearMemberData(false).then(send, send);
      setTimeout(send, 3000);
    });
  });

  // Another member (or none: a session that ended) since the phone last kept pages.
  if (!isCopy && !isOfflinePage) {
    var previous = "";
    try { previous = window.localStorage.getItem(MEMBER) || ""; } catch (e) { /* disabled */ }
    var settled = previous && previous !== member ? clearMemberData(true) : Promise.resolve();
    settled.then(function () {
      try {
        if (member) window.localStorage.setItem(MEMBER, member);
      } catch (e) { /* disabled */ }
    });
  }

  if (!("serviceWorker" in navigator) || !hasCaches) return;

  // --- the worker and its updates ----------------------------------------------------------
  var agreed = false;
  var offered = false;

  function offerUpdate(worker) {
    if (offered) return;
    var banner = fromUi("[data-update-banner]");
    if (!banner) return;
    offered = true;
    banner.querySelector("[data-update-reload]").addEventListener("click", function () {
      agreed = true;
      worker.postMessage({ type: conventions.messages.skipWaiting });
    });
    document.body.insertBefore(banner, document.body.firstChild);
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (agreed) window.location.reload();
  });

  function watch(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  }

  // Registered once the page has loaded: installing the worker fetches the shell, which must
  // not compete with the page's own first paint on a slow phone.
  var workerUrl = script && script.getAttribute("data-sw");
  function register() {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).then(watch).catch(function () {});
  }
  if (workerUrl) {
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
  }

  // --- what is saved ---------------------------------------------------------------------
  // Downloads carry their page, title and size in headers of their own (SAVED).
  function downloads() {
    return caches.open(DOWNLOADS).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            var headers = response ? response.headers : new Headers();
            return {
              url: request.url,
              page: headers.get(SAVED.page) || request.url,
              title: decodeURIComponent(headers.get(SAVED.title) || ""),
              size: Number(headers.get(SAVED.size)) || 0
            };
          });
        }));
      });
    });
  }

  function used(entries, exceptPage) {
    return entries.reduce(function (sum, entry) {
      return entry.page === exceptPage ? sum : sum + entry.size;
    }, 0);
  }

  function removePage(pageUrl) {
    return Promise.all([
      caches.open(DOWNLOADS).then(function (cache) {
        return downloads().then(function (entries) {
          return Promise.all(entries.filter(function (entry) { return entry.page === pageUrl; })
            .map(function (entry) { return cache.delete(entry.url); }));
        });
      }),
      caches.open(PAGES).then(function (cache) { return cache.delete(pageUrl, { ignoreVary: true }); })
    ]);
  }

  // The page itself comes from its visitor's copy (/offline/copy/<id>/: none of the member's
  // reflection, answers, vote or to-do list); its media and pictures are files, the same for
  // everyone who may read the page. Never the member's own HTML.
  function fetchWhole(wanted, allowed) {
    var url = wanted.url;
    var asked = { credentials: "same-origin", cache: "no-store" };
    return fetch(wanted.from, asked).then(function (response) {
      var type = (response.headers.get("Content-Type") || "").toLowerCase();
      var html = type.indexOf("text/html") === 0;
      if (response.status !== 200 || html !== wanted.page) throw new Error("not saved");
      var length = Number(response.headers.get("Content-Length"));
      if (length > allowed) {
        if (response.body) response.body.cancel();
        var tooBig = new Error("too big");
        tooBig.size = length;
        throw tooBig;
      }
      return response.blob().then(function (blob) {
        return { url: url, blob: blob, type: response.headers.get("Content-Type") || blob.type };
      });
    });
  }

  function setUpDownload(section) {
    var pageUrl = window.location.origin + window.location.pathname;
    var title = section.getAttribute("data-title") || document.title;
    var saveButton = section.querySelector("[data-offline-save]");
    var removeButton = section.querySelector("[data-offline-remove]");
    var usage = section.querySelector("[data-offline-usage]");
    var status = section.querySelector("[data-offline-status]");

    function text(name, values) { return fill(section.getAttribute("data-" + name) || "", values || {}); }

    function show() {
      return downloads().then(function (entries) {
        usage.textContent = text("usage", { used: megabytes(used(entries, null)) });
        removeButton.hidden = !entries.some(function (entry) { return entry.page === pageUrl; });
        return entries;
      });
    }

    function wanted() {
      var copy = new URL(section.getAttribute("data-copy"), window.location.href).href;
      var urls = [];
      var media = section.getAttribute("data-media");
      if (media) urls.push(new URL(media, window.location.href).href);
      document.querySelectorAll(".article img, .article video[poster]").forEach(function (element) {
        var source = element.currentSrc || element.src || element.poster;
        if (source && new URL(source).origin === window.location.origin) urls.push(source);
      });
      var files = urls.filter(function (url, index) { return url !== pageUrl && urls.indexOf(url) === index; });
      return [{ url: pageUrl, from: copy, page: true }].concat(files.map(function (url) {
        return { url: url, from: url, page: false };
      }));
    }

    function store(items) {
      return caches.open(DOWNLOADS).then(function (cache) {
        return Promise.all(items.map(function (item) {
          var headers = new Headers({ "Content-Type": item.type });
          headers.set(SAVED.page, pageUrl);
          headers.set(SAVED.title, encodeURIComponent(title));
          headers.set(SAVED.size, String(item.blob.size));
          return cache.put(item.url, new Response(item.blob, { status: 200, headers: headers }));
        }));
      });
    }

    function save() {
      saveButton.disabled = true;
      status.textContent = text("saving");
      downloads().then(function (entries) {
        var room = Number(section.getAttribute("data-cap-mb")) * MB - used(entries, pageUrl);
        var items = [];
        // One after the other, so the room left is known before each file is read.
        return wanted().reduce(function (chain, one) {
          return chain.then(function () {
            return fetchWhole(one, room).then(function (item) {
              room -= item.blob.size;
              if (room < 0) {
                var tooBig = new Error("too big");
                tooBig.size = item.blob.size;
                throw tooBig;
              }
              items.push(item);
            });
          });
        }, Promise.resolve()).then(function () {
          return store(items);
        }).then(function () {
          status.textContent = text("saved");
        }).catch(function (error) {
          if (error && error.message === "too big") {
            var size = items.reduce(function (sum, item) { return sum + item.blob.size; }, error.size || 0);
            status.textContent = text("too-big", {
              size: megabytes(size),
              used: megabytes(used(entries, pageUrl))
            });
          } else {
            status.textContent = text("failed");
          }
        });
      }).then(function () {
        saveButton.disabled = false;
        return show();
      });
    }

    saveButton.addEventListener("click", save);
    removeButton.addEventListener("click", function () {
      removePage(pageUrl).then(function () {
        status.textContent = text("removed");
        return show();
      });
    });
    section.hidden = false;
    show();
  }

  var section = document.querySelector("[data-offline-download]");
  if (section) setUpDownload(section);

  // --- the offline page: what this phone holds --------------------------------------------
  function listSaved(box) {
    var list = box.querySelector("ul");
    Promise.all([
      caches.open(PAGES).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.map(function (request) {
            return cache.match(request).then(function (response) { return response.text(); })
              .then(function (html) {
                var heading = new DOMParser().parseFromString(html, "text/html").querySelector("h1");
                var found = heading && heading.textContent.trim();
                return { page: request.url, title: found || request.url, downloaded: false };
              });
          }));
        });
      }),
      downloads()
    ]).then(function (both) {
      var pages = {};
      both[0].forEach(function (entry) { pages[entry.page] = entry; });
      both[1].forEach(function (entry) {
        pages[entry.page] = { page: entry.page, title: entry.title || entry.page, downloaded: true };
      });
      var keys = Object.keys(pages);
      list.textContent = "";
      if (!keys.length) {
        var empty = document.createElement("li");
        empty.textContent = box.getAttribute("data-empty");
        list.appendChild(empty);
      }
      keys.forEach(function (key) {
        var entry = pages[key];
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = entry.page;
        link.textContent = entry.title;
        item.appendChild(link);
        if (entry.downloaded) {
          var mark = document.createElement("small");
          mark.textContent = " " + box.getAttribute("data-downloaded");
          item.appendChild(mark);
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button--secondary";
        remove.textContent = box.getAttribute("data-remove");
        remove.addEventListener("click", function () { removePage(entry.page).then(function () { listSaved(box); }); });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(remove);
        list.appendChild(item);
      });
      box.hidden = false;
    }).catch(function () {});
  }

  var saved = document.querySelector("[data-offline-saved]");
  if (saved) listSaved(saved);
})();
