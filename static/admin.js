/* Staff edit page. The location changes only on purpose: in the "修改位置" mode (drag the
 * marker, tap the map, type or paste coordinates; "取消" puts everything back) or from the
 * phone's GPS ("使用当前位置", which fills WGS-84 coordinates with the fix's accuracy and time).
 * Outside the mode the marker does not drag and taps do nothing. Every change is previewed at
 * once (distance moved, inside the district or not). The district outline and the town's other
 * points come with the page, so the map shows where things are without tiles. */
(function () {
  'use strict';
  var banner = document.getElementById('save-status');
  if (banner) { banner.focus(); }
  var element = document.getElementById('edit-map');
  if (!element || !window.L) { return; }
  var data = element.dataset;
  function field(id) { return document.getElementById(id); }
  var lat = field('lat');
  var lon = field('lon');
  var crs = field('crs');
  var paste = field('paste');
  var accuracyField = field('accuracy_m');
  var fixedAtField = field('fixed_at');
  var editButton = field('edit-location');
  var cancelButton = field('cancel-location');
  var gpsButton = field('use-gps');
  var gpsStatus = field('gps-status');
  var preview = field('location-preview');
  var maxAccuracyM = parseFloat(data.maxAccuracyM);
  var confirmMoveM = parseFloat(data.confirmMoveM);

  var map = L.map(element, { zoomSnap: 0.25 });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var outline = JSON.parse(data.outline || '[]').map(function (p) { return [p[1], p[0]]; });
  if (outline.length) {
    L.polygon(outline, { color: '#0b4f9c', weight: 2, fill: false, interactive: false }).addTo(map);
  }
  JSON.parse(data.neighbours || '[]').forEach(function (p) {
    var name = document.createElement('span');
    name.textContent = p[2];
    L.circleMarker([p[1], p[0]], { radius: 5, color: '#0b4f9c', weight: 1, fillColor: '#fff', fillOpacity: 0.9 })
      .bindTooltip(name).addTo(map);
  });

  var current = data.currentLat ? L.latLng(parseFloat(data.currentLat), parseFloat(data.currentLon)) : null;
  var next = data.newLat ? L.latLng(parseFloat(data.newLat), parseFloat(data.newLon)) : current;
  var start = next || L.latLng(28.6, 121.2);
  // The view first: Leaflet sets up a marker's dragging only once the map has one.
  map.setView(start, next ? 15 : 11);
  if (current) {
    L.circleMarker(current, { radius: 7, color: '#555', fillColor: '#999', fillOpacity: 0.8 })
      .bindTooltip('原位置').addTo(map);
  }
  var marker = L.marker(start, {
    draggable: true,
    keyboard: true,
    title: '服务点位置',
    alt: '服务点位置',
    icon: L.divIcon({ className: 'pin pin-located pin-hit', iconSize: [24, 24] })
  }).addTo(map);
  marker.dragging.disable();
  var accuracyCircle = null;

  /* WGS-84 to GCJ-02 (the published approximation), for GPS fixes drawn on Chinese tiles. */
  function toGcj02(latitude, longitude) {
    var a = 6378245.0, ee = 0.00669342162296594323;
    function tLat(x, y) {
      var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
      r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
      r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
      return r + (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    }
    function tLon(x, y) {
      var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
      r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
      r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
      return r + (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    }
    var dLat = tLat(longitude - 105.0, latitude - 35.0);
    var dLon = tLon(longitude - 105.0, latitude - 35.0);
    var radLat = latitude / 180.0 * Math.PI;
    var magic = 1 - ee * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (a / sqrtMagic * Math.cos(radLat) * Math.PI);
    return L.latLng(latitude + dLat, longitude + dLon);
  }
  /** A WGS-84 position where the tiles draw it. */
  function onTiles(latitude, longitude) {
    return data.datum === 'gcj02' ? toGcj02(latitude, longitude) : L.latLng(latitude, longitude);
  }

  function insideDistrict(position) {
    var inside = false;
    for (var i = 0, j = outline.length - 1; i < outline.length; j = i, i += 1) {
      var a = outline[i], b = outline[j];
      if ((a[0] > position.lat) !== (b[0] > position.lat) &&
          position.lng < (b[1] - a[1]) * (position.lat - a[0]) / (b[0] - a[0]) + a[1]) {
        inside = !inside;
      }
    }
    return inside;
  }
  function metres(distance) {
    return distance < 1000 ? Math.round(distance) + ' 米' : (distance / 1000).toFixed(1) + ' 公里';
  }
  /** Says where the point would go, at once: the server checks again on save. */
  function showPreview() {
    var position = marker.getLatLng();
    var lines = [];
    if (current) {
      var moved = map.distance(current, position);
      lines.push('新位置距原位置 ' + metres(moved) + (moved > confirmMoveM ? '（超过 ' + metres(confirmMoveM) + '，保存时需确认）' : ''));
    }
    lines.push(insideDistrict(position) ? '在黄岩区界内。' : '不在黄岩区界内！');
    if (accuracyField.value) { lines.push('现场定位，精度 ' + Math.round(parseFloat(accuracyField.value)) + ' 米'); }
    preview.textContent = '';
    lines.forEach(function (line) {
      var p = document.createElement('p');
      p.textContent = line;
      preview.appendChild(p);
    });
    preview.hidden = false;
  }

  var editing = false;
  var saved = null;
  var coordinateFields = [lat, lon, paste];
  function setEditing(on) {
    editing = on;
    if (on) { marker.dragging.enable(); } else { marker.dragging.disable(); }
    coordinateFields.forEach(function (input) { input.readOnly = !on; });
    editButton.hidden = on;
    cancelButton.hidden = !on;
    element.classList.toggle('editing', on);
    element.setAttribute('data-editing', on ? 'true' : 'false');
  }
  var baseLat = document.querySelector('input[name=base_lat]');
  var baseLon = document.querySelector('input[name=base_lon]');
  function startEditing() {
    if (editing) { return; }
    // "取消" goes back to what is stored (the form's base), or for a new point to what was there.
    saved = baseLat && current ? {
      lat: baseLat.value, lon: baseLon.value, crs: 'wgs84', paste: '', accuracy: '', fixedAt: '',
      marker: current, preview: true
    } : {
      lat: lat.value, lon: lon.value, crs: crs.value, paste: paste.value,
      accuracy: accuracyField.value, fixedAt: fixedAtField.value, marker: marker.getLatLng(),
      preview: preview.hidden
    };
    setEditing(true);
  }
  function clearFix() {
    accuracyField.value = '';
    fixedAtField.value = '';
    if (accuracyCircle) { accuracyCircle.remove(); accuracyCircle = null; }
    gpsStatus.textContent = '';
  }
  function cancelEditing() {
    lat.value = saved.lat; lon.value = saved.lon; crs.value = saved.crs; paste.value = saved.paste;
    accuracyField.value = saved.accuracy; fixedAtField.value = saved.fixedAt;
    marker.setLatLng(saved.marker);
    if (accuracyCircle) { accuracyCircle.remove(); accuracyCircle = null; }
    gpsStatus.textContent = '已取消，位置恢复原样。';
    preview.hidden = saved.preview;
    map.panTo(saved.marker);
    setEditing(false);
  }
  /** A position set on the map (drag or tap): staff_set, in the tiles' datum. */
  function fillFromMap(position) {
    clearFix();
    lat.value = position.lat.toFixed(7);
    lon.value = position.lng.toFixed(7);
    crs.value = data.datum;
    paste.value = '';
    showPreview();
  }
  function typed() {
    if (!editing) { return; }
    clearFix();
    var position = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
    if (paste.value || isNaN(position.lat) || isNaN(position.lng)) { return; }
    if (crs.value === data.datum) { marker.setLatLng(position); } else if (crs.value === 'wgs84') { marker.setLatLng(onTiles(position.lat, position.lng)); } else { return; }
    showPreview();
  }
  function poorFixReason(accuracyM) {
    var reason = field('gps_reason');
    if (accuracyM <= maxAccuracyM) { return; }
    if (!reason) {
      var label = document.createElement('label');
      label.className = 'confirm';
      label.id = 'gps-reason-label';
      label.textContent = '定位精度差于 ' + maxAccuracyM + ' 米，仍要使用的原因（必填）';
      reason = document.createElement('input');
      reason.id = 'gps_reason';
      reason.name = 'gps_reason';
      reason.placeholder = '如：室内，已对照门牌确认';
      label.appendChild(reason);
      field('location').appendChild(label);
    }
  }
  function useGps() {
    if (!navigator.geolocation) { gpsStatus.textContent = '此浏览器不能定位。'; return; }
    gpsStatus.textContent = '正在定位……（请在室外开阔处稍候）';
    navigator.geolocation.getCurrentPosition(function (fix) {
      startEditing();
      var c = fix.coords;
      lat.value = c.latitude.toFixed(7);
      lon.value = c.longitude.toFixed(7);
      crs.value = 'wgs84';
      paste.value = '';
      accuracyField.value = c.accuracy.toFixed(1);
      fixedAtField.value = new Date(fix.timestamp || Date.now()).toISOString();
      var shown = onTiles(c.latitude, c.longitude);
      marker.setLatLng(shown);
      if (accuracyCircle) { accuracyCircle.remove(); }
      accuracyCircle = L.circle(shown, { radius: c.accuracy, color: '#0b7a3b', weight: 1, fillOpacity: 0.15, interactive: false }).addTo(map);
      map.fitBounds(accuracyCircle.getBounds(), { maxZoom: 18, animate: false });
      var poor = c.accuracy > maxAccuracyM;
      gpsStatus.textContent = '已定位：精度约 ' + Math.round(c.accuracy) + ' 米。' +
        (poor ? '精度差于 ' + maxAccuracyM + ' 米：请到开阔处重新定位，或填写原因后保存。' : '请核对地图后保存。');
      poorFixReason(c.accuracy);
      showPreview();
    }, function (error) {
      gpsStatus.textContent = error.code === 1 ? '未获准使用位置：请在浏览器设置中允许本网站定位。' : '定位失败，请到室外开阔处重试。';
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 0 });
  }

  marker.on('dragend', function () { fillFromMap(marker.getLatLng()); });
  map.on('click', function (event) {
    if (!editing) { return; }
    marker.setLatLng(event.latlng);
    fillFromMap(event.latlng);
  });
  [lat, lon, crs, paste].forEach(function (input) { input.addEventListener('input', typed); input.addEventListener('change', typed); });
  // A datum reinterprets the coordinates, so choosing one is a location change: into the mode.
  crs.addEventListener('change', function () { if (!editing) { startEditing(); typed(); } });
  editButton.addEventListener('click', startEditing);
  cancelButton.addEventListener('click', cancelEditing);
  gpsButton.addEventListener('click', useGps);
  gpsButton.hidden = !navigator.geolocation;
  editButton.parentNode.hidden = false;
  // After a refused save the page comes back with the editor's location: keep editing it.
  // (Read back at 7 decimals a stored location is a few millimetres off itself: not a change.)
  if (data.preview === 'true' && next && current && map.distance(next, current) > 0.05) {
    startEditing();
    showPreview();
  } else {
    setEditing(false);
  }
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
