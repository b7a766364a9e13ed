/* Staff edit page: a map with the point's marker. Dragging it fills the coordinate fields in
 * the tiles' datum (the server converts to WGS-84 on preview/save); the old position stays
 * visible as a grey dot. */
(function () {
  'use strict';
  var element = document.getElementById('edit-map');
  if (!element || !window.L) { return; }
  var data = element.dataset;
  var lat = document.getElementById('lat');
  var lon = document.getElementById('lon');
  var crs = document.getElementById('crs');
  var paste = document.getElementById('paste');
  var map = L.map(element, { zoomSnap: 0.25 });
  L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);

  var current = data.currentLat ? L.latLng(parseFloat(data.currentLat), parseFloat(data.currentLon)) : null;
  var next = data.newLat ? L.latLng(parseFloat(data.newLat), parseFloat(data.newLon)) : current;
  var start = next || L.latLng(28.6, 121.2);
  if (current) {
    L.circleMarker(current, { radius: 7, color: '#555', fillColor: '#999', fillOpacity: 0.8 })
      .bindTooltip('原位置').addTo(map);
  }
  var marker = L.marker(start, {
    draggable: true,
    keyboard: true,
    title: '拖动以修改位置',
    alt: '服务点位置（可拖动）',
    icon: L.divIcon({ className: 'pin pin-located pin-hit', iconSize: [24, 24] })
  }).addTo(map);
  map.setView(start, next ? 16 : 11);

  function fill(position) {
    lat.value = position.lat.toFixed(7);
    lon.value = position.lng.toFixed(7);
    crs.value = data.datum;
    if (paste) { paste.value = ''; }
  }
  marker.on('dragend', function () { fill(marker.getLatLng()); });
  map.on('click', function (event) { marker.setLatLng(event.latlng); fill(event.latlng); });
  element.setAttribute('data-ready', 'true');
})();

/* Coverage page: the grid image over the map, the district outline, points, suggestions. */
(function () {
  'use strict';
  /** Names come from the data: give Leaflet a text node, never an HTML string. */
  function textNode(text) {
    var span = document.createElement('span');
    span.textContent = text;
    return span;
  }
  var element = document.getElementById('coverage-map');
  if (!element || !window.L) { return; }
  var data = element.dataset;
  var map = L.map(element, { zoomSnap: 0.25 });
  L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 18 }).addTo(map);
  var bounds = L.latLngBounds([parseFloat(data.south), parseFloat(data.west)], [parseFloat(data.north), parseFloat(data.east)]);
  L.imageOverlay(data.overlay, bounds, { opacity: 0.85, alt: '覆盖网格' }).addTo(map);
  map.fitBounds(bounds, { animate: false });
  fetch('/map/data.json').then(function (response) { return response.json(); }).then(function (mapData) {
    L.polygon(mapData.outline.map(function (p) { return [p[1], p[0]]; }), { color: '#0b4f9c', weight: 2, fill: false, interactive: false }).addTo(map);
    mapData.points.forEach(function (point) {
      L.circleMarker([point.lat, point.lon], { radius: 3, color: point.estimate ? '#6b4e00' : '#0b4f9c', weight: 1, fillOpacity: 0.9 })
        .bindTooltip(textNode(point.name)).addTo(map);
    });
    JSON.parse(data.suggestions || '[]').forEach(function (p, i) {
      L.marker([p[1], p[0]], {
        icon: L.divIcon({ className: 'suggestion', html: String(i + 1), iconSize: [26, 26] }),
        title: '建议新增 ' + (i + 1), alt: '建议新增 ' + (i + 1)
      }).addTo(map);
    });
    element.setAttribute('data-ready', 'true');
  });
})();
