/* legalmap: enhances the server-rendered pages. Without this script everything still works
 * (forms and links); with it, results load in place and the location button appears. It runs
 * before the map library has arrived (on a slow line that is seconds), so it needs nothing from
 * it: map.js draws the map when Leaflet is there, through `window.legalmapLocator`. */
(function () {
  'use strict';

  var form = document.getElementById('search');
  var results = document.getElementById('results');
  var locateButton = document.getElementById('locate');
  var locateStatus = document.getElementById('locate-status');
  /** What app.js and map.js share: map.js sets `drawResults` and `mapData` (the points and
   * outline as last loaded); app.js offers `searchAt` for taps on the map. */
  var locator = window.legalmapLocator = { drawResults: function () {}, mapData: null };
  /** Past this the network counts as gone and the saved points answer. */
  var FRAGMENT_TIMEOUT_MS = 10000;

  // ---- results panel -------------------------------------------------------------------

  /** Loads the results panel for `url`; `keepFocus`: leave focus where it is (a mode chosen
   * with the arrow keys), else move the reader to the answer. Without a network the answer is
   * worked out from the saved points (offline.js). */
  function showPanel(url, remember, keepFocus) {
    if (!results) { window.location.href = url; return; }
    results.setAttribute('aria-busy', 'true');
    var fragmentUrl = url + (url.indexOf('?') < 0 ? '?' : '&') + 'fragment=1';
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && window.setTimeout(function () { controller.abort(); }, FRAGMENT_TIMEOUT_MS);
    fetch(fragmentUrl, { headers: { Accept: 'text/html' }, signal: controller && controller.signal })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        window.clearTimeout(timer);
        results.innerHTML = html;
        panelShown(url, remember, keepFocus);
      })
      .catch(function () {
        window.clearTimeout(timer);
        showOffline(url, remember, keepFocus);
      });
  }

  /** After a panel is in place: the address bar, the text-size link, focus, the map. */
  function panelShown(url, remember, keepFocus) {
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
    locator.drawResults();
  }

  /** The saved points (the map's data): the copy already loaded, else the service worker's. */
  function savedPoints() {
    if (locator.mapData) { return Promise.resolve(locator.mapData); }
    return fetch('/map/data.json').then(function (response) {
      if (!response.ok) { throw new Error('no saved points'); }
      var savedAt = response.headers.get('Date');
      return response.json().then(function (data) { data.savedAt = savedAt; return data; });
    });
  }

  /** The answer from the saved points, marked offline; the page that asked when even those
   * are missing (never visited with a network). */
  function showOffline(url, remember, keepFocus) {
    if (!window.legalmapOffline) { window.location.href = url; return; }
    savedPoints().then(function (data) {
      var children = window.legalmapOffline.answer(url, data);
      results.textContent = '';
      children.forEach(function (child) { results.appendChild(child); });
      panelShown(url, remember, keepFocus);
    }).catch(function () {
      results.removeAttribute('aria-busy');
      if (remember) { window.location.href = url; }
    });
  }

  function selectedMode() {
    var checked = form && form.querySelector('input[name=mode]:checked');
    return checked ? checked.value : 'walk';
  }

  function searchAt(lat, lon, crs, from) {
    showPanel('/nearest?lat=' + lat.toFixed(6) + '&lon=' + lon.toFixed(6) + '&crs=' + crs +
      '&from=' + from + '&mode=' + selectedMode(), true);
  }
  locator.searchAt = form ? searchAt : null;

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
    // Back online: an answer worked out offline is asked for again.
    window.addEventListener('online', function () {
      if (results.querySelector('.summary.offline')) { showPanel(window.location.pathname + window.location.search, false, true); }
    });
    // The service worker served the saved home page for another address (a results page or a
    // point page never saved): answer that address from the saved points.
    if (results.hasAttribute('data-home') && window.location.pathname !== '/') {
      var point = /^\/points\/([^/]+)$/.exec(window.location.pathname);
      showOffline(point ? '/nearest?code=' + encodeURIComponent(point[1]) : window.location.href, false, false);
    }
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

  // ---- offline -----------------------------------------------------------------------------

  // After the page has loaded (so it never competes with the first answer), the service
  // worker saves the page, its files and the points for the next visit without a network.
  if ('serviceWorker' in navigator) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register('/sw.js').catch(function () { /* the page works without it */ });
    });
  }
})();
