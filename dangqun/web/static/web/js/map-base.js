/* The background of every command map. With a tile URL (天地图, AMap, an intranet server) the tiles;
   without one (an offline district) the streets' and communities' own polygons with their names, from
   our own geometry (grids.json?level=street|community), and zoomed in to a compound the registry's
   buildings (level=building, by view), so the map still reads as the district.
   Attribution without Leaflet's flag. window.dangqunMapBase(map, box, options) → a promise. */
(function () {
  "use strict";
  var L = window.L;
  if (!L) { return; }
  var COMMUNITY_NAMES_ZOOM = 14;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw new Error(body.detail || r.statusText); } return body; });
    });
  }

  function outlines(map, url, level, style, labelClass) {
    return getJSON(url + (url.indexOf("?") < 0 ? "?" : "&") + "level=" + level).then(function (data) {
      var layer = L.geoJSON(data, {
        style: style,
        pane: "dqBase",
        interactive: false,
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: labelClass, interactive: false });
        }
      });
      layer.addTo(map);
      return layer;
    });
  }

  // The registry's buildings once the map shows a compound (their positions, from our own data).
  var BUILDINGS_ZOOM = 16, buildingLayer = null, buildingRequest = 0;
  function buildings(map, url, dark) {
    var request = ++buildingRequest;
    if (map.getZoom() < BUILDINGS_ZOOM) {
      if (buildingLayer) { map.removeLayer(buildingLayer); buildingLayer = null; }
      return;
    }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
    getJSON(url + (url.indexOf("?") < 0 ? "?" : "&") + "level=building&bbox=" + encodeURIComponent(bbox)).then(function (data) {
      if (request !== buildingRequest) { return; }
      if (buildingLayer) { map.removeLayer(buildingLayer); }
      buildingLayer = L.geoJSON(data, {
        pane: "dqBase",
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { pane: "dqBase", radius: 4, weight: 1, color: dark ? "#6d7d99" : "#8b9893", fillColor: dark ? "#2a3446" : "#cfd8d4", fillOpacity: 1 });
        },
        onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
      }).addTo(map);
    }).catch(function (error) { if (window.console) { window.console.error(error); } });
  }

  window.dangqunMapBase = function (map, box, options) {
    var opts = options || {};
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tileUrl = box.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: box.getAttribute("data-tile-attribution") || "", maxZoom: 19 }).addTo(map);
      return Promise.resolve(null);
    }
    box.classList.add("map-plain");
    map.createPane("dqBase").style.zIndex = 250; // under the overlays (400), over nothing
    var url = box.getAttribute("data-grids-url");
    var dark = Boolean(opts.dark);
    map.attributionControl.addAttribution(gettext("底图:本平台区域边界"));
    var street = { color: dark ? "#6d7d99" : "#7d8f89", weight: 2, fillColor: dark ? "#16202f" : "#e4ebe7", fillOpacity: 1 };
    var community = { color: dark ? "#3b4860" : "#b5c2bd", weight: 1, dashArray: "4 3", fill: false };
    return outlines(map, url, "street", street, "region-label").then(function (streets) {
      return outlines(map, url, "community", community, "region-label community-label").then(function (communities) {
        function names() {
          var on = map.getZoom() >= COMMUNITY_NAMES_ZOOM;
          communities.eachLayer(function (shape) { if (on) { shape.openTooltip(); } else { shape.closeTooltip(); } });
        }
        map.on("zoomend", names);
        names();
        map.on("moveend", function () { buildings(map, url, dark); });
        return streets;
      });
    }).catch(function (error) { if (window.console) { window.console.error(error); } return null; });
  };
})();
