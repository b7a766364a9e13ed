/* The map controls in Chinese, for every map (residents' and staff's): loaded right after
 * Leaflet, before any map is made, so every zoom and attribution control takes these. */
(function () {
  'use strict';
  if (!window.L) { return; }
  L.Control.Zoom.prototype.options.zoomInTitle = '放大';
  L.Control.Zoom.prototype.options.zoomOutTitle = '缩小';
  L.Control.Attribution.prototype.options.prefix =
    '<a href="https://leafletjs.com" title="开源地图程序库">Leaflet</a>';
}());
