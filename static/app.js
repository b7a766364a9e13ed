/* legalmap: enhances the server-rendered pages. Without this script everything still works
 * (forms and links); with it, results load in place, the location button appears, and the map
 * is drawn. The server sends map coordinates already in the tiles' datum (data-datum), and map
 * taps go back to it in that datum, so no datum arithmetic happens here. */
(function () {
  'use strict';

  var form = document.getElementById('search');
  var results = document.getElementById('results');
  var mapElement = document.getElementById('map');
  var locateButton = document.getElementById('locate');
  var locateStatus = document.getElementById('locate-status');
  var map = null;
  var markersByCode = {};
  var highlighted = [];
  var originMarker = null;

  // ---- results panel -------------------------------------------------------------------

  /** Loads the results panel for `url`; `keepFocus`: leave focus where it is (a mode chosen
   * with the arrow keys), else move the reader to the answer. */
  function showPanel(url, remember, keepFocus) {
    if (!results) { window.location.href = url; return; }
    results.setAttribute('aria-busy', 'true');
    var fragmentUrl = url + (url.indexOf('?') < 0 ? '?' : '&') + 'fragment=1';
    fetch(fragmentUrl, { headers: { Accept: 'text/html' } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        results.innerHTML = html;
        results.removeAttribute('aria-busy');
        if (remember && window.history && history.pushState) {
          history.pushState({ url: url }, '', url);
          // 大字模式 comes back to the results now shown, not to the page first loaded.
          var returnTo = document.querySelector('form.text-size input[name=return_to]');
          if (returnTo) { returnTo.value = url; }
        }
        var heading = document.getElementById('results-heading');
        if (heading && !keepFocus) {
          // Move the reader (and screen readers) to the answer, which sits below the form.
          heading.setAttribute('tabindex', '-1');
          heading.focus({ preventScroll: true });
          heading.scrollIntoView({ block: 'start' });
        }
        drawResults();
      })
      .catch(function () { window.location.href = url; });
  }

  function selectedMode() {
    var checked = form && form.querySelector('input[name=mode]:checked');
    return checked ? checked.value : 'walk';
  }

  function searchAt(lat, lon, crs, from) {
    showPanel('/nearest?lat=' + lat.toFixed(6) + '&lon=' + lon.toFixed(6) + '&crs=' + crs +
      '&from=' + from + '&mode=' + selectedMode(), true);
  }

  if (form && results) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var query = [];
      new FormData(form).forEach(function (value, key) {
        if (String(value).trim() !== '') { query.push(encodeURIComponent(key) + '=' + encodeURIComponent(value)); }
      });
      // A place name wins over coordinates typed earlier, as on the server.
      showPanel('/nearest?' + query.join('&'), true);
    });
    // Arrow keys move between the mode radios without reloading on every step (WCAG 3.2.2):
    // the results follow once the choice has rested for a moment; Enter submits at once.
    var modeTimer = null;
    form.addEventListener('change', function (event) {
      if (event.target.name !== 'mode') { return; }
      window.clearTimeout(modeTimer);
      modeTimer = window.setTimeout(function () {
        var link = results.querySelector('.mode-switch a[href$="mode=' + selectedMode() + '"]');
        if (link) { showPanel(link.getAttribute('href'), true, true); }
      }, 900);
    });
    results.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a[data-fragment]');
      if (!link) { return; }
      event.preventDefault();
      var href = link.getAttribute('href');
      if (link.closest('.mode-switch')) {
        // A mode link sets the form's mode.
        var mode = /[?&]mode=(\w+)/.exec(href);
        var radio = mode && form.querySelector('input[name=mode][value=' + mode[1] + ']');
        if (radio) { radio.checked = true; }
      } else {
        // Any other link (a place picked from a list) keeps the mode chosen in the form.
        href = href.replace(/([?&]mode=)\w+/, '$1' + selectedMode());
      }
      window.clearTimeout(modeTimer);
      showPanel(href, true);
    });
    window.addEventListener('popstate', function () { window.location.reload(); });
  }

  // ---- "use my location" ---------------------------------------------------------------

  function say(text, isProblem) {
    if (!locateStatus) { return; }
    locateStatus.textContent = text;
    locateStatus.className = isProblem ? 'problem' : '';
  }

  function locating(busy) {
    locateButton.disabled = busy;
    locateButton.setAttribute('aria-busy', busy ? 'true' : 'false');
    locateButton.textContent = busy ? '正在定位……' : '使用我的位置';
  }

  if (locateButton && form && 'geolocation' in navigator) {
    locateButton.hidden = false;
    locateButton.addEventListener('click', function () {
      var fallback = '您可以在地图上点选您所在的位置，或在上方输入村、社区、镇街名称搜索。';
      if (!window.isSecureContext) {
        // Browsers refuse geolocation over plain HTTP: not the resident's doing.
        say('定位需要安全连接（HTTPS），本网址暂不支持定位。' + fallback, true);
        return;
      }
      locating(true);
      say('正在获取您的位置……', false);
      navigator.geolocation.getCurrentPosition(function (position) {
        locating(false);
        say('', false);
        searchAt(position.coords.latitude, position.coords.longitude, 'wgs84', 'gps');
      }, function (error) {
        locating(false);
        var why = error.code === 1 ? '没有获得定位权限（可在浏览器设置中允许本网站获取位置）'
          : error.code === 3 ? '获取位置超时' : '暂时无法获取您的位置';
        say(why + '。' + fallback, true);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // ---- correction report: "我现在就在正确的位置" -------------------------------------------
  // The location is asked for only when the resident presses the button, and sent only while
  // the page says it is attached; "移除位置" empties the fields again.

  var reportLocation = document.getElementById('report-location');
  if (reportLocation && 'geolocation' in navigator) {
    var reportForm = reportLocation.closest('form');
    var attachButton = document.getElementById('attach-location');
    var removeButton = document.getElementById('remove-location');
    var locationStatus = document.getElementById('location-status');
    var locationFields = ['lat', 'lon', 'accuracy_m'].map(function (name) {
      return reportForm.querySelector('input[name=' + name + ']');
    });
    reportLocation.hidden = false;

    var setLocation = function (values, message, isProblem) {
      locationFields.forEach(function (field, i) { field.value = values ? values[i] : ''; });
      removeButton.hidden = !values;
      locationStatus.textContent = message;
      locationStatus.className = isProblem ? 'problem' : (values ? 'attached' : '');
    };

    attachButton.addEventListener('click', function () {
      if (!window.isSecureContext) {
        // Browsers refuse geolocation over plain HTTP: not the resident's doing.
        setLocation(null, '获取位置需要安全连接（HTTPS），本网址暂不支持。您可以在说明中写明正确的位置。', true);
        return;
      }
      attachButton.disabled = true;
      attachButton.setAttribute('aria-busy', 'true');
      setLocation(null, '正在获取您的位置……', false);
      navigator.geolocation.getCurrentPosition(function (position) {
        attachButton.disabled = false;
        attachButton.removeAttribute('aria-busy');
        var accuracy = Math.round(position.coords.accuracy);
        setLocation([position.coords.latitude.toFixed(6), position.coords.longitude.toFixed(6), String(accuracy)],
          '已附上您当前的位置（精度约 ' + accuracy + ' 米），发送时一并提交。', false);
        // A location is most likely about the location.
        var kind = reportForm.querySelector('input[name=kind]:checked');
        var locationKind = reportForm.querySelector('input[name=kind][value=location]');
        if (!kind && locationKind) { locationKind.checked = true; }
      }, function (error) {
        attachButton.disabled = false;
        attachButton.removeAttribute('aria-busy');
        var why = error.code === 1 ? '没有获得定位权限（可在浏览器设置中允许本网站获取位置）'
          : error.code === 3 ? '获取位置超时' : '暂时无法获取您的位置';
        setLocation(null, why + '。您也可以不附位置，在说明中写明正确的位置。', true);
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });

    removeButton.addEventListener('click', function () {
      setLocation(null, '已移除位置，发送时不会附带位置。', false);
      attachButton.focus();
    });
  }

  // A page that asks for attention (the report's problems or thanks) gets the focus, also where
  // the browser ignores `autofocus` on a heading.
  var focusTarget = document.querySelector('[data-focus-on-load]');
  if (focusTarget && document.activeElement !== focusTarget) { focusTarget.focus(); }

  // ---- the map ---------------------------------------------------------------------------

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
    data.points.forEach(function (point) {
      var marker = L.marker([point.lat, point.lon], {
        icon: icon(point.estimate, false),
        title: point.name + (point.estimate ? '（位置为估算）' : ''),
        alt: point.name,
        estimate: point.estimate
      });
      marker.bindPopup(popup(point));
      markersByCode[point.code] = marker;
      cluster.addLayer(marker);
    });
    map.addLayer(cluster);
    var focus = mapElement.dataset.focusCode;
    if (focus) {
      map.setView([parseFloat(mapElement.dataset.focusLat), parseFloat(mapElement.dataset.focusLon)], 15, { animate: false });
      var marker = markersByCode[focus];
      if (marker) { cluster.zoomToShowLayer(marker, function () { marker.openPopup(); }); }
    } else if (document.getElementById('origin')) {
      drawResults();
    } else {
      map.fitBounds(outline.getBounds(), { padding: [8, 8], animate: false });
    }
    mapElement.setAttribute('data-ready', 'true');
  }

  if (mapElement && window.L) {
    var fallback = mapElement.querySelector('.map-fallback');
    if (fallback) { fallback.parentNode.removeChild(fallback); }
    map = L.map(mapElement, { zoomControl: true, zoomSnap: 0.25 }).setView([28.6, 121.1], 10);
    L.tileLayer(mapElement.dataset.tileUrl, {
      attribution: mapElement.dataset.tileAttribution, maxZoom: 18
    }).addTo(map);
    if (form) {
      map.on('click', function (event) {
        searchAt(event.latlng.lat, event.latlng.lng, mapElement.dataset.datum, 'map');
      });
    }
    fetch('/map/data.json')
      .then(function (response) { return response.json(); })
      .then(drawMap)
      .catch(function () {
        var note = document.createElement('p');
        note.className = 'map-fallback';
        note.textContent = '地图数据暂时无法加载，服务点列表不受影响。';
        mapElement.parentNode.insertBefore(note, mapElement.nextSibling);
      });
  }
})();
