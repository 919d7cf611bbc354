/* 网格员 app service worker, served at /sw.js (see web/views/pwa.py).
   Grid pages: network first, the stored copy when there is no signal.
   The shell's static files: stored copy first (the cache name is a digest of them, so a deploy that
   changes one installs a new worker and a fresh copy).
   The message catalogue of the user's language (/jsi18n/<lang>.js) is part of the shell; the worker
   itself is built per language (the offline message, the cache name), so switching the language
   installs a new worker that stores the pages in the new language.
   API calls and every other page pass straight through. */
"use strict";

const VERSION = "grid-__VERSION__";
const SHELL = __PRECACHE__;
const APP_PREFIX = "/grid/";
const OFFLINE_MESSAGE = __OFFLINE_MESSAGE__;
const CATALOGUE_PREFIX = "/jsi18n/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function pageFromNetwork(request) {
  return fetch(request).then((response) => {
    if (response.redirected && new URL(response.url).pathname.startsWith("/login/")) {
      // signed out: the stored pages belong to the previous user
      caches.delete(VERSION);
      return response;
    }
    if (response.ok) {
      const copy = response.clone();
      caches.open(VERSION).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() =>
    caches.match(request, { ignoreSearch: true }).then(
      (hit) => hit || caches.match(APP_PREFIX)
    ).then((hit) => hit || new Response(OFFLINE_MESSAGE, {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
    }))
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(APP_PREFIX)) {
    event.respondWith(pageFromNetwork(request));
  } else if (SHELL.includes(url.pathname) && (url.pathname.startsWith("/static/") || url.pathname.startsWith(CATALOGUE_PREFIX))) {
    // only the shell's own files: other pages' static files are the browser's business
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
