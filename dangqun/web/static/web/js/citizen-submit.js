/* 群众 app: the request form. A map to pick the place (fills the hidden lng/lat), and photos that
   are too large or not images refused before the form is sent. The form works without this file. */
(function () {
  "use strict";

  const form = document.getElementById("citizen-form");
  if (!form) return;
  const photos = document.getElementById("c-photos");
  const photoError = document.getElementById("c-photos-error");
  const lng = form.elements.lng;
  const lat = form.elements.lat;
  const picked = document.getElementById("c-picked");

  function checkPhotos() {
    const max = Number(photos.dataset.maxBytes || 0);
    const count = Number(photos.dataset.maxCount || 0);
    if (count && photos.files.length > count) return interpolate(gettext("最多上传 %(count)s 张照片。"), { count: count }, true);
    for (const file of photos.files) {
      if (!file.type || file.type.indexOf("image/") !== 0) return interpolate(gettext("“%(name)s”不是图片,请选择照片。"), { name: file.name }, true);
      if (max && file.size > max) return interpolate(gettext("“%(name)s”超过 %(mb)s MB,请压缩后再传。"), { name: file.name, mb: Math.round(max / 1048576) }, true);
    }
    return "";
  }
  function showPhotoError(message) {
    photoError.textContent = message;
    photoError.hidden = !message;
    if (message) photos.setAttribute("aria-invalid", "true");
    else photos.removeAttribute("aria-invalid");
  }
  photos.addEventListener("change", () => showPhotoError(checkPhotos()));
  form.addEventListener("submit", (event) => {
    const message = checkPhotos();
    showPhotoError(message);
    if (message) { event.preventDefault(); photos.focus(); }
  });

  const box = document.getElementById("pick-map");
  if (!box || !window.L) return;
  box.hidden = false;
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const map = L.map(box, { attributionControl: Boolean(data.tiles) });
  if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
  if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>'); // no flag
  let marker = null;
  function place(latlng) {
    if (marker) marker.setLatLng(latlng);
    else marker = L.circleMarker(latlng, { radius: 9, color: "#8c1d18", weight: 3, fillColor: "#b3261e", fillOpacity: 0.8 }).addTo(map);
    lng.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    picked.textContent = interpolate(gettext("已选择位置:%(lng)s, %(lat)s"), { lng: lng.value, lat: lat.value }, true);
  }
  map.on("click", (e) => place(e.latlng));
  const layer = L.geoJSON(null, { style: { color: "#a8504a", weight: 1, fillColor: "#f3dcd9", fillOpacity: 0.35 } });
  data.areas.forEach((a) => layer.addData(a.boundary));
  layer.addTo(map);
  layer.on("click", (e) => place(e.latlng));
  if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
  else map.setView([30, 110], 4);
  if (lng.value && lat.value) place(L.latLng(Number(lat.value), Number(lng.value)));
})();
