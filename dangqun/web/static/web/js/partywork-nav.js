/* 智慧导航: the listed points on a Leaflet map; "离我最近" asks the browser for the visitor's position
   and reloads the list nearest first. Tiles come from the configured URL template; without one the
   points draw on a plain background (offline). */
(function () {
  "use strict";
  var box = document.getElementById("nav-map");
  var status = document.getElementById("nav-status");
  var locate = document.getElementById("nav-locate");
  var form = document.getElementById("nav-form");
  function say(text) { if (status) { status.textContent = text; } }
  if (locate && form) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { say(locate.getAttribute("data-unsupported") || "Geolocation unavailable"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("nav-lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("nav-lng").value = pos.coords.longitude.toFixed(6);
        form.submit();
      }, function (err) { say(err.message); }, { timeout: 10000 });
    });
  }
  if (!box || !window.L) { return; }
  var L = window.L;
  var map = L.map(box, { keyboard: true, minZoom: 3, maxZoom: 19 });
  var tileUrl = box.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: box.getAttribute("data-tile-attribution") || "", maxZoom: 19 }).addTo(map);
  } else {
    box.classList.add("map-plain");
  }
  var bounds = [];
  document.querySelectorAll(".nav-point").forEach(function (item) {
    var lat = parseFloat(item.getAttribute("data-lat")), lng = parseFloat(item.getAttribute("data-lng"));
    if (isNaN(lat) || isNaN(lng)) { return; }
    L.circleMarker([lat, lng], { radius: 7, color: "#b3261e", fillOpacity: 0.8 })
      .bindTooltip(item.getAttribute("data-name") || "").addTo(map);
    bounds.push([lat, lng]);
  });
  var here = [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lng"))];
  if (!isNaN(here[0]) && !isNaN(here[1])) {
    L.circleMarker(here, { radius: 6, color: "#1a5fb4", fillOpacity: 1 }).addTo(map);
    bounds.push(here);
  }
  if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 }); } else { map.setView([40.13, 124.39], 12); }
}());
