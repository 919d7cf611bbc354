/* 网格员 app: the outbox of reports (IndexedDB) and the service worker.
   A report is stored first, with an idempotency key made on the phone, then sent with
   POST /api/v1/cases (header Idempotency-Key) and its photos with POST /api/v1/cases/<code>/attachments.
   Sending is retried when the phone comes back online, when any app page loads, and every 30 s.
   Sent reports stay listed (as sent) for a day. */
(function () {
  "use strict";

  const DB_NAME = "dangqun-grid";
  const STORE = "reports";
  const KEEP_SENT_MS = 24 * 3600 * 1000;
  const RETRY_MS = 30 * 1000;

  function meta(name) {
    const el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- a tiny IndexedDB helper -------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "key" });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then((d) => new Promise((resolve, reject) => {
      const t = d.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    }));
  }
  const store = {
    put: (record) => tx("readwrite", (s) => s.put(record)),
    all: () => tx("readonly", (s) => s.getAll()),
    remove: (key) => tx("readwrite", (s) => s.delete(key)),
  };

  // --- sending ---------------------------------------------------------------------------------------
  // The API answers in the language asked for when none was chosen; ask for the page's, so the
  // messages of a Chinese page stay Chinese on a phone whose browser is English.
  const LANGUAGE = document.documentElement.lang || "zh-hans";

  function csrfToken() {
    // a fresh token from the server (a page shown from the offline copy may carry an old one)
    return fetch("/api/v1/auth/me", { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": LANGUAGE } })
      .then((r) => {
        if (r.status === 401 || r.status === 403) throw Object.assign(new Error("login"), { login: true });
        if (!r.ok) throw new Error("me " + r.status);
        return r.json();
      })
      .then((me) => {
        if (me.username !== meta("dq-user")) throw Object.assign(new Error("login"), { login: true });
        return me.csrf_token || meta("dq-csrf");
      });
  }

  function detail(response) {
    return response.json().then((body) => body.detail || body.message || JSON.stringify(body)).catch(() => String(response.status));
  }

  function sendOne(record, token) {
    const headers = {
      "Content-Type": "application/json", "X-CSRFToken": token, "Idempotency-Key": record.key, "Accept-Language": LANGUAGE,
    };
    const create = record.caseCode ? Promise.resolve(null) : fetch("/api/v1/cases", {
      method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(record.payload),
    }).then((r) => {
      if (r.ok) return r.json();
      if (r.status === 401 || r.status === 429 || r.status >= 500) throw new Error("retry " + r.status);
      return detail(r).then((text) => { throw Object.assign(new Error(text), { final: true }); });
    });
    return create.then((created) => {
      if (created) {
        record.caseCode = created.code;
        record.category = created.category ? created.category.name : "";
        const triage = (created.suggested_route || {}).triage;
        record.suggestion = triage && triage.category_name
          ? interpolate(gettext("%(name)s(把握 %(percent)s)"), { name: triage.category_name, percent: Math.round((triage.confidence || 0) * 100) + "%" }, true)
          : "";
        return store.put(record);
      }
      return undefined;
    }).then(() => uploadPhotos(record, token));
  }

  function uploadPhotos(record, token) {
    const photos = record.photos || [];
    let chain = Promise.resolve();
    photos.forEach((photo, i) => {
      chain = chain.then(() => {
        if (photo.done) return undefined;
        const form = new FormData();
        form.append("file", photo.blob, photo.name || "photo-" + (i + 1) + ".jpg");
        return fetch("/api/v1/cases/" + encodeURIComponent(record.caseCode) + "/attachments", {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token, "Accept-Language": LANGUAGE }, body: form,
        }).then((r) => {
          if (r.ok) { photo.done = true; photo.blob = null; return store.put(record); }
          if (r.status === 413 || r.status === 415 || r.status === 422) {
            return detail(r).then((text) => { photo.done = true; photo.blob = null; photo.error = text; return store.put(record); });
          }
          throw new Error("retry photo " + r.status);
        });
      });
    });
    return chain.then(() => { record.state = "sent"; record.sentAt = Date.now(); return store.put(record); });
  }

  let flushing = null;
  function flush() {
    if (flushing) return flushing;
    if (!navigator.onLine) { render(); return Promise.resolve(); }
    flushing = mine().then((records) => {
      const waiting = records.filter((r) => r.state === "waiting");
      const old = records.filter((r) => r.state !== "waiting" && Date.now() - (r.sentAt || r.createdAt) > KEEP_SENT_MS);
      return Promise.all(old.map((r) => store.remove(r.key))).then(() => {
        if (!waiting.length) return undefined;
        return csrfToken().then((token) => waiting.reduce((p, record) => p.then(() => sendOne(record, token).catch((err) => {
          if (err.final) { record.state = "failed"; record.error = err.message; return store.put(record); }
          if (err.login) throw err;
          record.lastError = err.message;
          return store.put(record);
        })), Promise.resolve()));
      });
    }).catch((err) => {
      if (err && err.login) loginNeeded = true;
    }).then(() => { flushing = null; render(); });
    return flushing;
  }

  // A shared phone: each report belongs to the worker who made it and goes out only in their session.
  function mine() {
    const owner = meta("dq-user");
    return store.all().then((records) => records.filter((r) => r.owner === owner));
  }

  function add(payload, photos) {
    const record = {
      key: newKey(), owner: meta("dq-user"), payload: payload, createdAt: Date.now(), state: "waiting",
      photos: photos.map((f) => ({ blob: f, name: f.name, done: false })),
    };
    return store.put(record).then(() => { render(); return record; });
  }

  // --- showing -------------------------------------------------------------------------------------
  let loginNeeded = false;
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function describe(r) {
    if (r.state === "waiting") {
      if (r.caseCode) return interpolate(gettext("已送达 %(code)s,照片等待上传"), { code: r.caseCode }, true);
      return navigator.onLine ? gettext("等待发送(正在重试)") : gettext("等待发送(无信号)");
    }
    if (r.state === "failed") return interpolate(gettext("发送失败:%(error)s"), { error: r.error || "" }, true);
    let text = interpolate(gettext("已送达 %(code)s"), { code: r.caseCode }, true);
    if (r.suggestion) text += " · " + interpolate(gettext("建议分类:%(name)s"), { name: r.suggestion }, true);
    else if (r.category) text += " · " + interpolate(gettext("分类:%(name)s"), { name: r.category }, true);
    const bad = (r.photos || []).filter((p) => p.error);
    if (bad.length) {
      const refused = ngettext("%(count)s 张照片未通过:%(error)s", "%(count)s 张照片未通过:%(error)s", bad.length);
      text += " · " + interpolate(refused, { count: bad.length, error: bad[0].error }, true);
    }
    return text;
  }
  function render() {
    return mine().then((records) => {
      records.sort((a, b) => b.createdAt - a.createdAt);
      const waiting = records.filter((r) => r.state === "waiting").length;
      const status = document.getElementById("net-status");
      if (status) {
        let text = "";
        if (!navigator.onLine) text = gettext("当前无信号:上报会先保存在手机上,联网后自动发送。");
        if (waiting) {
          const queued = ngettext("%(count)s 条上报等待发送。", "%(count)s 条上报等待发送。", waiting);
          text += (text ? " " : "") + interpolate(queued, { count: waiting }, true);
        }
        if (loginNeeded && waiting) text += " " + gettext("请重新登录后自动发送。");
        status.textContent = text;
        status.hidden = !text;
      }
      const card = document.getElementById("queue-card");
      const list = document.getElementById("queue-list");
      if (!card || !list) return;
      list.replaceChildren();
      records.forEach((r) => {
        const li = el("li", "list-item queue-item queue-" + r.state);
        li.dataset.key = r.key;
        li.append(el("p", "list-title", r.payload.title));
        const line = el("p", "small", describe(r));
        if (r.caseCode && r.state !== "waiting") {
          const link = el("a", "", gettext("查看"));
          link.href = "/grid/cases/" + encodeURIComponent(r.caseCode) + "/";
          line.append(" ", link);
        }
        li.append(line);
        if (r.state === "failed") {
          const drop = el("button", "button button-quiet", gettext("删除此条"));
          drop.type = "button";
          drop.addEventListener("click", () => store.remove(r.key).then(render));
          li.append(drop);
        }
        list.append(li);
      });
      card.hidden = records.length === 0;
    }).catch(() => undefined);
  }

  window.GridQueue = { add: add, flush: flush, render: render };

  window.addEventListener("online", () => { loginNeeded = false; flush(); });
  window.addEventListener("offline", render);
  window.setInterval(flush, RETRY_MS);
  const sw = meta("dq-sw");
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: "/" }).catch(() => undefined);
  }
  flush();
})();
