/* 网格员 app, 社情日记: a diary written without a signal is kept on the phone (localStorage, one per
   worker and day) and sent as POST /api/v1/gridwork/diaries when the phone is back online, when a page
   loads, and every 30 s. The server keeps one diary per worker and day, so sending it twice stores it
   once. Online, the form posts as usual. */
(function () {
  "use strict";

  const PREFIX = "dangqun-diary:";
  const RETRY_MS = 30 * 1000;
  const LANGUAGE = document.documentElement.lang || "zh-hans";
  const card = document.getElementById("diary-card");
  const form = document.getElementById("diary-form");
  const result = document.getElementById("diary-result");

  function meta(name) {
    const el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }
  function say(text) { if (result) result.textContent = text; }
  function keyFor(day) { return PREFIX + meta("dq-user") + ":" + day; }
  function waiting() {
    const owner = PREFIX + meta("dq-user") + ":";
    const keys = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (key && key.indexOf(owner) === 0) keys.push(key);
    }
    return keys;
  }

  function csrfToken() {
    return fetch("/api/v1/auth/me", { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": LANGUAGE } })
      .then((r) => {
        if (!r.ok) throw new Error("me " + r.status);
        return r.json();
      })
      .then((me) => {
        if (me.username !== meta("dq-user")) throw new Error("login");
        return me.csrf_token || meta("dq-csrf");
      });
  }

  let flushing = null;
  function flush() {
    if (flushing || !navigator.onLine) return flushing || Promise.resolve();
    const keys = waiting();
    if (!keys.length) return Promise.resolve();
    flushing = csrfToken().then((token) => keys.reduce((p, key) => p.then(() => {
      const payload = localStorage.getItem(key);
      return fetch("/api/v1/gridwork/diaries", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept-Language": LANGUAGE },
        body: payload,
      }).then((r) => {
        if (r.ok) { localStorage.removeItem(key); say(gettext("已补传手机上保存的日记")); return; }
        if (r.status === 401 || r.status === 429 || r.status >= 500) throw new Error("retry " + r.status);
        return r.json().then((body) => { localStorage.removeItem(key); say(body.detail || String(r.status)); });
      });
    }), Promise.resolve())).catch(() => undefined).then(() => { flushing = null; });
    return flushing;
  }

  if (form && card) {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return; // the usual post
      event.preventDefault();
      const data = new FormData(form);
      const day = card.dataset.day;
      const payload = { day: day, seen: data.get("seen") || "", done: data.get("done") || "", heard: data.get("heard") || "" };
      localStorage.setItem(keyFor(day), JSON.stringify(payload));
      say(gettext("没有网络:日记已存在手机上,联网后自动补传"));
    });
  }
  window.addEventListener("online", flush);
  setInterval(flush, RETRY_MS);
  flush();
})();
