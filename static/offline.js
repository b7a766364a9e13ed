/* legalmap offline answers: when the network is gone, app.js asks this script for the results
 * panel, worked out in the browser from the points the service worker saved (/map/data.json).
 * The answer is straight-line distance only, and says so: no travel time and no "within 15
 * minutes" claim, because the server's travel model is not here. Estimated points that share
 * one spot are one line, as on the server. */
(function () {
  'use strict';

  var RESULTS_SHOWN = 5;
  var CHOICES_SHOWN = 60;
  var EARTH_RADIUS_M = 6371008.8;
  var MODE_NAMES = { walk: '步行', bike: '骑行', drive: '驾车' };

  /** Great-circle distance in metres (haversine on the mean Earth radius). */
  function distanceM(a, b) {
    var rad = Math.PI / 180;
    var dLat = (b[1] - a[1]) * rad;
    var dLon = (b[0] - a[0]) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** "773 米" or "1.2 公里", as the server writes it. */
  function formatDistance(distance) {
    return distance < 1000 ? Math.round(distance) + ' 米' : (distance / 1000).toFixed(1) + ' 公里';
  }

  /** A point's `[lon, lat]` in `datum` (the saved data has the map's datum, plus WGS-84 when
   * the map's is another); null when the data cannot say. */
  function position(point, datum, data) {
    if (datum === data.datum) { return [point.lon, point.lat]; }
    if (datum === 'wgs84' && point.wgs84) { return point.wgs84; }
    return null;
  }

  /** Ray casting on the district outline (`[lon, lat]` pairs in the map's datum). */
  function inOutline(outline, at) {
    var inside = false;
    for (var i = 0, j = outline.length - 1; i < outline.length; j = i++) {
      var a = outline[i];
      var b = outline[j];
      if ((a[1] > at[1]) !== (b[1] > at[1]) &&
          at[0] < (b[0] - a[0]) * (at[1] - a[1]) / (b[1] - a[1]) + a[0]) { inside = !inside; }
    }
    return inside;
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function heading(text) {
    return element('h2', { id: 'results-heading' }, [text]);
  }

  function problem(text) {
    return [heading('没能查找（离线）'), element('p', { class: 'problem', role: 'alert' }, [text])];
  }

  /** When the saved points are from: the day and time in Beijing. */
  function savedWhen(data) {
    if (!data.savedAt) { return '之前'; }
    var date = new Date(data.savedAt);
    if (isNaN(date.getTime())) { return '之前'; }
    var beijing = new Date(date.getTime() + 8 * 3600 * 1000);
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return (beijing.getUTCMonth() + 1) + '月' + beijing.getUTCDate() + '日 ' +
      pad(beijing.getUTCHours()) + ':' + pad(beijing.getUTCMinutes());
  }

  /** Points whose name, town or code contains `place`; an exact name wins outright. */
  function pickPlace(points, place) {
    var matches = points.filter(function (point) {
      return point.name.indexOf(place) >= 0 || point.town.indexOf(place) >= 0 || point.code === place;
    });
    var exact = matches.filter(function (point) { return point.name === place; });
    return exact.length ? exact : matches;
  }

  /** Nearest first; estimates sharing one spot become one group. */
  function nearestEntries(points, origin, datum, data) {
    var ranked = points.map(function (point) {
      var at = position(point, datum, data);
      return { point: point, distance: at ? distanceM(origin, at) : Infinity };
    }).filter(function (hit) { return isFinite(hit.distance); });
    ranked.sort(function (a, b) { return a.distance - b.distance; });
    var entries = [];
    var groups = {};
    for (var i = 0; i < ranked.length; i++) {
      var hit = ranked[i];
      if (hit.point.estimate) {
        var spot = hit.point.lon + ',' + hit.point.lat;
        if (groups[spot]) { groups[spot].members.push(hit); continue; }
        if (entries.length >= RESULTS_SHOWN) { continue; }
        groups[spot] = { members: [hit] };
        entries.push(groups[spot]);
      } else if (entries.length < RESULTS_SHOWN) {
        entries.push({ members: [hit] });
      }
    }
    return entries;
  }

  /** What a town is called in "its centre": 街道 for a street, else 镇 (乡 for a township). */
  function townKind(town) {
    return /街道$/.test(town) ? '街道' : /乡$/.test(town) ? '乡' : '镇';
  }

  function actions(point) {
    var links = [];
    if (point.phone) { links.push(element('a', { class: 'button', href: 'tel:' + point.phone }, ['拨打电话'])); }
    links.push(element('a', { class: 'button', href: '/points/' + point.code + '#navigate' }, ['导航前往']));
    return element('p', { class: 'actions' }, links);
  }

  function entryItem(entry, fromTownCentre) {
    var lead = entry.members[0];
    var reach = (fromTownCentre ? '距镇街中心直线 ' : '直线距离 ') + formatDistance(lead.distance);
    if (entry.members.length > 1) {
      var town = lead.point.town;
      return element('li', { class: 'result estimate-group', 'data-code': lead.point.code }, [
        element('h3', {}, [town + '：' + entry.members.length + ' 个服务点位置待核实，暂以' + townKind(town) + '中心代替']),
        element('p', { class: 'reach' }, [reach]),
        element('details', {}, [
          element('summary', {}, ['查看这 ' + entry.members.length + ' 个服务点']),
          element('ul', { class: 'group-members' }, entry.members.map(function (member) {
            return element('li', {}, [element('a', { href: '/points/' + member.point.code }, [member.point.name])]);
          }))
        ])
      ]);
    }
    var point = lead.point;
    var children = [
      element('h3', {}, [element('a', { href: '/points/' + point.code }, [point.name])]),
      element('p', { class: 'town' }, [point.town]),
      element('p', { class: 'reach' }, [reach])
    ];
    if (point.estimate) {
      children.push(element('p', { class: 'badges' }, [element('span', { class: 'badge estimate' }, ['位置为估算，待核实'])]));
    }
    children.push(actions(point));
    return element('li', { class: 'result', 'data-code': point.code }, children);
  }

  function modeLinks(query, mode) {
    return element('nav', { class: 'mode-switch', 'aria-label': '出行方式' }, ['walk', 'bike', 'drive'].map(function (each) {
      return each === mode
        ? element('span', { 'aria-current': 'true' }, [MODE_NAMES[each]])
        : element('a', { 'data-fragment': '', href: '/nearest?' + query + '&mode=' + each }, [MODE_NAMES[each]]);
    }));
  }

  /** The results panel's children for the search in `url`, from the saved `data`. */
  function answer(url, data) {
    var params = new URL(url, window.location.href).searchParams;
    var mode = MODE_NAMES[params.get('mode')] ? params.get('mode') : 'walk';
    var points = data.points;
    var origin = null;
    var datum = 'wgs84';
    var label = '';
    var query = '';
    var picked = null;
    var place = (params.get('place') || '').trim();
    var lat = (params.get('lat') || '').trim();
    var lon = (params.get('lon') || '').trim();

    if (params.get('code')) {
      picked = points.filter(function (point) { return point.code === params.get('code'); })[0];
      if (!picked) { return problem('已保存的数据中没有这个服务点。'); }
    } else if (lat || lon) {
      var latValue = Number(lat);
      var lonValue = Number(lon);
      if (!lat || !lon || !isFinite(latValue) || !isFinite(lonValue) || Math.abs(latValue) > 90 || Math.abs(lonValue) > 180) {
        return problem('坐标不正确：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。');
      }
      datum = params.get('crs') || 'wgs84';
      if (!points.length || !position(points[0], datum, data)) {
        return problem('离线时只能按 GPS（WGS-84）坐标或地图上点选的位置查找，请联网后再试。');
      }
      origin = [lonValue, latValue];
      label = { gps: '您的位置', map: '地图上选择的位置' }[params.get('from')] || '所填坐标';
      query = 'lat=' + lat + '&lon=' + lon + '&crs=' + datum + '&from=' + (params.get('from') || 'coordinates');
    } else if (place) {
      var matches = pickPlace(points, place);
      if (!matches.length) { return problem('已保存的数据中没有名称包含“' + place + '”的服务点。'); }
      if (matches.length > 1) {
        return [
          heading('找到 ' + Math.min(matches.length, CHOICES_SHOWN) + ' 个与“' + place + '”相关的地点，请选择（离线）：'),
          element('ul', { class: 'choices' }, matches.slice(0, CHOICES_SHOWN).map(function (point) {
            return element('li', {}, [element('a', { 'data-fragment': '', href: '/nearest?code=' + point.code + '&mode=' + mode },
              [point.name, element('span', { class: 'town' }, [point.town])])]);
          }))
        ];
      }
      picked = matches[0];
    } else {
      return [heading('全区 ' + points.length + ' 个服务点'), element('p', {}, ['目前处于离线状态，可以输入名称或使用您的位置查找（按已保存的数据）。'])];
    }
    if (picked) {
      datum = data.datum;
      origin = [picked.lon, picked.lat];
      label = picked.name;
      query = 'code=' + picked.code;
    }

    var onMap = datum === data.datum ? origin : null;
    var children = [];
    if (onMap) { children.push(element('div', { id: 'origin', 'data-lon': String(onMap[0]), 'data-lat': String(onMap[1]), hidden: '' })); }
    children.push(heading('离' + label + '最近的服务点（离线）'));
    children.push(element('p', { class: 'summary offline', role: 'status' }, [
      '网络不可用：以下按 ' + savedWhen(data) + ' 保存的服务点数据计算，只是直线距离，没有按道路和' +
      MODE_NAMES[mode] + '估算时间。恢复网络后会自动更新。'
    ]));
    if (onMap && data.outline && !inOutline(data.outline, onMap)) {
      children.push(element('p', { class: 'summary out', role: 'status' }, ['这个位置不在黄岩区内。以下是离这里最近的黄岩区服务点。']));
    }
    var fromTownCentre = Boolean(picked && picked.estimate);
    if (fromTownCentre) {
      children.push(element('p', { class: 'summary estimate', role: 'note' }, [
        picked.name + '的位置尚未核实，暂以' + picked.town + '中心代替。以下距离从' + picked.town + '中心算起。'
      ]));
    }
    children.push(modeLinks(query, mode));
    children.push(element('ol', { class: 'results' }, nearestEntries(points, origin, datum, data).map(function (entry) {
      return entryItem(entry, fromTownCentre);
    })));
    return children;
  }

  window.legalmapOffline = { answer: answer };
})();
