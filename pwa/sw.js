// Rabet's service worker. The build prepends `VERSION` and `PRECACHE` (scripts/post-build.mjs).
//
// Cache first for the app itself: after one visit the app starts with no network at all.
// A new build installs beside the old one and waits until the page says "skip-waiting".

const CACHE = `rabet-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("rabet-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API (sync) is always live; other origins are none of our business.
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  // Every app route is the same single page.
  const key = request.mode === "navigate" ? "/index.html" : request;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(key, { ignoreSearch: request.mode === "navigate" }).then((hit) => hit || fetch(request)),
    ),
  );
});
