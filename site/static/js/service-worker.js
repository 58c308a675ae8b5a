// 红课 service worker: offline reading. /sw.js (offline.shell) sets self.HONGKE_OFFLINE and
// imports Workbox (vendored, site/static/vendor/workbox/) and then this file.
//
// * The shell (site CSS/JS, icons, manifest, the offline page) is precached on install.
// * Pages: network first, with a short timeout; without a network the saved copy is shown,
//   marked <html data-offline-copy> so offline.js shows the 离线阅读 notice; a page never
//   saved shows the offline page. Personal pages, accounts, the admin and the APIs are never
//   kept, nor any response that says no-store or private, nor anything but a 200.
// * 下载离线 (offline.js) writes a page, its media and pictures into the downloads cache;
//   audio and video are served from there with range requests, so they play offline.
// * A new worker waits until the page says SKIP_WAITING (the member agreed to reload).
/* global workbox */
(function () {
  "use strict";
  var config = self.HONGKE_OFFLINE;
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

  core.setCacheNameDetails({ prefix: "hongke", suffix: "", precache: "shell", runtime: "runtime" });
  precaching.precacheAndRoute(config.precache, { ignoreURLParametersMatching: [/.*/] });
  precaching.cleanupOutdatedCaches();

  self.addEventListener("message", function (event) {
    if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  });
  // The first worker takes the open pages at once; later ones wait for SKIP_WAITING.
  core.clientsClaim();

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
      cacheDidUpdate: function (options) {
        return caches.open(options.cacheName).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.slice(0, Math.max(0, requests.length - limit))
              .map(function (request) { return cache.delete(request); }));
          });
        });
      }
    };
  }

  // Nothing that says it is one person's (core.privacy.private) or must not be stored.
  var keepOnlyShared = {
    cacheWillUpdate: function (options) {
      var response = options.response;
      if (!response || response.status !== 200) return null;
      var control = (response.headers.get("Cache-Control") || "").toLowerCase();
      if (/(^|[\s,])(no-store|private)([\s,=]|$)/.test(control)) return null;
      return response;
    }
  };

  // A saved copy shown instead of the network says so (offline.js reads the mark).
  function markOfflineCopy(response) {
    return response.text().then(function (html) {
      var headers = new Headers(response.headers);
      headers.delete("Content-Length");
      headers.delete("Content-Encoding");
      return new Response(html.replace(/<html(\s|>)/i, "<html data-offline-copy$1"), {
        status: response.status,
        statusText: response.statusText,
        headers: headers
      });
    });
  }

  var fromSavedCopy = {
    cachedResponseWillBeUsed: function (options) {
      var found = options.cachedResponse
        ? Promise.resolve(options.cachedResponse)
        : caches.open(config.downloadsCache).then(function (cache) {
          return cache.match(options.request, { ignoreVary: true, ignoreSearch: false });
        });
      return found.then(function (response) { return response ? markOfflineCopy(response) : null; });
    }
  };

  var pages = new strategies.NetworkFirst({
    cacheName: config.pagesCache,
    networkTimeoutSeconds: config.networkTimeoutSeconds,
    matchOptions: { ignoreVary: true },
    plugins: [
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

  // Personal pages and the like: the network only, and the offline page without one.
  routing.registerRoute(
    function (options) { return options.request.mode === "navigate"; },
    function (options) {
      return fetch(options.request).catch(function () {
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
      cacheName: config.downloadsCache,
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
      cacheName: "hongke-images",
      matchOptions: { ignoreVary: true },
      plugins: [
        keepOnlyShared,
        new cacheable.CacheableResponsePlugin({ statuses: [200] }),
        newest(150),
        {
          cachedResponseWillBeUsed: function (options) {
            if (options.cachedResponse) return options.cachedResponse;
            return caches.open(config.downloadsCache).then(function (cache) {
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
      cacheName: "hongke-static",
      plugins: [
        new cacheable.CacheableResponsePlugin({ statuses: [200] }),
        newest(60)
      ]
    })
  );
})();
