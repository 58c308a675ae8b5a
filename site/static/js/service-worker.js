// 红课 service worker: offline reading. /sw.js (offline.shell) sets self.HONGKE (the names
// shared with the pages, core.frontend) and self.HONGKE_OFFLINE (this worker's settings), and
// imports Workbox (vendored, site/static/vendor/workbox/) and then this file.
//
// * The shell (site CSS/JS, icons, manifest, the offline page) is precached on install.
// * Pages: network first, with a short timeout; without a network the saved copy is shown,
//   marked on its <html> element so offline.js shows the 离线阅读 notice; a page never
//   saved shows the offline page. Personal pages, accounts, the admin and the APIs are never
//   kept, nor any response that says no-store or private or was made for a session (it names
//   one in the session header, offline.session), nor anything but a 200. What a member opens is
//   kept as a visitor sees it: fetched again without cookies, so no personal HTML is ever
//   on the phone, even when the next person picks it up offline.
// * Sessions: every navigation's answer says whose session it was made for. When that
//   changes (a logout from the site or from /admin/, an expired or deleted session, another
//   member) or, offline, when the session's end has passed, the member's caches (pages,
//   downloads, pictures) are dropped. A shared phone's session (这是公用手机) keeps nothing.
// * 下载离线 (offline.js) writes a page, its media and pictures into the downloads cache;
//   audio and video are served from there with range requests, so they play offline.
// * A new worker waits until the page asks it to take over (the member agreed to reload).
/* global workbox */
(function () {
  "use strict";
  var shared = self.HONGKE;
  var config = self.HONGKE_OFFLINE;
  var CACHES = shared.caches;
  var SESSION_HEADER = shared.headers.session;
  workbox.setConfig({
    debug: false,
    modulePathPrefix: config.modulePathPrefix,
    modulePathCb: function (name) { return config.modules[name]; }
  });
  // Workbox loads a module when it is first named: all of them now, while install may import.
  var core = workbox.core;
  var routing = workbox.routing;
  var strategies = workbox.strategies;
  var precaching = workbox.precaching;
  var cacheable = workbox.cacheableResponse;
  var ranges = workbox.rangeRequests;

  core.setCacheNameDetails(shared.workboxCacheNames); // the precache is CACHES.shell
  precaching.precacheAndRoute(config.precache, { ignoreURLParametersMatching: [/.*/] });
  precaching.cleanupOutdatedCaches();

  self.addEventListener("message", function (event) {
    if (event.data && event.data.type === shared.messages.skipWaiting) self.skipWaiting();
  });
  // The first worker takes the open pages at once; later ones wait for that message.
  core.clientsClaim();

  // --- whose session the phone's caches belong to ------------------------------------------
  var SESSION_NOTE = self.location.origin + shared.sessionNotePath;
  var MEMBER_CACHES = [CACHES.pages, CACHES.downloads, CACHES.images, CACHES.session];

  // "<member key>; expires=<Unix seconds>" or "<member key>; shared" (offline.session).
  function parseSession(value) {
    if (!value) return null;
    var parts = value.split(";").map(function (part) { return part.trim(); });
    var state = parts[1] || "";
    return {
      member: parts[0],
      shared: state === "shared",
      expires: state.indexOf("expires=") === 0 ? Number(state.slice(8)) * 1000 : 0
    };
  }

  function readSession() {
    // caches.match with a cacheName never creates the cache (caches.open would).
    return caches.match(SESSION_NOTE, { cacheName: CACHES.session })
      .then(function (response) { return response ? response.json() : null; })
      .catch(function () { return null; });
  }

  function dropMemberCaches() {
    return Promise.all(MEMBER_CACHES.map(function (name) { return caches.delete(name); }));
  }

  function sameSession(before, now) {
    return !!(before && now && before.member === now.member && before.shared === now.shared);
  }

  // An HTML page of ours made for whoever asked; not a redirect (its headers are hidden), a
  // picture opened on its own, nor the offline page (the same for everyone, so it names no one).
  function speaksForSession(response) {
    var type = (response.headers.get("Content-Type") || "").toLowerCase();
    return response.type === "basic" && type.indexOf("text/html") === 0 &&
      new URL(response.url || self.location.href).pathname !== config.offlineUrl;
  }

  // Called with every navigation's answer from the network.
  function noteSession(response) {
    if (!speaksForSession(response)) return readSession();
    var now = parseSession(response.headers.get(SESSION_HEADER));
    return readSession().then(function (before) {
      if (!before && !now) return null;
      if (sameSession(before, now) && before.expires === now.expires) return now;
      var dropped = sameSession(before, now) ? Promise.resolve() : dropMemberCaches();
      return dropped.then(function () {
        if (!now) return null;
        return caches.open(CACHES.session).then(function (cache) {
          return cache.put(SESSION_NOTE, new Response(JSON.stringify(now), {
            headers: { "Content-Type": "application/json" }
          }));
        }).then(function () { return now; });
      });
    }).catch(function () { return null; });
  }

  // Offline, nothing is asked of the server: a session whose end has passed drops its caches.
  function sessionStillOpen() {
    return readSession().then(function (session) {
      if (!session) return true;
      if (session.shared || (session.expires && Date.now() > session.expires)) {
        return dropMemberCaches().then(function () { return false; });
      }
      return true;
    });
  }

  function neverKept(url) {
    if (url.origin !== self.location.origin) return true;
    var path = url.pathname;
    return config.neverCachePrefixes.some(function (prefix) { return path.indexOf(prefix) === 0; }) ||
      config.neverCacheParts.some(function (part) { return path.indexOf(part) !== -1; });
  }

  // Keeps a cache to its newest entries (a write moves an entry to the end of the order).
  // Not workbox-expiration: it keeps timestamps in IndexedDB, which logout would have to clear.
  function newest(limit) {
    return {
      cacheDidUpdate: function (options) { return trimTo(options.cacheName, limit); }
    };
  }

  function trimTo(cacheName, limit) {
    return caches.open(cacheName).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.slice(0, Math.max(0, requests.length - limit))
          .map(function (request) { return cache.delete(request); }));
      });
    });
  }

  // Nothing that says it is one person's (core.privacy.private), must not be stored or was
  // made for a session; nothing at all while a shared phone's session is open.
  function storable(response) {
    if (!response || response.status !== 200 || response.headers.has(SESSION_HEADER)) return false;
    var control = (response.headers.get("Cache-Control") || "").toLowerCase();
    return !/(^|[\s,])(no-store|private)([\s,=]|$)/.test(control);
  }

  var keepOnlyShared = {
    cacheWillUpdate: function (options) {
      if (!storable(options.response)) return null;
      return readSession().then(function (session) {
        return session && session.shared ? null : options.response;
      });
    }
  };

  // What a member opened, kept as a visitor sees it: the same address without cookies. A
  // page in a login-only section answers with a redirect, and is not kept (下载离线 is).
  function keepVisitorCopy(url, session) {
    if (!session || session.shared) return Promise.resolve();
    return fetch(url, { credentials: "omit", redirect: "error", cache: "no-store" })
      .then(function (response) {
        if (!storable(response)) return null;
        return caches.open(CACHES.pages)
          .then(function (cache) { return cache.put(url, response); })
          .then(function () { return trimTo(CACHES.pages, config.maxPages); });
      })
      .catch(function () {});
  }

  // Every navigation's answer: note its session, and keep a visitor's copy of a member's page.
  var followSession = {
    fetchDidSucceed: function (options) {
      var response = options.response;
      var url = options.request.url;
      var member = response.status === 200 && response.headers.has(SESSION_HEADER);
      var html = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
      if (options.event) {
        options.event.waitUntil(noteSession(response).then(function (session) {
          return member && html ? keepVisitorCopy(url, session) : null;
        }));
      }
      return response;
    }
  };

  // A saved copy shown instead of the network says so (offline.js reads the mark).
  function markOfflineCopy(response) {
    return response.text().then(function (html) {
      var headers = new Headers(response.headers);
      headers.delete("Content-Length");
      headers.delete("Content-Encoding");
      var marked = "<html " + shared.attributes.offlineCopy + "$1";
      return new Response(html.replace(/<html(\s|>)/i, marked), {
        status: response.status,
        statusText: response.statusText,
        headers: headers
      });
    });
  }

  var fromSavedCopy = {
    cachedResponseWillBeUsed: function (options) {
      return sessionStillOpen().then(function (open) {
        if (!open) return null;
        return options.cachedResponse ||
          caches.match(options.request, { cacheName: CACHES.downloads, ignoreVary: true });
      }).then(function (response) { return response ? markOfflineCopy(response) : null; });
    }
  };

  var pages = new strategies.NetworkFirst({
    cacheName: CACHES.pages,
    networkTimeoutSeconds: config.networkTimeoutSeconds,
    matchOptions: { ignoreVary: true },
    plugins: [
      followSession,
      keepOnlyShared,
      new cacheable.CacheableResponsePlugin({ statuses: [200] }),
      newest(config.maxPages),
      fromSavedCopy
    ]
  });

  routing.registerRoute(
    function (options) {
      return options.request.mode === "navigate" && !neverKept(options.url);
    },
    function (options) {
      return pages.handle(options).catch(function () {
        return precaching.matchPrecache(config.offlineUrl).then(function (page) {
          return page || Response.error();
        });
      });
    }
  );

  // Personal pages and the like: the network only, and the offline page without one. Their
  // answers say whose session it is too (a logout from /admin/ lands here).
  routing.registerRoute(
    function (options) { return options.request.mode === "navigate"; },
    function (options) {
      return fetch(options.request).then(function (response) {
        if (options.event) options.event.waitUntil(noteSession(response));
        return response;
      }).catch(function () {
        return precaching.matchPrecache(config.offlineUrl).then(function (page) {
          return page || Response.error();
        });
      });
    }
  );

  // Audio and video: from the downloads (下载离线) when saved there, with range requests;
  // otherwise from the network, never written (playing is not downloading).
  routing.registerRoute(
    function (options) {
      var kind = options.request.destination;
      return (kind === "audio" || kind === "video") && options.url.origin === self.location.origin;
    },
    new strategies.CacheFirst({
      cacheName: CACHES.downloads,
      matchOptions: { ignoreVary: true, ignoreSearch: true },
      plugins: [
        { cacheWillUpdate: function () { return null; } },
        new ranges.RangeRequestsPlugin()
      ]
    })
  );

  // Pictures of the pages the member opened (and the downloads' own copies first).
  routing.registerRoute(
    function (options) {
      return options.request.destination === "image" && !neverKept(options.url);
    },
    new strategies.StaleWhileRevalidate({
      cacheName: CACHES.images,
      matchOptions: { ignoreVary: true },
      plugins: [
        keepOnlyShared,
        new cacheable.CacheableResponsePlugin({ statuses: [200] }),
        newest(150),
        {
          cachedResponseWillBeUsed: function (options) {
            if (options.cachedResponse) return options.cachedResponse;
            return caches.open(CACHES.downloads).then(function (cache) {
              return cache.match(options.request, { ignoreVary: true });
            });
          }
        }
      ]
    })
  );

  // Other static files (scripts of one kind of page, vendored libraries): hashed names.
  routing.registerRoute(
    function (options) {
      return options.url.origin === self.location.origin &&
        options.url.pathname.indexOf(config.staticUrl) === 0;
    },
    new strategies.CacheFirst({
      cacheName: CACHES.static,
      plugins: [
        new cacheable.CacheableResponsePlugin({ statuses: [200] }),
        newest(60)
      ]
    })
  );
})();
