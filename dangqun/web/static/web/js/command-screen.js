/* 指挥中心大屏: the clock, the rotating panel and the map (grids coloured by open cases on a scale
   from the data, live open-case points by light, hotspots). The panel (#screen-panel) is replaced by
   htmx polling; the map then re-reads its data. No inline script: CSP script-src 'self'. */
(function () {
  "use strict";
  var ROTATE_MS = 8000;
  var LIGHTS = { red: "#ff5a4e", yellow: "#ffc940", green: "#5fd068", "": "#7fb2ff" };
  var SCALE = ["#1f3b5a", "#2e7d32", "#c5a100", "#d8711c", "#c62828"];

  // --- clock ---
  var lang = document.documentElement.lang || "zh-CN";
  function tick() {
    var now = new Date();
    var date = document.getElementById("screen-date"), time = document.getElementById("screen-time");
    if (date) { date.textContent = now.toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric", weekday: "long" }); }
    if (time) { time.textContent = now.toLocaleTimeString(lang, { hour12: false }); }
  }

  // --- rotating panel ---
  var current = 0;
  function show() {
    var slides = document.querySelectorAll(".screen-rotate .screen-slide");
    if (!slides.length) { return; }
    current = current % slides.length;
    slides.forEach(function (slide, i) {
      slide.classList.toggle("is-current", i === current);
      slide.setAttribute("aria-hidden", i === current ? "false" : "true");
    });
  }
  function rotate() { current += 1; show(); }

  // --- map ---
  var box = document.getElementById("screen-map");
  var L = window.L;
  var map = null, areaLayer = null, overview = false, caseLayer = null, hotspotLayer = null;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw new Error(body.detail || r.statusText); } return body; });
    });
  }
  function mapData() {
    var source = document.getElementById("screen-map-data");
    return source ? JSON.parse(source.textContent) : { open: { grids: {}, streets: {} }, hotspots: [] };
  }
  // Class breaks from the data: 0, then the quartiles of the non-zero counts (a district with few
  // cases and one with many both use the whole scale).
  function breaks(values) {
    var sorted = values.filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
    if (!sorted.length) { return [1, 1, 1]; }
    var q = function (p) { return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]; };
    return [q(0.25), q(0.5), q(0.75)];
  }
  function colourFor(n, cuts) {
    if (!n) { return SCALE[0]; }
    if (n <= cuts[0]) { return SCALE[1]; }
    if (n <= cuts[1]) { return SCALE[2]; }
    if (n <= cuts[2]) { return SCALE[3]; }
    return SCALE[4];
  }
  function colourAreas() {
    if (!areaLayer) { return; }
    var counts = mapData().open[overview ? "streets" : "grids"] || {};
    var cuts = breaks(Object.keys(counts).map(function (k) { return counts[k]; }));
    areaLayer.eachLayer(function (shape) {
      var n = counts[shape.feature.properties.code] || 0;
      shape.setStyle({ fillColor: colourFor(n, cuts) });
      shape.setTooltipContent(shape.feature.properties.name + " · " + interpolate(gettext("在办 %(n)s 件"), { n: n }, true));
    });
    box.setAttribute("data-coloured", String(Object.keys(counts).length));
  }
  function drawHotspots() {
    if (!map) { return; }
    if (hotspotLayer) { map.removeLayer(hotspotLayer); }
    hotspotLayer = L.layerGroup();
    mapData().hotspots.forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties;
      var icon = L.divIcon({ className: "screen-hotspot", html: "<span>" + String(p.rank) + "</span>", iconSize: [28, 28] });
      L.marker([c[1], c[0]], { icon: icon, keyboard: false, title: p.title }).addTo(hotspotLayer);
    });
    hotspotLayer.addTo(map);
    box.setAttribute("data-hotspots", String(mapData().hotspots.length));
  }
  // the points grow with the wall (the root size follows the viewport: screen.css)
  function pointRadius() { return Math.max(3, parseFloat(getComputedStyle(document.documentElement).fontSize) / 4); }
  function loadCases() {
    return getJSON(box.getAttribute("data-cases-url")).then(function (cases) {
      if (caseLayer) { map.removeLayer(caseLayer); }
      caseLayer = L.layerGroup();
      cases.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: pointRadius(), stroke: false, fillColor: LIGHTS[f.properties.light] || LIGHTS[""], fillOpacity: 0.85, interactive: false }).addTo(caseLayer);
      });
      caseLayer.addTo(map);
      box.setAttribute("data-cases", String(cases.features.length));
    });
  }
  function refreshMap() {
    if (!map) { return; }
    colourAreas();
    drawHotspots();
    loadCases().catch(function (error) { if (window.console) { window.console.error(error); } });
  }
  function startMap() {
    if (!box || !L) { return; }
    map = L.map(box, { preferCanvas: true, zoomControl: false, minZoom: 3, maxZoom: 19, zoomSnap: 0.25 });
    map.setView([30, 110], 4);
    var base = window.dangqunMapBase ? window.dangqunMapBase(map, box, { dark: true }) : Promise.resolve(null);
    Promise.all([base, getJSON(box.getAttribute("data-grids-url"))]).then(function (results) {
      var grids = results[1];
      overview = Boolean(grids.overview);
      areaLayer = L.geoJSON(grids, {
        style: { color: "#8ea3c4", weight: overview ? 2 : 0.6, fillColor: SCALE[0], fillOpacity: 0.55 },
        onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
      }).addTo(map);
      var bounds = grids.features.length ? areaLayer.getBounds() : (results[0] ? results[0].getBounds() : null);
      if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); }
      box.setAttribute("data-areas", String(grids.features.length));
      refreshMap();
    }).catch(function (error) {
      box.setAttribute("data-areas", "error");
      if (window.console) { window.console.error(error); }
    });
    window.addEventListener("resize", function () { map.invalidateSize(); });
  }

  function start() {
    tick();
    window.setInterval(tick, 1000);
    show();
    window.setInterval(rotate, ROTATE_MS);
    startMap();
  }
  document.addEventListener("htmx:afterSwap", function () { show(); refreshMap(); });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
