// The sites map on the sites index (exhibits.sites_map): loaded only when a tile server is
// configured. Markers come from the page's JSON (#sites-map-data: title, url, lat, lng);
// each opens a popup linking to the site. Without this script the list below still lists
// every site.
(function () {
  "use strict";
  var box = document.getElementById("sites-map");
  var data = document.getElementById("sites-map-data");
  var L = window.L; // Leaflet, vendored and loaded before this script
  if (!box || !data || !L) return;
  var sites = JSON.parse(data.textContent);
  if (!sites.length) return;

  function escaped(text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    return span.innerHTML;
  }

  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false, zoomControl: false });
  L.control.zoom({
    zoomInTitle: box.getAttribute("data-zoom-in"),
    zoomOutTitle: box.getAttribute("data-zoom-out"),
  }).addTo(map);
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", box.getAttribute("data-close"));
  });
  L.tileLayer(box.getAttribute("data-tile-url"), {
    maxZoom: 18,
    attribution: escaped(box.getAttribute("data-attribution")),
  }).addTo(map);

  var bounds = [];
  sites.forEach(function (site) {
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.title;
    var marker = L.marker([site.lat, site.lng], {
      title: site.title,
      alt: site.title,
      icon: L.divIcon({ className: "sites-map__marker", iconSize: [44, 44] }),
    });
    marker.bindPopup(link).addTo(map);
    bounds.push([site.lat, site.lng]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 10);
  else map.fitBounds(bounds, { padding: [24, 24] });
})();
