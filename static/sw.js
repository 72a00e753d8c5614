// Keeps the sales screen usable without a connection: the screen, its script and styles and the
// seller's product list are fetched from the network when possible and from this cache when not.
// Sales themselves wait in the page's IndexedDB queue, never here.
"use strict";
var CACHE = "mercado-ventas-v1";
var SHELL = [
  "/me/sell",
  "/api/v1/me/products",
  "/static/js/sell.js",
  "/static/css/app.css",
  "/static/css/sales.css",
  "/static/icons/icon.svg"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One by one, so a single failure (signed out, say) does not stop the rest.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) return cache.put(url, r);
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  var key = url.pathname;
  var isPhoto = key.indexOf("/media/") === 0;
  if (SHELL.indexOf(key) === -1 && !isPhoto) return;
  event.respondWith(isPhoto ? cacheFirst(request) : networkFirst(request, key));
});

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.redirected) {
      // Signed out (sent to the sign-in page): a shared phone must not keep this seller's screen.
      caches.delete(CACHE);
    } else if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (hit) { return hit || Response.error(); });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}
