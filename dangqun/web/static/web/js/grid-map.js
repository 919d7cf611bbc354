/* 网格员 app: my grid on a Leaflet map with my open cases. Without a tile URL the grid polygon is
   drawn on a plain background, so the map works offline. */
(function () {
  "use strict";

  const box = document.getElementById("grid-map");
  const source = document.getElementById("map-data");
  if (!box || !source || !window.L) return;
  const data = JSON.parse(source.textContent);
  const map = L.map(box, { zoomControl: true, attributionControl: Boolean(data.tiles) });
  if (data.tiles) L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 }).addTo(map);
  if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>'); // no flag
  let bounds = null;
  if (data.grid && data.grid.boundary) {
    const layer = L.geoJSON(data.grid.boundary, { style: { color: "#8c1d18", weight: 2, fillColor: "#b3261e", fillOpacity: 0.15 } });
    layer.addTo(map);
    bounds = layer.getBounds();
  }
  // the view first: a circle marker added to a map without one fails (Leaflet projects it on add)
  if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
  else if (data.centre) map.setView([data.centre.coordinates[1], data.centre.coordinates[0]], 16);
  else map.setView([0, 0], 2);
  data.cases.forEach((c) => {
    const marker = L.circleMarker([c.coordinates[1], c.coordinates[0]], { radius: 8, color: "#1a5fb4", weight: 2, fillColor: "#3584e4", fillOpacity: 0.9 });
    const link = document.createElement("a");
    link.href = c.url;
    link.textContent = interpolate(gettext("%(title)s(%(status)s)"), { title: c.title, status: c.status }, true);
    marker.bindPopup(link);
    marker.addTo(map);
  });
})();
