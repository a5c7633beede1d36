/*
 * The map's year filter. presence/year_map.py builds its data; this script only shows one year of it.
 *
 * presenceYearMap(map, data, options) draws every site and event once, then for a year:
 *   - restyles each site's marker by its status that year (data.sites[i].runs: [first year, status,
 *     description] wherever the status changes) and joins its popup and tooltip from escaped HTML;
 *   - shows that year's events, or every event up to it ("through"), fanned out where they share a point;
 *   - names the year in a badge.
 * Where the year comes from (options.follow):
 *   "url"      in the app: the page keeps its address current (?year=&site=&event=&through=), so the map
 *              reads it whenever it changes; no map data travels when the year does.
 *   "controls" in a published file: the map draws its own slider, Play button and figures panel.
 * Markers carry feature.properties {id, layer} so that streamlit-folium reports a click on them.
 * Every string inserted as HTML was escaped in Python; this script adds only numbers and class names.
 * Markers do not pan the map when they take focus (Leaflet's autoPanOnFocus): a mouse press focuses a marker
 * before its click, and a pan in between moves the marker from under the pointer, losing the click.
 */
(function () {
  "use strict";

  var PLAY_STEP_MS = 1200;
  var SPREAD_PX = 22; // sites closer than this on screen are set apart (Baghdad alone has a dozen)

  // [status, description] of a year from a site's runs; before its first run a site had no US forces.
  function statusIn(runs, year) {
    var current = ["absent", ""];
    for (var i = 0; i < runs.length && runs[i][0] <= year; i++) current = [runs[i][1], runs[i][2]];
    return current;
  }

  function statusLine(year, state) {
    return '<p class="status status-' + state[0] + '"><b>' + year + ":</b> " + state[1] + "</p>";
  }

  // Text of an escaped HTML string (names and descriptions come escaped from Python), for an attribute.
  function plain(html) {
    var div = document.createElement("div");
    div.innerHTML = html;
    return div.textContent;
  }

  // A marker's accessible name: what a screen reader says when it takes focus.
  function name(marker, text) {
    if (marker._icon) marker._icon.setAttribute("aria-label", text);
  }

  // Enter on a focused marker selects it as a click does (Leaflet's own Enter only opens the popup, and
  // streamlit-folium reports clicks only).
  function enterSelects(marker) {
    marker.off("keypress", marker._onKeyPress, marker);
    marker.on("keypress", function (e) {
      if (e.originalEvent.key !== "Enter") return;
      marker.fire("click", { latlng: marker.getLatLng(), originalEvent: e.originalEvent }, true);
    });
  }

  // The part of the map no control covers: the height of the controls and the year badge along the top and of
  // the controls along the bottom, in pixels.
  function freeArea(map) {
    var container = map.getContainer(), box = container.getBoundingClientRect(), top = 0, bottom = 0;
    container.querySelectorAll(".leaflet-top .leaflet-control, .year-badge").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.height) top = Math.max(top, r.bottom - box.top);
    });
    container.querySelectorAll(".leaflet-bottom .leaflet-control").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.height) bottom = Math.max(bottom, box.bottom - r.top);
    });
    return { top: top + 8, bottom: bottom + 8 };
  }

  // Popups open in the free area: as wide and as high as it allows (their content scrolls beyond that), and
  // panned clear of the badge and the controls. Set on the click that opens a popup, before Leaflet places it.
  function fitPopup(map, popup) {
    // The frame may have been resized since Leaflet last measured it (the page settles after a run); a stale
    // size would place the popup wrongly, and the correction on Leaflet's next resize would move it again.
    map.invalidateSize({ pan: false });
    var free = freeArea(map), size = map.getSize();
    popup.options.autoPanPaddingTopLeft = L.point(12, free.top);
    popup.options.autoPanPaddingBottomRight = L.point(12, free.bottom);
    popup.options.maxWidth = Math.max(160, Math.min(380, size.x - 60));
    popup.options.minWidth = Math.min(50, popup.options.maxWidth);
    popup.options.maxHeight = Math.max(100, size.y - free.top - free.bottom - 40);
  }

  // Keep an open popup in the free area when the map or its controls change size (the page settling after a
  // run, the legend opened): fit it again, and let Leaflet lay it out and pan to it.
  function keepPopupsFree(map) {
    function fitted(popup) {
      var o = popup.options;
      return [o.autoPanPaddingTopLeft, o.autoPanPaddingBottomRight, o.maxWidth, o.maxHeight].join();
    }
    function refit() {
      var popup = map._popup;
      if (!popup || !map.hasLayer(popup)) return;
      var before = fitted(popup);
      fitPopup(map, popup);
      if (fitted(popup) !== before) popup.update();
    }
    map.on("resize", refit);
    if (!window.ResizeObserver) return;
    var observer = new ResizeObserver(refit);
    map.getContainer().querySelectorAll(".leaflet-control-container > div").forEach(function (corner) {
      observer.observe(corner);
    });
  }

  // bindPopup through this, so that the popup is fitted before each opening (handlers run in order).
  function bindFittedPopup(marker, content) {
    marker.on("click", function () {
      var map = marker._map, popup = marker.getPopup();
      if (!map) return;
      fitPopup(map, popup);
      // Opened during a zoom, the popup is panned for a view about to change: pan again once it has.
      if (map._animatingZoom) {
        map.once("zoomend", function () {
          if (!marker.isPopupOpen()) return;
          fitPopup(map, popup);
          popup.update();
        });
      }
    });
    marker.bindPopup(content, { maxWidth: 380 });
  }

  function YearMap(map, data, options) {
    this.map = map;
    this.data = data;
    this.first = data.years[0];
    this.last = data.years[1];
    this.state = { year: null, site: null, event: null, through: false };
    this.badge = L.DomUtil.create("div", "year-badge", map.getContainer());
    this.badge.setAttribute("role", "status");
    this.sites = this._drawSites();
    this._spread();
    map.on("zoomend", this._spread, this);
    // The year's events are fanned out around shared points; "every event up to the year" can hold hundreds,
    // so those are clustered (Leaflet.markercluster) and spread out only as the reader zooms in.
    this.eventsLayer = L.featureGroup().addTo(map);
    this.eventsCluster = L.markerClusterGroup({
      maxClusterRadius: 35, showCoverageOnHover: false, spiderfyOnMaxZoom: true, disableClusteringAtZoom: 12,
    }).addTo(map);
    // Events with no US or coalition party (from an uploaded ACLED file) are a layer of their own, grey,
    // always clustered and switchable, so they never read as part of the US story.
    this.otherEvents = L.markerClusterGroup({ maxClusterRadius: 35, showCoverageOnHover: false });
    if (this.data.events.some(function (event) { return event.category === "other_conflict"; })) {
      this.otherEvents.addTo(map);
      L.control.layers(null, { "Other conflict events (no US or coalition party)": this.otherEvents },
        { collapsed: false, position: "topright" }).addTo(map);
    }
    this.eventMarkers = {};
    var initial = { year: options.year || this.last, site: null, event: null, through: !!options.through };
    if (options.follow === "url") {
      this._followUrl(initial);
    } else {
      this._drawControls(initial);
      this.show(initial);
    }
  }

  YearMap.prototype._drawSites = function () {
    var self = this, layer = L.featureGroup().addTo(this.map);
    return this.data.sites.map(function (site) {
      var entry = { data: site, state: ["absent", ""], status: "absent", icons: {} };
      // Created with an icon of ours: Leaflet's default icon would fetch an image file.
      var marker = L.marker([site.lat, site.lon], {
        icon: self._siteIcon(entry, "absent"), riseOnHover: true, zIndexOffset: 1000, autoPanOnFocus: false,
      });
      marker.feature = { type: "Feature", properties: { id: site.id, layer: "site" } };
      bindFittedPopup(marker, function () {
        return site.head + statusLine(self.state.year, entry.state) + site.body;
      });
      marker.bindTooltip(function () { return site.name + ": " + entry.state[1]; });
      enterSelects(marker);
      entry.marker = marker.addTo(layer);
      return entry;
    });
  };

  YearMap.prototype._siteIcon = function (entry, status) {
    if (!entry.icons[status]) {
      var half = this.data.siteIcon / 2;
      entry.icons[status] = L.divIcon({
        html: this.data.glyphs[status] + '<span class="site-label">' + entry.data.name + "</span>",
        className: "site-marker site-" + entry.data.id + " status-" + status + " kind-" + entry.data.kind,
        iconSize: [this.data.siteIcon, this.data.siteIcon],
        iconAnchor: [half, half],
      });
    }
    return entry.icons[status];
  };

  YearMap.prototype._eventIcon = function (event, through, year) {
    var half = this.data.eventIcon / 2, offset = through ? [0, 0] : event.offset;
    var classes = "event-marker event-" + event.id + " category-" + event.category;
    if (event.own) classes += " own-event";
    // Every event up to the year: the year's own stand out, older ones fade with age (age-1 to age-5).
    if (through) classes += event.year < year ? " earlier age-" + Math.min(5, year - event.year) : " current";
    return L.divIcon({
      html: this.data.categoryGlyphs[event.category],
      className: classes,
      iconSize: [this.data.eventIcon, this.data.eventIcon],
      iconAnchor: [half - offset[0], half - offset[1]],
    });
  };

  YearMap.prototype._eventMarker = function (event) {
    var marker = this.eventMarkers[event.id];
    if (!marker) {
      marker = L.marker([event.lat, event.lon], { autoPanOnFocus: false });
      marker.feature = { type: "Feature", properties: { id: event.id, layer: "event" } };
      bindFittedPopup(marker, event.popup);
      marker.bindTooltip(event.tooltip);
      enterSelects(marker);
      // An icon is made anew each time the marker joins the map: name it then.
      marker.on("add", function () { name(marker, plain(event.tooltip)); });
      this.eventMarkers[event.id] = marker;
    }
    return marker;
  };

  // Show a state {year, site, event, through}; parts that did not change cost nothing.
  YearMap.prototype.show = function (next) {
    var year = Math.min(this.last, Math.max(this.first, next.year || this.last));
    var yearChanged = year !== this.state.year, throughChanged = next.through !== this.state.through;
    var previous = this.state;
    this.state = { year: year, site: next.site || null, event: next.event || null, through: next.through };
    if (yearChanged) {
      this.badge.textContent = String(year);
      this.badge.setAttribute("data-year", String(year));
      this._showSites(year);
    }
    var selectionChanged = this.state.site !== previous.site || this.state.event !== previous.event;
    if (yearChanged || throughChanged) this._showEvents(year, next.through);
    this._markSelection(selectionChanged);
    if (this.controls) this._syncControls();
  };

  YearMap.prototype._showSites = function (year) {
    var self = this;
    this.sites.forEach(function (entry) {
      entry.state = statusIn(entry.data.runs, year);
      if (entry.state[0] !== entry.status) {
        entry.status = entry.state[0];
        entry.marker.setIcon(self._siteIcon(entry, entry.status));
        placeIcon(entry);
      }
      name(entry.marker, plain(entry.data.name + ", " + entry.state[1]));
      if (entry.marker.isPopupOpen()) entry.marker.getPopup().update();
      if (entry.marker.isTooltipOpen()) entry.marker.getTooltip().update();
    });
  };

  // Sites that would overlap at this zoom are packed into a small grid of smaller markers around their common
  // centre, rows from north to south and west to east, so that each stays visible and clickable; zooming in
  // separates them. A site alone stands on its own point. Groups whose grids would touch are packed as one
  // (FOB Warhorse and Hurricane Point). The placement depends on the zoom only: it is computed when the zoom
  // changes and applied again to a marker whose icon the year replaced.
  YearMap.prototype._spread = function () {
    var map = this.map, entries = this.sites, size = this.data.siteIcon;
    var points = entries.map(function (entry) { return map.latLngToLayerPoint(entry.marker.getLatLng()); });
    var group = entries.map(function (_, i) { return i; });
    function root(i) { while (group[i] !== i) i = group[i] = group[group[i]]; return i; }
    for (var i = 0; i < entries.length; i++) {
      for (var j = i + 1; j < entries.length; j++) {
        if (points[i].distanceTo(points[j]) < SPREAD_PX) group[root(j)] = root(i);
      }
    }
    var packed = pack(points, root, size);
    for (var pass = 0; pass < 10; pass++) {
      var merged = false;
      for (var a = 0; a < packed.length; a++) {
        for (var b = a + 1; b < packed.length; b++) {
          if (packed[a].box.intersects(packed[b].box) && root(packed[a].members[0]) !== root(packed[b].members[0])) {
            group[root(packed[b].members[0])] = root(packed[a].members[0]);
            merged = true;
          }
        }
      }
      if (!merged) break;
      packed = pack(points, root, size);
    }
    packed.forEach(function (g) {
      g.members.forEach(function (k, m) {
        entries[k].placement = g.placements[m];
        placeIcon(entries[k]);
      });
    });
  };

  // Each group's grid: member indices, their placements, and the box the grid covers (with a 2 px margin).
  function pack(points, root, size) {
    var groups = {};
    points.forEach(function (_, k) { (groups[root(k)] = groups[root(k)] || []).push(k); });
    return Object.keys(groups).map(function (key) {
      var members = groups[key].sort(function (a, b) { return points[a].y - points[b].y || points[a].x - points[b].x; });
      var n = members.length, cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
      var icon = n === 1 ? size : n <= 4 ? 18 : 12, cell = icon + 2;
      var centre = members.reduce(function (sum, k) { return sum.add(points[k]); }, L.point(0, 0)).divideBy(n);
      var corners = [];
      var placements = members.map(function (k, m) {
        var at = n === 1 ? points[k] : centre.add(L.point(((m % cols) - (cols - 1) / 2) * cell,
                                                          (Math.floor(m / cols) - (rows - 1) / 2) * cell));
        corners.push(at.subtract(L.point(icon / 2 + 2, icon / 2 + 2)), at.add(L.point(icon / 2 + 2, icon / 2 + 2)));
        return { size: icon, crowded: n > 1, dx: at.x - points[k].x - icon / 2, dy: at.y - points[k].y - icon / 2 };
      });
      return { members: members, placements: placements, box: L.bounds(corners) };
    });
  }

  function placeIcon(entry) {
    var el = entry.marker._icon, at = entry.placement;
    if (!el || !at) return;
    el.style.width = el.style.height = at.size + "px";
    el.style.marginLeft = at.dx + "px";
    el.style.marginTop = at.dy + "px";
    L.DomUtil[at.crowded ? "addClass" : "removeClass"](el, "crowded");
  }

  YearMap.prototype._showEvents = function (year, through) {
    var self = this, shown = [];
    this.eventsLayer.clearLayers();
    this.eventsCluster.clearLayers();
    this.otherEvents.clearLayers();
    var other = [];
    this.data.events.forEach(function (event) {
      if (through ? event.year <= year : event.year === year) {
        var marker = self._eventMarker(event);
        marker.setIcon(self._eventIcon(event, through, year));
        (event.category === "other_conflict" ? other : shown).push(marker);
      }
    });
    this.otherEvents.addLayers(other);
    if (through) this.eventsCluster.addLayers(shown);
    else shown.forEach(function (marker) { self.eventsLayer.addLayer(marker); });
  };

  // The selected site or event stands out (a ring, drawn above its neighbours) and, when it lies outside the
  // free area of the map, the map pans to it at the reader's zoom. A clustered event is unclustered first.
  YearMap.prototype._markSelection = function (changed) {
    var state = this.state, chosen = null;
    this.sites.forEach(function (entry) {
      var on = entry.data.id === state.site;
      if (entry.marker._icon) L.DomUtil[on ? "addClass" : "removeClass"](entry.marker._icon, "selected");
      entry.marker.setZIndexOffset(on ? 3000 : 1000);
      if (on) chosen = entry.marker;
    });
    var events = this.eventMarkers;
    Object.keys(events).forEach(function (id) {
      var on = id === state.event;
      if (events[id]._icon) L.DomUtil[on ? "addClass" : "removeClass"](events[id]._icon, "selected");
      events[id].setZIndexOffset(on ? 2000 : 0);
      if (on) chosen = events[id];
    });
    if (chosen && changed) this._bringIntoView(chosen);
  };

  YearMap.prototype._bringIntoView = function (marker) {
    var map = this.map, self = this;
    if (this.eventsCluster.hasLayer(marker) && !marker._icon) {
      this.eventsCluster.zoomToShowLayer(marker, function () { self._markSelection(false); });
      return;
    }
    // A marker whose popup is open was already brought into view, with its popup, by Leaflet.
    if (!map.hasLayer(marker) || marker.isPopupOpen()) return;
    var free = freeArea(map), size = map.getSize(), at = map.latLngToContainerPoint(marker.getLatLng());
    var inside = at.x > 20 && at.x < size.x - 20 && at.y > free.top + 10 && at.y < size.y - free.bottom - 10;
    if (!inside) map.panTo(marker.getLatLng(), { animate: false });
  };

  // The app's address holds the view; read it whenever the page changes it. Chromium tells at once
  // (Navigation API); the page's own re-rendering after every run tells any browser.
  YearMap.prototype._followUrl = function (initial) {
    var self = this, host = window.parent, last = null;
    function sync() {
      var search, own;
      try {
        search = host.location.search;
        // A reader's own event is selected on the page, not in the address (which is shared): see
        // shell.mark_own_selection.
        own = host.document.querySelector("[data-own-selection]");
      } catch (e) { return; }
      var ownId = own ? own.getAttribute("data-own-selection") : null;
      if (search + "\n" + ownId === last) return;
      last = search + "\n" + ownId;
      var params = new URLSearchParams(search), year = parseInt(params.get("year"), 10);
      self.show({
        year: isFinite(year) ? year : initial.year,
        site: params.get("site"),
        event: params.get("event") || ownId,
        through: params.get("through") === "1",
      });
    }
    sync();
    if (host === window) return;
    var observer = new MutationObserver(sync);
    observer.observe(host.document.body, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-test-script-state"],
    });
    if (host.navigation) host.navigation.addEventListener("currententrychange", sync);
    window.addEventListener("pagehide", function () {
      observer.disconnect();
      if (host.navigation) host.navigation.removeEventListener("currententrychange", sync);
    });
  };

  // A published file's own controls: a year slider with Play, "every event up to the year", and figures.
  YearMap.prototype._drawControls = function (initial) {
    var self = this, control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "year-controls");
      div.innerHTML =
        '<button type="button" class="play" aria-label="Play">Play</button>' +
        '<label class="year-label">Year <input type="range" class="year-input" min="' + self.first +
        '" max="' + self.last + '" step="1" value="' + initial.year + '"></label>' +
        '<label class="through"><input type="checkbox"> every event up to the year</label>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(this.map);
    var div = control.getContainer();
    this.controls = {
      range: div.querySelector(".year-input"),
      play: div.querySelector(".play"),
      through: div.querySelector(".through input"),
      timer: null,
    };
    if (Object.keys(this.data.figures).length) {
      var panel = L.control({ position: "topright" });
      panel.onAdd = function () { return L.DomUtil.create("div", "figures-panel"); };
      panel.addTo(this.map);
      this.controls.figures = panel.getContainer();
    }
    var controls = this.controls;
    function view(year) { return { year: year, site: null, event: null, through: controls.through.checked }; }
    controls.range.addEventListener("input", function () { self.stop(); self.show(view(+controls.range.value)); });
    controls.through.addEventListener("change", function () { self.show(view(self.state.year)); });
    controls.play.addEventListener("click", function () {
      if (controls.timer) return self.stop();
      if (self.state.year >= self.last) self.show(view(self.first));
      controls.play.textContent = "Pause";
      controls.play.setAttribute("aria-label", "Pause");
      controls.timer = window.setInterval(function () {
        if (self.state.year >= self.last) return self.stop();
        self.show(view(self.state.year + 1));
      }, PLAY_STEP_MS);
    });
  };

  YearMap.prototype.stop = function () {
    if (!this.controls || !this.controls.timer) return;
    window.clearInterval(this.controls.timer);
    this.controls.timer = null;
    this.controls.play.textContent = "Play";
    this.controls.play.setAttribute("aria-label", "Play");
  };

  YearMap.prototype._syncControls = function () {
    this.controls.range.value = String(this.state.year);
    this.controls.through.checked = this.state.through;
    if (this.controls.figures) this.controls.figures.innerHTML = this.data.figures[String(this.state.year)] || "";
  };

  // The offline map: with no tiles chosen, or tiles that fail to load (no internet), Iraq is filled white and
  // the countries, governorates and cities around it are shown (see .offline-map in static/map.css).
  function watchTiles(map) {
    var container = map.getContainer(), tiles = [], loaded = 0, failed = 0;
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) tiles.push(layer); });
    if (!tiles.length) return L.DomUtil.addClass(container, "offline-map");
    tiles.forEach(function (layer) {
      layer.on("tileload", function () { loaded++; });
      layer.on("tileerror", function () {
        if (++failed < 4 || loaded > 0 || L.DomUtil.hasClass(container, "offline-map")) return;
        tiles.forEach(function (tile) { map.removeLayer(tile); });
        L.DomUtil.addClass(container, "offline-map");
        if (map.attributionControl) map.attributionControl.addAttribution("Map tiles did not load: offline map");
      });
    });
  }

  // Labels appear as the reader zooms in: smaller places and the air bases from zoom 7, every site from
  // zoom 9 (see [data-zoom] in static/map.css).
  function watchZoom(map) {
    var container = map.getContainer();
    function mark() {
      var zoom = map.getZoom();
      container.setAttribute("data-zoom", zoom >= 9 ? "close" : zoom >= 7 ? "near" : "far");
    }
    map.on("zoomend", mark);
    mark();
  }

  // Until the reader moves the map, keep Iraq fitted to it: the frame takes its final size only after the
  // page's layout settles, and a view fitted to a passing size would open the map too far in or out.
  function keepFitted(map, bounds) {
    var container = map.getContainer(), touched = false, fitting = false;
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
      container.addEventListener(type, function () { touched = true; }, true);
    });
    // Any other change of view (a popup panned into view, a selection brought into view) is kept too.
    map.on("movestart zoomstart", function () { if (!fitting) touched = true; });
    function fit() {
      if (touched) return;
      fitting = true;
      map.fitBounds(bounds, { animate: false });
      fitting = false;
    }
    map.on("resize", fit);
    fit();
  }

  window.presenceYearMap = function (map, data, options) {
    keepFitted(map, data.bounds);
    keepPopupsFree(map);
    watchTiles(map);
    watchZoom(map);
    return new YearMap(map, data, options);
  };
})();
