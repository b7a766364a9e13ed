/* legalmap's map: drawn once Leaflet has loaded, after app.js (which answers without it). The
 * server sends map coordinates already in the tiles' datum (data-datum), and map taps go back to
 * it in that datum, so no datum arithmetic happens here. */
(function () {
  'use strict';

  var locator = window.legalmapLocator || {};
  var results = document.getElementById('results');
  var mapElement = document.getElementById('map');
  var map = null;
  var markersByCode = {};
  var highlighted = [];
  var originMarker = null;

  function icon(estimate, hit) {
    return L.divIcon({
      className: 'pin ' + (estimate ? 'pin-estimate' : 'pin-located') + (hit ? ' pin-hit' : ''),
      iconSize: [22, 22]
    });
  }

  /** A cluster: how many points, dashed when some of their locations are estimates. */
  function clusterIcon(group) {
    var markers = group.getAllChildMarkers();
    var estimates = markers.filter(function (marker) { return marker.options.estimate; }).length;
    var label = document.createElement('span');
    label.textContent = String(markers.length);
    return L.divIcon({
      className: 'cluster' + (estimates ? ' cluster-estimate' : ''),
      html: label.outerHTML,
      iconSize: [40, 40]
    });
  }

  function popup(point) {
    var box = document.createElement('div');
    var name = document.createElement('strong');
    name.textContent = point.name;
    var town = document.createElement('div');
    town.textContent = point.town + (point.estimate ? '（位置为估算，待核实）' : '');
    var link = document.createElement('a');
    link.href = '/points/' + point.code;
    link.textContent = '查看详情与导航';
    box.appendChild(name);
    box.appendChild(town);
    box.appendChild(link);
    return box;
  }

  function drawResults() {
    if (!map) { return; }
    highlighted.forEach(function (marker) { marker.setIcon(icon(marker.options.estimate, false)); });
    highlighted = [];
    if (originMarker) { map.removeLayer(originMarker); originMarker = null; }
    var origin = document.getElementById('origin');
    if (!origin) { return; }
    var here = L.latLng(parseFloat(origin.dataset.lat), parseFloat(origin.dataset.lon));
    originMarker = L.marker(here, {
      icon: L.divIcon({ className: 'pin-origin', iconSize: [18, 18] }),
      title: '查找的位置', alt: '查找的位置', keyboard: false, zIndexOffset: 1000
    }).addTo(map);
    var bounds = L.latLngBounds([here]);
    Array.prototype.forEach.call(results.querySelectorAll('li[data-code]'), function (item, rank) {
      var marker = markersByCode[item.dataset.code];
      if (!marker) { return; }
      marker.setIcon(icon(marker.options.estimate, true));
      highlighted.push(marker);
      if (rank < 3) { bounds.extend(marker.getLatLng()); }
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16, animate: false });
  }

  function drawMap(data) {
    var outline = L.polygon(data.outline.map(function (p) { return [p[1], p[0]]; }), {
      color: '#0b4f9c', weight: 2, fill: true, fillOpacity: 0.04, interactive: false
    }).addTo(map);
    // Many placeholders share a town centre: the cluster spreads them out when tapped.
    var cluster = L.markerClusterGroup({
      maxClusterRadius: 40,
      showCoverageOnHover: false,
      iconCreateFunction: clusterIcon
    });
    var focus = mapElement.dataset.focusCode;
    data.points.forEach(function (point) {
      var own = point.code === focus;
      var marker = L.marker([point.lat, point.lon], {
        icon: icon(point.estimate, own),
        title: point.name + (point.estimate ? '（位置为估算）' : ''),
        alt: point.name,
        estimate: point.estimate,
        zIndexOffset: own ? 1000 : 0
      });
      marker.bindPopup(popup(point));
      markersByCode[point.code] = marker;
      // A point page's own point stays out of the clusters: it shows at every zoom, so the
      // 15-minute area drawn around it (zoomed out to fit) still shows whose area it is.
      if (own) { marker.addTo(map); } else { cluster.addLayer(marker); }
    });
    map.addLayer(cluster);
    if (focus) {
      map.setView([parseFloat(mapElement.dataset.focusLat), parseFloat(mapElement.dataset.focusLon)], 15, { animate: false });
      if (markersByCode[focus]) { markersByCode[focus].openPopup(); }
    } else if (document.getElementById('origin')) {
      drawResults();
    } else {
      map.fitBounds(outline.getBounds(), { padding: [8, 8], animate: false });
    }
    setUpArea();
    mapElement.setAttribute('data-ready', 'true');
  }

  function distanceText(metres) {
    return metres >= 1000 ? (metres / 1000).toFixed(1) + ' 公里' : Math.round(metres) + ' 米';
  }

  /* The point page's "显示15分钟范围": where a resident can start and reach the point in time by
   * the chosen mode, from /map/points/{code}/isochrone (the API's answer, in the tiles' datum).
   * Roads for an answer by road, a translucent circle for an estimate; the caption says which.
   * Pressing the shown mode again hides it. */
  function setUpArea() {
    var box = document.getElementById('isochrone');
    if (!box || !map) { return; }
    var caption = document.getElementById('isochrone-caption');
    var buttons = Array.prototype.slice.call(box.querySelectorAll('button[data-isochrone-mode]'));
    var minutes = box.dataset.minutes;
    // A point still placed at its town centre gets its area around that centre: say so.
    var focus = markersByCode[box.dataset.code];
    var placeholder = focus && focus.options.estimate ? '服务点位置待核实，范围以镇街中心代替。' : '';
    var layer = null;
    var chosen = null;

    function press(mode) {
      buttons.forEach(function (button) {
        button.setAttribute('aria-pressed', button.dataset.isochroneMode === mode ? 'true' : 'false');
      });
    }
    function clear() {
      if (layer) { map.removeLayer(layer); layer = null; }
    }
    function draw(feature, label) {
      var properties = feature.properties;
      var geometry = feature.geometry;
      var flip = function (p) { return [p[1], p[0]]; };
      var text = label + minutes + '分钟范围';
      if (geometry.type === 'MultiLineString') {
        layer = L.polyline(geometry.coordinates.map(function (line) { return line.map(flip); }), {
          color: '#0a7d3b', weight: 4, opacity: 0.85, interactive: false
        });
        text += properties.segments === 0
          ? '：按道路计算，' + minutes + '分钟内没有能到达服务点的道路。'
          : '：按道路计算（OpenStreetMap 道路数据）。绿色线条上的任一位置，' + label + minutes +
            '分钟内可到达服务点；从住处走到道路的时间另计。' +
            (properties.truncated ? '范围很大，只画出较近的道路。' : '');
      } else {
        layer = L.polygon(geometry.coordinates[0].map(flip), {
          color: '#0a7d3b', weight: 2, fillOpacity: 0.15, interactive: false
        });
        text += '：估算：直线距离范围（半径约 ' + distanceText(properties.radius_m) +
          '），实际沿道路可能更远。';
      }
      text += placeholder;
      map.closePopup(); // it would cover much of the area
      layer.addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16, animate: false }); }
      caption.textContent = text;
      mapElement.setAttribute('data-area', properties.travel_basis);
      bringIntoView();
    }
    /* On a phone the buttons sit below the map, often with the map's top scrolled away: scroll
     * up to show as much of the map as fits while the caption stays on screen. */
    function bringIntoView() {
      var up = Math.max(mapElement.getBoundingClientRect().top,
        caption.getBoundingClientRect().bottom - window.innerHeight);
      if (up < 0) { window.scrollBy(0, up); }
    }
    function show(mode, label) {
      clear();
      mapElement.removeAttribute('data-area');
      if (chosen === mode) {
        chosen = null;
        press(null);
        caption.textContent = '';
        return;
      }
      chosen = mode;
      press(mode);
      caption.textContent = '正在计算' + label + minutes + '分钟范围…';
      var url = '/map/points/' + encodeURIComponent(box.dataset.code) + '/isochrone?mode=' +
        encodeURIComponent(mode) + '&minutes=' + encodeURIComponent(minutes);
      fetch(url)
        .then(function (response) {
          if (!response.ok) { throw new Error('HTTP ' + response.status); }
          return response.json();
        })
        .then(function (collection) {
          // Another mode chosen (or this one hidden) while this answer was on its way.
          if (chosen !== mode) { return; }
          draw(collection.features[0], label);
        })
        .catch(function () {
          if (chosen !== mode) { return; }
          chosen = null;
          press(null);
          caption.textContent = '暂时无法显示范围（需要联网），请稍后再试。';
        });
    }
    buttons.forEach(function (button) {
      button.addEventListener('click', function () { show(button.dataset.isochroneMode, button.textContent); });
    });
    box.hidden = false;
  }

  if (mapElement && window.L) {
    var fallback = mapElement.querySelector('.map-fallback');
    if (fallback) { fallback.parentNode.removeChild(fallback); }
    map = L.map(mapElement, { zoomControl: true, zoomSnap: 0.25 }).setView([28.6, 121.1], 10);
    L.tileLayer(mapElement.dataset.tileUrl, {
      attribution: mapElement.dataset.tileAttribution, maxZoom: 18
    }).addTo(map);
    if (locator.searchAt) {
      map.on('click', function (event) {
        locator.searchAt(event.latlng.lat, event.latlng.lng, mapElement.dataset.datum, 'map');
      });
    }
    fetch('/map/data.json')
      .then(function (response) {
        var savedAt = response.headers.get('Date');
        return response.json().then(function (data) { data.savedAt = savedAt; locator.mapData = data; return data; });
      })
      .then(drawMap)
      .catch(function () {
        var note = document.createElement('p');
        note.className = 'map-fallback';
        note.textContent = '地图数据暂时无法加载，服务点列表不受影响。';
        mapElement.parentNode.insertBefore(note, mapElement.nextSibling);
      });
  }
  locator.drawResults = drawResults;
})();
