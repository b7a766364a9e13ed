/* legalmap's service worker: after one visit the residents' page keeps working without a
 * network. The server fills in PRECACHE (the page shell, the content-hashed static files, the
 * points) and VERSION (which changes with any of them), so a new release replaces the old cache.
 *
 * Strategies:
 *  - static files (/static/..., hashed names, immutable): cache first;
 *  - pages and the points (/map/data.json): network first, the saved copy when the network
 *    fails; a page never saved (e.g. /nearest?...) gets the saved shell, whose script then
 *    answers from the saved points (app.js, offline.js);
 *  - everything else (results fragments, the API, staff pages, other sites' tiles): untouched. */
'use strict';

var VERSION = '__VERSION__';
var PRECACHE = __PRECACHE__;
var CACHE = 'legalmap-' + VERSION;
var SHELL = '/';
var POINTS = '/map/data.json';

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // The page shell and the points always from the network; the hashed files may come from
    // the browser's HTTP cache (they never change under one name).
    return Promise.all([
      cache.addAll(PRECACHE.filter(function (url) { return url.indexOf('/static/') === 0; })),
      cache.addAll([new Request(SHELL, { cache: 'reload' }), new Request(POINTS, { cache: 'reload' })])
    ]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('legalmap-') === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/** The saved copy under `key`, or undefined. */
function saved(key) {
  return caches.open(CACHE).then(function (cache) { return cache.match(key, { ignoreVary: true }); });
}

/** The network's answer (saved under `saveAs` when it is a success and `saveAs` is set); when
 * the network fails, the copy saved under `saveAs`, else under `fallback`. */
function networkFirst(request, saveAs, fallback) {
  return fetch(request).then(function (response) {
    if (response.ok && saveAs) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(saveAs, copy); });
    }
    return response;
  }).catch(function (error) {
    return (saveAs ? saved(saveAs) : Promise.resolve(undefined)).then(function (copy) {
      return copy || (fallback ? saved(fallback) : undefined);
    }).then(function (copy) {
      if (copy) { return copy; }
      throw error;
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }

  if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(saved(request).then(function (copy) {
      return copy || fetch(request).then(function (response) {
        if (response.ok) {
          var keep = response.clone();
          caches.open(CACHE).then(function (cache) { return cache.put(request, keep); });
        }
        return response;
      });
    }));
  } else if (url.pathname === POINTS) {
    event.respondWith(networkFirst(request, POINTS, null));
  } else if (request.mode === 'navigate') {
    if (url.pathname === SHELL) {
      event.respondWith(networkFirst(request, SHELL, null));
    } else if (/^\/points\/[^/]+$/.test(url.pathname)) {
      // A point page seen before is kept; one never seen gets the shell, which shows the
      // point from the saved points.
      event.respondWith(networkFirst(request, url.pathname, SHELL));
    } else if (url.pathname === '/nearest') {
      // Results are worked out again from the saved points: only the shell is needed.
      event.respondWith(networkFirst(request, null, SHELL));
    }
  }
});
