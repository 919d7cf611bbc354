/* 网格员 app, 走访: the outbox of visit records (IndexedDB), like grid-queue.js's outbox of reports.
   A record is stored first with an idempotency key made on the phone, then sent with
   POST /api/v1/gridwork/visits/<id>/record (header Idempotency-Key), so an upload retried after a lost
   answer is stored once. Sending is retried when the phone comes back online, when a page loads, and
   every 30 s. On the due list, a visit waiting in the outbox is shown as recorded. */
(function () {
  "use strict";

  const DB_NAME = "dangqun-gridwork";
  const STORE = "visits";
  const KEEP_SENT_MS = 24 * 3600 * 1000;
  const RETRY_MS = 30 * 1000;
  const LANGUAGE = document.documentElement.lang || "zh-hans";

  function meta(name) {
    const el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

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
  function mine() {
    const owner = meta("dq-user");
    return store.all().then((records) => records.filter((r) => r.owner === owner));
  }

  function csrfToken() {
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
    return fetch("/api/v1/gridwork/visits/" + encodeURIComponent(record.visitId) + "/record", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Idempotency-Key": record.key, "Accept-Language": LANGUAGE },
      body: JSON.stringify(record.payload),
    }).then((r) => {
      if (r.ok) { record.state = "sent"; record.sentAt = Date.now(); return store.put(record); }
      if (r.status === 401 || r.status === 429 || r.status >= 500) throw new Error("retry " + r.status);
      return detail(r).then((text) => { record.state = "failed"; record.error = text; return store.put(record); });
    });
  }

  let flushing = null;
  let loginNeeded = false;
  function flush() {
    if (flushing) return flushing;
    if (!navigator.onLine) { render(); return Promise.resolve(); }
    flushing = mine().then((records) => {
      const waiting = records.filter((r) => r.state === "waiting");
      const old = records.filter((r) => r.state !== "waiting" && Date.now() - (r.sentAt || r.createdAt) > KEEP_SENT_MS);
      return Promise.all(old.map((r) => store.remove(r.key))).then(() => {
        if (!waiting.length) return undefined;
        return csrfToken().then((token) => waiting.reduce((p, record) => p.then(() => sendOne(record, token).catch((err) => {
          record.lastError = err.message;
          return store.put(record);
        })), Promise.resolve()));
      });
    }).catch((err) => { if (err && err.login) loginNeeded = true; })
      .then(() => { flushing = null; render(); });
    return flushing;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function describe(r) {
    if (r.state === "waiting") return navigator.onLine ? gettext("等待发送(正在重试)") : gettext("等待发送(无信号)");
    if (r.state === "failed") return interpolate(gettext("发送失败:%(error)s"), { error: r.error || "" }, true);
    return gettext("已送达");
  }
  function render() {
    return mine().then((records) => {
      records.sort((a, b) => b.createdAt - a.createdAt);
      const waiting = records.filter((r) => r.state === "waiting").length;
      const status = document.getElementById("net-status");
      if (status && (waiting || !navigator.onLine)) {
        let text = navigator.onLine ? "" : gettext("当前无信号:走访记录会先保存在手机上,联网后自动发送。");
        if (waiting) text += (text ? " " : "") + interpolate(ngettext("%(count)s 条走访记录等待发送。", "%(count)s 条走访记录等待发送。", waiting), { count: waiting }, true);
        if (loginNeeded && waiting) text += " " + gettext("请重新登录后自动发送。");
        status.textContent = text;
        status.hidden = !text;
      }
      // the due list: a visit recorded on this phone is no longer to do
      records.forEach((r) => {
        if (r.state === "failed") return;
        const item = document.querySelector('#due-list [data-visit="' + r.visitId + '"]');
        if (item) item.hidden = true;
      });
      const card = document.getElementById("visit-queue-card");
      const list = document.getElementById("visit-queue-list");
      if (!card || !list) return;
      list.replaceChildren();
      records.forEach((r) => {
        const li = el("li", "list-item queue-item queue-" + r.state);
        li.dataset.key = r.key;
        li.append(el("p", "list-title", r.subject));
        li.append(el("p", "small", describe(r)));
        if (r.state === "failed") {
          const drop = el("button", "button button-quiet", gettext("删除这条记录"));
          drop.type = "button";
          drop.addEventListener("click", () => store.remove(r.key).then(render));
          li.append(drop);
        }
        list.append(li);
      });
      card.hidden = records.length === 0;
    }).catch(() => undefined);
  }

  const form = document.getElementById("visit-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const answers = {};
      let first = null;
      form.querySelectorAll("[data-question]").forEach((field) => {
        const error = document.getElementById(field.id + "-error");
        const text = field.value.trim();
        answers[field.dataset.question] = text;
        if (error) { error.hidden = !!text; error.textContent = text ? "" : gettext("请填写此项"); }
        field.setAttribute("aria-invalid", text ? "false" : "true");
        if (!text && !first) first = field;
      });
      if (first) { first.focus(); return; }
      const record = {
        key: newKey(), owner: meta("dq-user"), visitId: form.dataset.visit, subject: form.dataset.subject,
        createdAt: Date.now(), state: "waiting",
        payload: { answers: answers, notes: form.elements.notes.value.trim(), follow_up: form.elements.follow_up.checked },
      };
      store.put(record).then(() => {
        form.querySelector("button[type=submit]").disabled = true;
        document.getElementById("v-result").textContent = navigator.onLine
          ? gettext("已保存,正在发送。") : gettext("已保存在手机上,联网后自动发送。");
        return flush();
      }).then(() => { window.location.assign(form.dataset.list); });
    });
  }

  window.addEventListener("online", () => { loginNeeded = false; flush(); });
  window.addEventListener("offline", render);
  window.setInterval(flush, RETRY_MS);
  flush();
})();
