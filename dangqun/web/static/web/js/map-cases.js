/* 诉求地图: cases over the grid polygons (Leaflet), with clusters and a heat layer. Tiles come from
   the configured URL template; without one the streets and communities are drawn with their names
   from our own geometry (map-base.js). */
(function () {
  "use strict";
  var box = document.getElementById("case-map");
  var status = document.getElementById("map-status");
  if (!box || !window.L) { return; }
  var L = window.L;
  var COLORS = { red: "#b3261e", yellow: "#c58a00", green: "#2e7d32", "": "#1a5fb4" };

  // maxZoom on the map itself: without a tile layer nothing else sets it (the cluster layer needs it)
  var map = L.map(box, { preferCanvas: true, keyboard: true, zoomControl: true, minZoom: 3, maxZoom: 19 });
  if (window.dangqunMapBase) { window.dangqunMapBase(map, box); }
  map.setView([30, 110], 4);

  function say(text) { if (status) { status.textContent = text; } }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw new Error(body.detail || r.statusText); } return body; });
    });
  }
  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  var gridLayer = null, clusterLayer = null, heatLayer = null;

  // The heat layer's scale from the data: leaflet.heat sums the points of each cell, and its default
  // maximum (1) turns any two neighbours into the top colour. The maximum is the 90th percentile of
  // the points per cell of about the heat radius (0.005°, some 500 m), so only the densest places
  // reach red and the rest spread over the scale.
  function heatMax(points) {
    var cells = {};
    points.forEach(function (p) {
      var key = Math.round(p[0] / 0.005) + ":" + Math.round(p[1] / 0.005);
      cells[key] = (cells[key] || 0) + 1;
    });
    var counts = Object.keys(cells).map(function (k) { return cells[k]; }).sort(function (a, b) { return a - b; });
    if (!counts.length) { return 1; }
    return Math.max(1, counts[Math.floor(0.9 * (counts.length - 1))]);
  }
  var heatBox = document.getElementById("layer-heat");
  var pointsBox = document.getElementById("layer-points");

  function toggle(layer, on) {
    if (!layer) { return; }
    if (on && !map.hasLayer(layer)) { map.addLayer(layer); }
    if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
  }
  if (heatBox) { heatBox.addEventListener("change", function () { toggle(heatLayer, heatBox.checked); }); }
  if (pointsBox) { pointsBox.addEventListener("change", function () { toggle(clusterLayer, pointsBox.checked); }); }

  var GRID_STYLE = { color: "#a8504a", weight: 1, fillColor: "#f3dcd9", fillOpacity: 0.35 };
  var DETAIL_ZOOM = 13;
  var gridsUrl = box.getAttribute("data-grids-url");
  function polygons(data, style) {
    return L.geoJSON(data, {
      style: style,
      onEachFeature: function (feature, layer) { layer.bindTooltip(escape(feature.properties.name)); }
    });
  }

  // A scope of many thousands of grids comes as its streets ("overview"); the grids of the view are
  // fetched once the map is zoomed in far enough to tell them apart, and replaced as it moves.
  var detailLayer = null, detailRequest = 0;
  function loadDetail() {
    var request = ++detailRequest;
    if (map.getZoom() < DETAIL_ZOOM) {
      if (detailLayer) { map.removeLayer(detailLayer); detailLayer = null; }
      box.setAttribute("data-grids", "0");
      return;
    }
    var b = map.getBounds();
    var clamp = function (v, limit) { return Math.max(-limit, Math.min(limit, v)).toFixed(5); };
    var bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(",");
    getJSON(gridsUrl + "?bbox=" + encodeURIComponent(bbox)).then(function (grids) {
      if (request !== detailRequest) { return; }
      if (detailLayer) { map.removeLayer(detailLayer); }
      detailLayer = polygons(grids, GRID_STYLE).addTo(map);
      detailLayer.bringToBack();
      box.setAttribute("data-grids", String(grids.features.length));
    }).catch(function (error) { if (window.console) { window.console.error(error); } });
  }

  getJSON(gridsUrl).then(function (grids) {
    var overview = Boolean(grids.overview);
    gridLayer = polygons(grids, overview ? { color: "#a8504a", weight: 2, fill: false } : GRID_STYLE).addTo(map);
    if (grids.features.length) { map.fitBounds(gridLayer.getBounds(), { padding: [10, 10] }); }
    box.setAttribute("data-grids", overview ? "0" : String(grids.features.length));
    if (overview) {
      box.setAttribute("data-overview", String(grids.grids));
      map.on("moveend", loadDetail);
      loadDetail();
    }
    return getJSON(box.getAttribute("data-cases-url"));
  }).then(function (cases) {
    var caseUrl = box.getAttribute("data-case-url");
    clusterLayer = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.layerGroup();
    var heat = [];
    cases.features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      heat.push([c[1], c[0], 1]);
      var marker = L.circleMarker([c[1], c[0]], { radius: 6, color: "#fff", weight: 1, fillColor: COLORS[p.light] || COLORS[""], fillOpacity: 0.9 });
      marker.bindPopup('<a href="' + caseUrl + encodeURIComponent(p.code) + '/">' + escape(p.code) + "</a><br>" +
        escape(p.title) + "<br>" + escape(p.status_label) + (p.category ? " · " + escape(p.category) : ""));
      clusterLayer.addLayer(marker);
    });
    if (pointsBox ? pointsBox.checked : true) { clusterLayer.addTo(map); }
    if (L.heatLayer) {
      heatLayer = L.heatLayer(heat, { radius: 22, blur: 18, minOpacity: 0.3, max: heatMax(heat) });
      if (heatBox ? heatBox.checked : true) { heatLayer.addTo(map); }
    }
    if (!gridLayer || !gridLayer.getLayers().length) {
      if (cases.features.length) { map.fitBounds(clusterLayer.getBounds ? clusterLayer.getBounds() : L.latLngBounds(heat)); }
    }
    var located = ngettext("共 %(count)s 件诉求有定位", "共 %(count)s 件诉求有定位", cases.features.length);
    say(interpolate(located, { count: cases.features.length }, true) + (cases.truncated ? gettext("(只显示最新的部分)") : ""));
    box.setAttribute("data-loaded", String(cases.features.length));
  }).catch(function (error) {
    say(interpolate(gettext("地图数据加载失败:%(error)s"), { error: error && error.message ? error.message : String(error) }, true));
    if (window.console) { window.console.error(error); }
    box.setAttribute("data-loaded", "error");
  });
})();
