/* 网格员 app, 巡查: start and end a patrol, record the phone's position every 20 s, keep the points on
   the phone (localStorage, per patrol) and post them in batches (POST /api/v1/gridwork/patrols/<id>/points:
   the server stores each time once, so a batch sent twice after a lost answer is harmless). */
(function () {
  "use strict";

  const SAMPLE_MS = 20 * 1000;
  const LANGUAGE = document.documentElement.lang || "zh-hans";
  const card = document.getElementById("patrol-card");
  if (!card) return;
  const active = card.dataset.active;
  const queueKey = "dq-patrol-points-" + active;

  function meta(name) {
    const el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return Array.from(window.crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, "0")).join("");
  }
  function token() {
    return fetch("/api/v1/auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : {})).then((me) => me.csrf_token || meta("dq-csrf"));
  }
  function post(url, body, key) {
    return token().then((csrf) => {
      const headers = { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept-Language": LANGUAGE };
      if (key) headers["Idempotency-Key"] = key;
      return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(body || {}) });
    });
  }
  function say(id, text) { const el = document.getElementById(id); if (el) el.textContent = text; }
  function queued() { try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; } }

  const start = document.getElementById("patrol-start");
  if (start) {
    start.addEventListener("click", () => {
      start.disabled = true;
      post("/api/v1/gridwork/patrols", {}, newKey()).then((r) => {
        if (r.ok) { window.location.reload(); return; }
        return r.json().then((b) => { say("p-result", b.detail || String(r.status)); start.disabled = false; });
      }).catch(() => { say("p-result", gettext("没有信号,请联网后再开始巡查。")); start.disabled = false; });
    });
    return;
  }
  if (!active) return;

  let sending = null;
  function flush() {
    if (sending || !navigator.onLine) return sending || Promise.resolve();
    const batch = queued();
    if (!batch.length) return Promise.resolve();
    sending = post("/api/v1/gridwork/patrols/" + active + "/points", { points: batch }).then((r) => {
      if (r.ok || r.status === 422) {
        const rest = queued().slice(batch.length);
        localStorage.setItem(queueKey, JSON.stringify(rest));
        if (r.ok) return r.json().then((b) => say("p-track", interpolate(gettext("已记录 %(n)s 个轨迹点。"), { n: b.points_count }, true)));
      }
      return undefined;
    }).catch(() => undefined).then(() => { sending = null; });
    return sending;
  }
  function sample() {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((pos) => {
      const points = queued();
      points.push({ at: new Date(pos.timestamp || Date.now()).toISOString(), lng: pos.coords.longitude, lat: pos.coords.latitude });
      localStorage.setItem(queueKey, JSON.stringify(points));
      flush();
    }, () => say("p-result", gettext("无法获取定位,请打开手机定位。")), { enableHighAccuracy: true, maximumAge: 10000, timeout: 15000 });
  }
  sample();
  window.setInterval(sample, SAMPLE_MS);
  window.addEventListener("online", flush);

  const end = document.getElementById("patrol-end");
  end.addEventListener("click", () => {
    end.disabled = true;
    flush().then(() => post("/api/v1/gridwork/patrols/" + active + "/end")).then((r) => {
      if (r.ok) { window.location.reload(); return; }
      return r.json().then((b) => { say("p-result", b.detail || String(r.status)); end.disabled = false; });
    }).catch(() => { say("p-result", gettext("没有信号,请联网后再结束巡查。")); end.disabled = false; });
  });

  const finding = document.getElementById("finding-form");
  finding.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { title: finding.elements.title.value.trim(), description: finding.elements.description.value.trim() };
    if (!body.title || !body.description) { say("f-result", gettext("请填写标题和情况描述")); return; }
    const last = queued().slice(-1)[0];
    if (last) { body.lng = last.lng; body.lat = last.lat; }
    if (!finding.dataset.key) finding.dataset.key = newKey();
    post("/api/v1/gridwork/patrols/" + active + "/findings", body, finding.dataset.key).then((r) => r.json().then((b) => {
      if (r.ok) {
        say("f-result", interpolate(gettext("已转为诉求 %(code)s"), { code: b.case_code }, true));
        finding.reset();
        delete finding.dataset.key;
      } else {
        say("f-result", typeof b.detail === "string" ? b.detail : JSON.stringify(b.detail));
      }
    })).catch(() => say("f-result", gettext("没有信号,请联网后再提交。")));
  });
})();
