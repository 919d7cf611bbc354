/* 网格员 app: the report form. Takes the GPS position, checks the photos, and puts the report in the
   outbox (grid-queue.js), which sends it now or when the phone is back online. */
(function () {
  "use strict";

  const form = document.getElementById("report-form");
  if (!form || !window.GridQueue) return;
  const lng = document.getElementById("r-lng");
  const lat = document.getElementById("r-lat");
  const gps = document.getElementById("r-gps");
  const photos = document.getElementById("r-photos");
  const result = document.getElementById("r-result");

  function locate() {
    if (!("geolocation" in navigator)) { gps.textContent = gettext("此设备不支持定位,请填写地址。"); return; }
    navigator.geolocation.getCurrentPosition((pos) => {
      lng.value = pos.coords.longitude.toFixed(6);
      lat.value = pos.coords.latitude.toFixed(6);
      const where = { lng: lng.value, lat: lat.value, metres: Math.round(pos.coords.accuracy || 0) };
      gps.textContent = interpolate(pos.coords.accuracy ? gettext("已定位:%(lng)s, %(lat)s(误差约 %(metres)s 米)") : gettext("已定位:%(lng)s, %(lat)s"), where, true);
    }, () => {
      gps.textContent = gettext("未能获取定位,将按本网格上报;可填写地址说明位置。");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function showError(input, message) {
    const box = document.getElementById(input.id + "-error");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function checkPhotos() {
    const max = Number(photos.dataset.maxBytes || 0);
    for (const file of photos.files) {
      if (!file.type || file.type.indexOf("image/") !== 0) return interpolate(gettext("“%(name)s”不是图片,请选择照片。"), { name: file.name }, true);
      if (max && file.size > max) return interpolate(gettext("“%(name)s”超过 %(mb)s MB,请压缩后再传。"), { name: file.name, mb: Math.round(max / 1048576) }, true);
    }
    return "";
  }
  photos.addEventListener("change", () => showError(photos, checkPhotos()));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const title = form.elements.title;
    const description = form.elements.description;
    const errors = [
      [title, title.value.trim() ? "" : gettext("请填写标题")],
      [description, description.value.trim() ? "" : gettext("请描述现场情况")],
      [photos, checkPhotos()],
    ];
    errors.forEach(([input, message]) => showError(input, message));
    const first = errors.find(([, message]) => message);
    if (first) { first[0].focus(); return; }
    const payload = {
      channel: form.dataset.channel,
      case_type: form.elements.case_type.value,
      title: title.value.trim(),
      description: description.value.trim(),
      address: form.elements.address.value.trim(),
    };
    if (lng.value && lat.value) { payload.lng = Number(lng.value); payload.lat = Number(lat.value); payload.crs = "wgs84"; }
    else payload.region = form.dataset.grid;
    window.GridQueue.add(payload, Array.from(photos.files)).then(() => {
      form.reset();
      lng.value = ""; lat.value = "";
      locate();
      result.textContent = navigator.onLine ? gettext("已保存,正在发送…") : gettext("已保存在手机上,联网后自动发送。");
      return window.GridQueue.flush();
    }).then(() => {
      if (navigator.onLine) result.textContent = gettext("已处理,发送结果见下方列表。");
    }).catch(() => { result.textContent = gettext("保存失败,请重试。"); });
  });

  locate();
})();
