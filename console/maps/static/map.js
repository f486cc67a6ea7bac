/*
 * The AMK dispatcher map page.
 *
 * folium writes the Leaflet map, its panes and layer groups once and calls AMK.boot(). From then
 * on, Python sends small JSON deltas with AMK.apply([op, ...]); this script never fetches
 * anything and never evaluates anything it is sent.
 *
 * Safety rule: text that came from the API (addresses, notes, aliases) is only ever placed with
 * textContent. innerHTML is used for marker icons, and those strings are built from this
 * file's constants, the style table and numbers only (see svg*, clusterSvg).
 *
 * Words: this file holds none the dispatcher reads. They come translated from Python in the
 * configuration (cfg.styles.texts, the legend rows in cfg.styles) or later in a 'texts' delta,
 * and are placed with textContent like everything else.
 *
 * Speed: AEDs (26k) are kept as arrays and clustered once per zoom level by a grid index on
 * demand; a status change or a responder's AED only recounts its groups, and the AED layer
 * draws only what is in view, reusing its elements; responder moves are batched and applied
 * once per animation frame; responders are plain markers, never inside a cluster.
 *
 * 3D transforms stay on (no L_DISABLE_3D / L.Browser.any3d = false): the AED layer places its
 * elements with left/top already, and turning 3D off for the remaining markers (responders,
 * towns) gave no measurable memory or renderer-CPU gain in the memory bench (3 runs each),
 * while it would cost the scroll-wheel zoom animation.
 */
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var KINDS = { responder: true, aed: true, incident: true, runner: true };

  var map = null;
  var cfg = null;
  var T = null;            // the page's words, translated (cfg.styles.texts)
  var bridge = null;
  var groups = {};
  var renderers = {};

  var lastSeq = 0;
  var applied = 0;

  var incidents = {};      // mission id -> {item, marker, circle}
  var missions = {};       // mission id -> {runner id -> {item, marker, line}}
  var pendingMoves = new Map();
  var frameRequested = false;
  var frameTimer = null;
  var selection = null;    // {kind, id, mission}
  var halo = null;
  // Timings for bench/bench_map.py and tests; epoch values compare with Python's time.time().
  var metrics = {
    readyMs: null, lastAedsMs: null, lastAedsDrawnMs: null, lastAedsDrawnEpochMs: null,
    lastApplyMs: null, lastApplyStartEpochMs: null, frames: 0, frameMs: 0, lastFrameMs: null,
    movesApplied: 0,
    // The AED layer's work: levels grouped, renders, elements made, redrawn (look), refigured
    // (a group's count or share), and taken out of view.
    aedLevelBuilds: 0, aedRenders: 0, aedNodesCreated: 0, aedNodesRestyled: 0, aedNodesUpdated: 0,
    aedNodesReleased: 0
  };

  function epochMs() { return performance.timeOrigin + performance.now(); }

  // ------------------------------------------------------------------ small DOM helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // Wide enough that an address wraps between words, not inside them.
  var POPUP_OPTIONS = { minWidth: 240, maxWidth: 340, autoPanPadding: [40, 40] };

  function popupNode(title, rows) {
    var box = el('div', 'amk-popup');
    box.appendChild(el('div', 'amk-popup-title', title));
    var list = el('dl', 'amk-popup-rows');
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === '') { return; }
      list.appendChild(el('dt', null, row[0]));
      list.appendChild(el('dd', null, row[1]));
    });
    box.appendChild(list);
    return box;
  }

  function num(value) {
    if (typeof value !== 'number' || !isFinite(value)) { throw new Error('not a number: ' + value); }
    return value;
  }

  // ------------------------------------------------------------------ shapes (trusted strings)

  // Only colours from cfg.styles (Python constants) and numbers go into these strings.
  function colourOf(style) {
    var c = String(style.colour);
    if (!/^#[0-9A-Fa-f]{6}$/.test(c)) { throw new Error('bad colour in style table: ' + c); }
    return c;
  }

  function shapePath(shape, s) {
    var h = s / 2;
    switch (shape) {
      case 'ring': return '<circle cx="' + h + '" cy="' + h + '" r="' + (h - 3) + '"/>';
      case 'triangle': return '<polygon points="' + h + ',1.5 ' + (s - 1.5) + ',' + (s - 2.5) + ' 1.5,' + (s - 2.5) + '"/>';
      case 'diamond': return '<polygon points="' + h + ',1 ' + (s - 1) + ',' + h + ' ' + h + ',' + (s - 1) + ' 1,' + h + '"/>';
      case 'square': return '<rect x="3" y="3" width="' + (s - 6) + '" height="' + (s - 6) + '" rx="1.5"/>';
      case 'star': {
        var pts = [];
        for (var i = 0; i < 10; i++) {
          var r = i % 2 === 0 ? h - 1 : (h - 1) * 0.45;
          var a = Math.PI / 5 * i - Math.PI / 2;
          pts.push((h + r * Math.cos(a)).toFixed(2) + ',' + (h + 0.6 + r * Math.sin(a)).toFixed(2));
        }
        return '<polygon points="' + pts.join(' ') + '"/>';
      }
      case 'cross': return '<path d="M4,4 L' + (s - 4) + ',' + (s - 4) + ' M' + (s - 4) + ',4 L4,' + (s - 4) + '"/>';
      case 'dot': return '<circle cx="' + h + '" cy="' + h + '" r="' + (h - 2) + '"/>';
      default: throw new Error('unknown shape ' + shape);
    }
  }

  function svgShape(style, size) {
    var colour = colourOf(style);
    var shape = String(style.shape);
    var stroke, fill, width;
    if (shape === 'ring') { fill = '#0B1520'; stroke = colour; width = 3; }
    else if (shape === 'cross') { fill = 'none'; stroke = colour; width = 3.2; }
    else { fill = colour; stroke = '#0B1520'; width = 2; }
    return '<svg xmlns="' + SVG_NS + '" width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + ' ' + size + '">' +
      '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="' + width + '" stroke-linejoin="round" stroke-linecap="round">' +
      shapePath(shape, size) + '</g></svg>';
  }

  var GLYPHS = {
    bolt: '<polygon points="9.2,2.6 4.6,9 7.8,9 6.8,13.4 11.4,7 8.2,7" stroke="none"/>',
    clock: '<circle cx="8" cy="8" r="4.4" fill="none" stroke-width="1.4"/><path d="M8,5.4 L8,8 L10,9.2" fill="none" stroke-width="1.4"/>',
    lock: '<rect x="4.6" y="7.4" width="6.8" height="5" rx="1" stroke="none"/><path d="M6,7.4 L6,5.8 A2,2 0 0 1 10,5.8 L10,7.4" fill="none" stroke-width="1.4"/>',
    hand: '<path d="M4.6,11.4 L11,5 M7,5 L11,5 L11,9" fill="none" stroke-width="1.6"/>',
    cross: '<path d="M5,5 L11,11 M11,5 L5,11" fill="none" stroke-width="1.6"/>'
  };

  function svgAed(style, size) {
    size = size || 16;
    var colour = colourOf(style);
    var glyph = GLYPHS[style.glyph];
    if (!glyph) { throw new Error('unknown glyph ' + style.glyph); }
    var filled = !!style.filled;
    var bg = filled ? colour : '#0B1520';
    var fg = filled ? '#FFFFFF' : colour;
    return '<svg xmlns="' + SVG_NS + '" width="' + size + '" height="' + size + '" viewBox="0 0 16 16">' +
      '<rect x="1" y="1" width="14" height="14" rx="3.5" fill="' + bg + '" stroke="' + (filled ? '#0B1520' : colour) + '" stroke-width="1.5"/>' +
      '<g fill="' + fg + '" stroke="' + fg + '" stroke-linecap="round" stroke-linejoin="round">' + glyph + '</g></svg>';
  }

  function legendSwatch(style, isAed) {
    var span = el('span', 'amk-legend-swatch');
    span.innerHTML = isAed ? svgAed(style) : svgShape(style, 16);  // trusted: style table only
    return span;
  }

  // ------------------------------------------------------------------ icon caches

  var iconCache = {};

  function responderIcon(look, rank, selected) {
    var key = look + '|' + rank;
    var icon = iconCache[key];
    if (icon) { return icon; }
    var style = cfg.styles.responders[look];
    if (!style) { throw new Error('unknown responder look ' + look); }
    if (!Number.isInteger(rank)) { throw new Error('rank must be an integer'); }
    icon = L.divIcon({
      className: 'amk-responder' + (style.faded ? ' amk-faded' : ''),
      html: svgShape(style, 24) + '<span class="amk-rank">' + String(rank) + '</span>',
      iconSize: [24, 24],
      iconAnchor: [12, 12],
      popupAnchor: [0, -11]
    });
    iconCache[key] = icon;
    return icon;
  }

  // ------------------------------------------------------------------ basemap

  function drawBasemap() {
    var colours = cfg.styles.basemap;
    map.getContainer().style.background = colours.water;
    var data = window.AMK_BASEMAP;
    if (!data) { throw new Error('basemap data did not load'); }
    renderers.basemap = L.canvas({ pane: 'basemap', padding: 0.3 });
    L.geoJSON(data.land, {
      pane: 'basemap',
      renderer: renderers.basemap,
      interactive: false,
      style: function () {
        return { color: colours.coast, weight: 1, fillColor: colours.land, fillOpacity: 1, opacity: 1 };
      }
    }).addTo(groups.land);

    var towns = data.towns.map(function (t) {
      var icon = L.divIcon({ className: 'amk-town', html: '', iconSize: null });
      var marker = L.marker([t[1], t[2]], { icon: icon, pane: 'labels', interactive: false, keyboard: false });
      marker.on('add', function () { marker.getElement().textContent = t[0]; });
      return { marker: marker, minZoom: t[3] };
    });
    function showTowns() {
      var zoom = map.getZoom();
      towns.forEach(function (t) {
        var shown = groups.towns.hasLayer(t.marker);
        if (zoom >= t.minZoom && !shown) { groups.towns.addLayer(t.marker); }
        else if (zoom < t.minZoom && shown) { groups.towns.removeLayer(t.marker); }
      });
    }
    map.on('zoomend', showTowns);
    showTowns();

    if (cfg.tiles) {
      L.tileLayer(cfg.tiles.url, {
        minZoom: cfg.minZoom,
        maxZoom: cfg.maxZoom,
        maxNativeZoom: cfg.tiles.maxNativeZoom,
        attribution: cfg.tiles.attribution
      }).addTo(groups.tiles);
    }
    map.attributionControl.setPrefix('Leaflet');
    cfg.credits.forEach(function (credit) { map.attributionControl.addAttribution(credit); });
  }

  // ------------------------------------------------------------------ AEDs: arrays + grid clusters

  var aeds = {
    ids: [], lat: [], lon: [], x: [], y: [], avail: [], address: [], access: [], hours: [],
    index: new Map(), labels: {}
  };
  // AEDs a responder is fetching right now: always drawn on their own (never inside a group),
  // so the route's middle point is a visible AED the dispatcher can click.
  var pinned = new Set();
  var openAedPopup = null;      // AED id whose popup is open

  function project(lat, lon) {
    var p = L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lon), 0);
    return [p.x, p.y];
  }

  function setAedAt(i, lat, lon, avail, address, access, hours) {
    var p = project(num(lat), num(lon));
    aeds.lat[i] = lat; aeds.lon[i] = lon; aeds.x[i] = p[0]; aeds.y[i] = p[1];
    if (!cfg.styles.aeds[avail]) { throw new Error('unknown AED availability ' + avail); }
    aeds.avail[i] = avail;
    aeds.address[i] = String(address); aeds.access[i] = String(access); aeds.hours[i] = String(hours);
  }

  function decode(column, n, what) {
    var table = column.table, codes = column.codes, out = new Array(n);
    if (codes.length !== n) { throw new Error(what + ': ' + codes.length + ' codes for ' + n + ' AEDs'); }
    for (var i = 0; i < n; i++) { out[i] = table[codes[i]]; }
    return out;
  }

  function loadAeds(op) {
    var t0 = performance.now();
    var n = op.ids.length;
    var avail = decode(op.availability, n, 'availability');
    var access = decode(op.access, n, 'access');
    var hours = decode(op.hours, n, 'hours');
    aeds.ids = op.ids;
    aeds.lat = new Array(n); aeds.lon = new Array(n); aeds.x = new Array(n); aeds.y = new Array(n);
    aeds.avail = new Array(n); aeds.address = new Array(n); aeds.access = new Array(n); aeds.hours = new Array(n);
    aeds.index = new Map();
    aeds.labels = op.labels || {};
    op.availability.table.forEach(function (a) {
      if (!cfg.styles.aeds[a]) { throw new Error('unknown AED availability ' + a); }
    });
    var D = Math.PI / 180, MAXLAT = 85.0511287798;
    for (var i = 0; i < n; i++) {
      var lat = num(op.lat[i]), lon = num(op.lon[i]);
      aeds.index.set(aeds.ids[i], i);
      aeds.lat[i] = lat; aeds.lon[i] = lon;
      // Web Mercator at zoom 0 (as L.CRS.EPSG3857.latLngToPoint(_, 0)), inlined: 26k calls.
      var s = Math.sin(Math.max(Math.min(MAXLAT, lat), -MAXLAT) * D);
      aeds.x[i] = 256 * (0.5 + lon * D / (2 * Math.PI));
      aeds.y[i] = 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
      aeds.avail[i] = avail[i]; aeds.address[i] = op.address[i]; aeds.access[i] = access[i]; aeds.hours[i] = hours[i];
    }
    updatePinnedQuietly();
    levels = {};  // a new register: the only time every level is grouped again
    var tIndex = performance.now();
    if (map.getZoom() < cfg.unclusterZoom) { levelAt(map.getZoom()); }
    var tCluster = performance.now();
    renderAeds();
    refreshOpenPopup();
    var t1 = performance.now();
    metrics.lastAedsParts = { index: tIndex - t0, cluster: tCluster - tIndex, render: t1 - tCluster };
    metrics.lastAedsMs = t1 - t0;
    metrics.lastAedsDrawnMs = null;
    // The frame after next starts once the AEDs' frame has been painted.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        metrics.lastAedsDrawnMs = performance.now() - t0;
        metrics.lastAedsDrawnEpochMs = epochMs();
      });
    });
  }

  // Changed or new AEDs (a status change, mostly): each is moved within the groups of the
  // levels grouped so far, or only recounted there; nothing is grouped again.
  function upsertAeds(items) {
    items.forEach(function (item) {
      var i = aeds.index.get(item.id);
      if (i === undefined) {
        i = aeds.ids.length;
        aeds.ids.push(item.id);
        aeds.index.set(item.id, i);
        setAedAt(i, item.lat, item.lon, item.availability, item.address, item.access, item.hours);
        eachLevel(function (level) { joinLevel(level, i); });
      } else {
        var x = aeds.x[i], y = aeds.y[i], wasUsable = usable(aeds.avail[i]);
        setAedAt(i, item.lat, item.lon, item.availability, item.address, item.access, item.hours);
        if (aeds.x[i] !== x || aeds.y[i] !== y) {
          eachLevel(function (level) { leaveLevel(level, i); joinLevel(level, i); });
        } else if (usable(aeds.avail[i]) !== wasUsable) {
          recountAed(i);
        }
      }
      if (item.availability_label) { aeds.labels[item.availability] = item.availability_label; }
    });
    updatePinned(false);
    renderAeds();
    refreshOpenPopup();
    refreshLinks();
  }

  function setAvailability(op) {
    for (var k = 0; k < op.ids.length; k++) {
      var i = aeds.index.get(op.ids[k]);
      if (i === undefined) { continue; }
      if (!cfg.styles.aeds[op.availability[k]]) { throw new Error('unknown AED availability ' + op.availability[k]); }
      var was = usable(aeds.avail[i]);
      aeds.avail[i] = op.availability[k];
      if (usable(aeds.avail[i]) !== was) { recountAed(i); }
    }
    renderAeds();
    refreshOpenPopup();
  }

  function usable(avail) { return avail === 'always' || avail === 'open_now'; }

  // ---- groups per zoom level
  //
  // Greedy grid clustering (like Leaflet.markercluster's, one level at a time): a point joins
  // the nearest group seed within R pixels among the 3x3 neighbouring cells, else seeds one.
  // A level is grouped once, the first time the map shows that zoom, over every AED: the
  // groups are geometry only. What a group shows (how many, how many usable now, where their
  // middle is) leaves out pinned AEDs and is recounted for the one group an AED's change
  // touches, so a status change or a responder's AED never groups a level again.

  // A level keeps its groups as columns of typed arrays, one slot per group, and its members
  // as a list threaded through the AEDs (head, tail, next): at street zoom a country has
  // some 15,000 groups, and an object per group (with its member array and boxed doubles)
  // costs several times the bytes, held as long as the page lives. The grid that finds a
  // point's neighbouring seeds is needed only while points join; it is let go after the
  // grouping and made again from the seeds the next time an AED is added or moves.

  var levels = {};              // zoom -> level (see newLevel)
  var SPAN = 4194304;           // 2^22 cells per axis: more than 256 * 2^18 / R
  var GROUP_F64 = ['sx', 'sy', 'mx', 'my', 'minX', 'minY', 'maxX', 'maxY'];
  var GROUP_I32 = ['n', 'usable', 'head', 'tail', 'size', 'cellNext'];

  function newLevel(zoom, aedCount) {
    var level = { scale: Math.pow(2, zoom), count: 0, cap: 0, grid: new Map(),
                  of: new Int32Array(aedCount), next: new Int32Array(aedCount) };
    GROUP_F64.forEach(function (k) { level[k] = new Float64Array(0); });
    GROUP_I32.forEach(function (k) { level[k] = new Int32Array(0); });
    resizeGroups(level, 64);
    return level;
  }

  function resizeGroups(level, cap) {
    GROUP_F64.concat(GROUP_I32).forEach(function (k) {
      var old = level[k], grown = new old.constructor(cap);
      grown.set(old.subarray(0, Math.min(level.count, cap)));
      level[k] = grown;
    });
    level.cap = cap;
  }

  function growMembers(level, need) {
    var cap = Math.max(need, level.of.length * 2);
    ['of', 'next'].forEach(function (k) {
      var grown = new Int32Array(cap);
      grown.set(level[k]);
      level[k] = grown;
    });
  }

  function eachLevel(fn) { Object.keys(levels).forEach(function (z) { fn(levels[z]); }); }

  function cellKey(gx, gy) { return gx * SPAN + gy; }

  function cellOf(level, c) {
    var R = cfg.clusterRadiusPx;
    return cellKey(Math.floor(level.sx[c] / R), Math.floor(level.sy[c] / R));
  }

  function addToCell(grid, level, c) {
    var key = cellOf(level, c), first = grid.get(key);
    level.cellNext[c] = first === undefined ? -1 : first;
    grid.set(key, c);
  }

  function removeFromCell(grid, level, c) {
    var key = cellOf(level, c), at = grid.get(key);
    if (at === undefined) { return; }
    if (at === c) {
      if (level.cellNext[c] < 0) { grid.delete(key); } else { grid.set(key, level.cellNext[c]); }
      return;
    }
    while (at >= 0 && level.cellNext[at] !== c) { at = level.cellNext[at]; }
    if (at >= 0) { level.cellNext[at] = level.cellNext[c]; }
  }

  function gridOf(level) {
    if (level.grid) { return level.grid; }
    var grid = level.grid = new Map();
    for (var c = 0; c < level.count; c++) {
      if (level.size[c] > 0) { addToCell(grid, level, c); }
    }
    return grid;
  }

  function joinLevel(level, i) {
    var px = aeds.x[i] * level.scale, py = aeds.y[i] * level.scale, R = cfg.clusterRadiusPx;
    var gx = Math.floor(px / R), gy = Math.floor(py / R), grid = gridOf(level);
    var sx = level.sx, sy = level.sy, cellNext = level.cellNext;
    var best = -1, bestD = R * R;
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var c = grid.get(cellKey(gx + dx, gy + dy));
        for (; c !== undefined && c >= 0; c = cellNext[c]) {
          var ex = sx[c] - px, ey = sy[c] - py, d = ex * ex + ey * ey;
          if (d <= bestD) { bestD = d; best = c; }
        }
      }
    }
    if (i >= level.of.length) { growMembers(level, i + 1); }
    if (best < 0) {
      if (level.count === level.cap) { resizeGroups(level, Math.max(64, level.cap * 2)); }
      best = level.count++;
      level.sx[best] = px; level.sy[best] = py;
      level.n[best] = 0; level.usable[best] = 0; level.mx[best] = 0; level.my[best] = 0;
      level.minX[best] = level.maxX[best] = px; level.minY[best] = level.maxY[best] = py;
      level.head[best] = -1; level.tail[best] = -1; level.size[best] = 0;
      addToCell(grid, level, best);
    }
    level.next[i] = -1;
    if (level.tail[best] < 0) { level.head[best] = i; } else { level.next[level.tail[best]] = i; }
    level.tail[best] = i;
    level.size[best] += 1;
    level.of[i] = best;
    if (px < level.minX[best]) { level.minX[best] = px; } if (px > level.maxX[best]) { level.maxX[best] = px; }
    if (py < level.minY[best]) { level.minY[best] = py; } if (py > level.maxY[best]) { level.maxY[best] = py; }
    if (!pinned.has(i)) {
      level.n[best] += 1;
      if (usable(aeds.avail[i])) { level.usable[best] += 1; }
      level.mx[best] += aeds.x[i]; level.my[best] += aeds.y[i];
    }
  }

  // AED i leaves its group (it moved); a group left empty goes. Its extent is not narrowed.
  function leaveLevel(level, i) {
    var c = level.of[i], prev = -1, at = level.head[c];
    while (at >= 0 && at !== i) { prev = at; at = level.next[at]; }
    if (at === i) {
      if (prev < 0) { level.head[c] = level.next[i]; } else { level.next[prev] = level.next[i]; }
      if (level.tail[c] === i) { level.tail[c] = prev; }
      level.size[c] -= 1;
    }
    if (level.size[c] > 0) { recount(level, c); return; }
    level.n[c] = 0; level.usable[c] = 0;
    removeFromCell(gridOf(level), level, c);
  }

  // In members' order, as joinLevel summed them: a group recounted after a pin and an unpin
  // has exactly the figures it had before.
  function recount(level, c) {
    var n = 0, use = 0, mx = 0, my = 0;
    for (var i = level.head[c]; i >= 0; i = level.next[i]) {
      if (pinned.has(i)) { continue; }
      n += 1;
      if (usable(aeds.avail[i])) { use += 1; }
      mx += aeds.x[i]; my += aeds.y[i];
    }
    level.n[c] = n; level.usable[c] = use; level.mx[c] = mx; level.my[c] = my;
  }

  function recountAed(i) {
    eachLevel(function (level) { recount(level, level.of[i]); });
  }

  function levelAt(zoom) {
    var level = levels[zoom];
    if (level) { return level; }
    level = newLevel(zoom, aeds.ids.length);
    for (var i = 0; i < aeds.ids.length; i++) { joinLevel(level, i); }
    if (level.count < level.cap) { resizeGroups(level, level.count); }
    level.grid = null;
    levels[zoom] = level;
    metrics.aedLevelBuilds += 1;
    return level;
  }

  function loneMember(level, c) {
    for (var i = level.head[c]; i >= 0; i = level.next[i]) {
      if (!pinned.has(i)) { return i; }
    }
    return level.head[c];
  }

  function unproject(x, y) { return L.CRS.EPSG3857.pointToLatLng(L.point(x, y), 0); }

  // ---- drawing: one element per AED or group in view, kept and reused
  //
  // The AEDs are not Leaflet markers: one layer holds a plain element per AED or group in
  // view, positioned in layer pixels (left/top, no per-marker 3D transform, so no composited
  // layer each). A render recomputes what is in view and touches an element only where its
  // look, figures or place changed; an element leaving the view is kept (detached) for the
  // next one that needs the same look. Clicks are taken by the layer, by element.

  var aedBox = null;            // the layer's element in the 'aeds' pane while the layer is shown
  var aedItems = new Map();     // 'a' + AED index or 'c' + zoom + ':' + group id -> element
  var spare = { aed: [], cluster: [] };
  var SPARE_MAX = 400;
  var renderGen = 0;
  var svgCache = {};

  function aedSvg(avail, size) {
    var key = avail + '|' + size;
    return svgCache[key] || (svgCache[key] = svgAed(cfg.styles.aeds[avail], size));
  }

  function clusterSize(count) { return count < 10 ? 22 : count < 100 ? 26 : count < 1000 ? 30 : 36; }

  // The group's ring and count are filled in afterwards, as attributes and text.
  function clusterSvg(size) {
    var key = 'cluster|' + size;
    if (svgCache[key]) { return svgCache[key]; }
    var h = size / 2, r = h - 2;
    var green = colourOf(cfg.styles.aeds.always);
    var grey = colourOf(cfg.styles.aeds.closed_now);
    return (svgCache[key] = '<svg xmlns="' + SVG_NS + '" width="' + size + '" height="' + size + '">' +
      '<circle cx="' + h + '" cy="' + h + '" r="' + r + '" fill="#0F1A24" stroke="' + grey + '" stroke-width="2.5"/>' +
      '<circle class="amk-cluster-share" cx="' + h + '" cy="' + h + '" r="' + r + '" fill="none" stroke="' + green +
      '" stroke-width="2.5" transform="rotate(-90 ' + h + ' ' + h + ')"/>' +
      '<text x="' + h + '" y="' + (h + 3.5) + '" text-anchor="middle" class="amk-cluster-count"></text>' +
      '</svg>');
  }

  function takeElement(kind, look) {
    var pool = spare[kind], el = null;
    for (var k = pool.length - 1; k >= 0; k--) {
      if (pool[k].__look === look) { el = pool[k]; pool.splice(k, 1); break; }
    }
    if (!el && pool.length) { el = pool.pop(); }
    if (!el) {
      el = document.createElement('div');
      el.__look = null; el.__x = null; el.__y = null; el.__content = null; el.__group = -1;
      metrics.aedNodesCreated += 1;
    }
    aedBox.appendChild(el);
    return el;
  }

  function releaseElement(el) {
    el.remove();
    el.__group = -1;
    metrics.aedNodesReleased += 1;
    var pool = spare[el.__kind];
    if (pool.length < SPARE_MAX) { pool.push(el); }
  }

  function place(el, lx, ly, half, zOffset) {
    var x = Math.round(lx), y = Math.round(ly);
    if (el.__x === x && el.__y === y) { return; }
    el.style.left = (x - half) + 'px';
    el.style.top = (y - half) + 'px';
    el.style.zIndex = String(y + zOffset);
    el.__x = x; el.__y = y;
  }

  function showSingle(i, lx, ly) {
    var key = 'a' + i, pin = pinned.has(i), avail = aeds.avail[i];
    var look = avail + (pin ? '|pinned' : '');
    var el = aedItems.get(key);
    if (!el) { el = takeElement('aed', look); el.__kind = 'aed'; aedItems.set(key, el); }
    el.__gen = renderGen; el.__i = i;
    var size = pin ? 22 : 16;
    if (el.__look !== look) {
      el.className = 'amk-aed amk-aed-item leaflet-interactive' + (pin ? ' amk-aed-pinned' : '');
      el.style.width = el.style.height = size + 'px';
      el.innerHTML = aedSvg(avail, size);  // trusted: style table and numbers only
      el.__look = look; el.__x = null;
      metrics.aedNodesRestyled += 1;
    }
    place(el, lx, ly, size / 2, pin ? 1000 : 0);
  }

  function showCluster(zoom, level, c, lx, ly) {
    var n = level.n[c], use = level.usable[c];
    var key = 'c' + zoom + ':' + c, size = clusterSize(n);
    var el = aedItems.get(key);
    if (!el) { el = takeElement('cluster', size); el.__kind = 'cluster'; aedItems.set(key, el); }
    el.__gen = renderGen; el.__group = c; el.__zoom = zoom;
    if (el.__look !== size) {
      el.className = 'amk-cluster amk-aed-item leaflet-interactive';
      el.style.width = el.style.height = size + 'px';
      el.innerHTML = clusterSvg(size);  // trusted: style table and numbers only
      el.__ring = el.querySelector('.amk-cluster-share');
      el.__count = el.querySelector('.amk-cluster-count');
      el.__look = size; el.__content = null; el.__x = null;
      metrics.aedNodesRestyled += 1;
    }
    var content = n + '|' + use;
    if (el.__content !== content) {
      var circ = 2 * Math.PI * (size / 2 - 2), share = n > 0 ? use / n : 0;
      el.__ring.setAttribute('stroke-dasharray', (share * circ).toFixed(2) + ' ' + circ.toFixed(2));
      el.__count.textContent = String(n | 0);
      el.__content = content;
      metrics.aedNodesUpdated += 1;
    }
    place(el, lx, ly, size / 2, 0);
  }

  function renderAeds() {
    if (!map || !aedBox) { return; }
    renderGen += 1;
    metrics.aedRenders += 1;
    var zoom = map.getZoom(), scale = Math.pow(2, zoom);
    var pb = map.getPixelBounds(), padX = (pb.max.x - pb.min.x) * 0.25, padY = (pb.max.y - pb.min.y) * 0.25;
    var x0 = (pb.min.x - padX) / scale, x1 = (pb.max.x + padX) / scale;
    var y0 = (pb.min.y - padY) / scale, y1 = (pb.max.y + padY) / scale;
    var origin = map.getPixelOrigin(), ox = origin.x, oy = origin.y;
    var X = aeds.x, Y = aeds.y, i;
    if (zoom >= cfg.unclusterZoom) {
      for (i = 0; i < X.length; i++) {
        if (X[i] >= x0 && X[i] <= x1 && Y[i] >= y0 && Y[i] <= y1) { showSingle(i, X[i] * scale - ox, Y[i] * scale - oy); }
      }
    } else {
      pinned.forEach(function (p) {
        if (X[p] >= x0 && X[p] <= x1 && Y[p] >= y0 && Y[p] <= y1) { showSingle(p, X[p] * scale - ox, Y[p] * scale - oy); }
      });
      var level = levelAt(zoom), N = level.n, MX = level.mx, MY = level.my;
      for (var c = 0; c < level.count; c++) {
        var n = N[c];
        if (n === 0) { continue; }
        if (n === 1) {
          i = loneMember(level, c);
          if (X[i] >= x0 && X[i] <= x1 && Y[i] >= y0 && Y[i] <= y1) { showSingle(i, X[i] * scale - ox, Y[i] * scale - oy); }
          continue;
        }
        var cx = MX[c] / n, cy = MY[c] / n;
        if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1) { showCluster(zoom, level, c, cx * scale - ox, cy * scale - oy); }
      }
    }
    aedItems.forEach(function (el, key) {
      if (el.__gen !== renderGen) { aedItems.delete(key); releaseElement(el); }
    });
  }

  function clusterClicked(c, zoom) {
    var level = levels[zoom];
    if (!level || c >= level.count || level.n[c] === 0) { return; }
    var scale = level.scale;
    var sw = unproject(level.minX[c] / scale, level.maxY[c] / scale);
    var ne = unproject(level.maxX[c] / scale, level.minY[c] / scale);
    var centre = unproject(level.mx[c] / level.n[c], level.my[c] / level.n[c]);
    var target = Math.min(map.getBoundsZoom(L.latLngBounds(sw, ne), false, L.point(40, 40)), cfg.unclusterZoom);
    map.closePopup();
    map.setView(centre, Math.max(target, map.getZoom() + 1), { animate: false });
  }

  function onAedClick(e) {
    var node = e.target;
    while (node && node !== aedBox && !node.__kind) { node = node.parentNode; }
    if (!node || node === aedBox) { return; }
    L.DomEvent.stopPropagation(e);  // not a click on the map as well
    if (map.dragging && map.dragging.moved()) { return; }
    if (node.__kind === 'aed') {
      var id = aeds.ids[node.__i];
      openAed(id);
      sendItemClick('aed', id, '');
    } else if (node.__group >= 0) {
      clusterClicked(node.__group, node.__zoom);
    }
  }

  var AedLayer = L.Layer.extend({
    options: { pane: 'aeds' },
    onAdd: function () {
      aedBox = L.DomUtil.create('div', 'amk-aed-layer leaflet-zoom-hide', this.getPane());
      L.DomEvent.on(aedBox, 'click', onAedClick);
      renderAeds();
    },
    onRemove: function () {
      L.DomEvent.off(aedBox, 'click', onAedClick);
      L.DomUtil.remove(aedBox);
      aedBox = null;
      aedItems.clear();
      spare = { aed: [], cluster: [] };
    }
  });

  // The page's styles came again (a language change): every element is drawn afresh once.
  function restyleAeds() {
    svgCache = {};
    aedItems.forEach(function (el) { el.__look = null; });
    spare = { aed: [], cluster: [] };
    renderAeds();
  }

  function aedPopup(id) {
    var i = aeds.index.get(id);
    if (i === undefined) { return popupNode(T.aed, [[T.id, id], ['', T.noLongerKnown]]); }
    return popupNode(T.aedTitle.replace('{id}', function () { return id; }), [
      [T.address, aeds.address[i]],
      [T.now, aeds.labels[aeds.avail[i]] || aeds.avail[i]],
      [T.access, aeds.access[i]],
      [T.hours, aeds.hours[i]]
    ]);
  }

  var sharedPopup = null;
  var sharedPopupKind = null;

  function openAed(id) {
    var i = aeds.index.get(id);
    if (i === undefined) { return false; }
    sharedPopup = L.popup(L.extend({ offset: [0, -6] }, POPUP_OPTIONS))
      .setLatLng([aeds.lat[i], aeds.lon[i]])
      .setContent(aedPopup(id))
      .openOn(map);
    sharedPopupKind = 'aed';
    openAedPopup = id;
    sharedPopup.on('remove', function () { openAedPopup = null; });
    return true;
  }

  function refreshOpenPopup() {
    if (sharedPopup && sharedPopupKind === 'aed' && openAedPopup !== null && map.hasLayer(sharedPopup)) {
      sharedPopup.setContent(aedPopup(openAedPopup));
    }
  }

  function aedLatLng(id) {
    var i = aeds.index.get(id);
    return i === undefined ? null : L.latLng(aeds.lat[i], aeds.lon[i]);
  }

  // ------------------------------------------------------------------ incidents

  function incidentPopup(item) {
    return popupNode(T.patient, [
      [T.address, item.address],
      [T.note, item.note],
      [T.alertRadius, item.radius_label],
      [T.mission, item.id]
    ]);
  }

  function incidentIcon() {
    // A hollow target, drawn above the responders: the patient's spot stays visible even with
    // arrived responders on it, and they stay visible through it.
    var colour = colourOf(cfg.styles.incident);
    return L.divIcon({
      className: 'amk-incident',
      html: '<svg xmlns="' + SVG_NS + '" width="36" height="36" viewBox="0 0 36 36">' +
        '<circle cx="18" cy="18" r="14" fill="none" stroke="#0B1520" stroke-width="7"/>' +
        '<circle cx="18" cy="18" r="14" fill="none" stroke="' + colour + '" stroke-width="4"/>' +
        '<path d="M18,0 L18,8 M18,28 L18,36 M0,18 L8,18 M28,18 L36,18" stroke="' + colour + '" stroke-width="3"/>' +
        '<circle cx="18" cy="18" r="2.5" fill="' + colour + '"/></svg>',
      iconSize: [36, 36], iconAnchor: [18, 18], popupAnchor: [0, -16]
    });
  }

  function setIncident(op) {
    var item = op.item;
    var entry = incidents[item.id];
    var ll = L.latLng(num(item.lat), num(item.lon));
    var colour = colourOf(cfg.styles.incident);
    if (!entry) {
      entry = incidents[item.id] = { item: item };
      entry.circle = L.circle(ll, {
        radius: num(item.radius_m), pane: 'links', interactive: false,
        color: colour, weight: 2, opacity: 0.9, dashArray: '8 6', fill: false
      }).addTo(groups.incidents);
      entry.marker = L.marker(ll, { icon: incidentIcon(), pane: 'incidents', zIndexOffset: 1000, keyboard: false })
        .addTo(groups.incidents);
      entry.marker.bindPopup(function () { return incidentPopup(entry.item); }, POPUP_OPTIONS);
      entry.marker.on('click', function () { sendItemClick('incident', entry.item.id, entry.item.id); });
    } else {
      entry.circle.setLatLng(ll);
      entry.circle.setRadius(num(item.radius_m));
      entry.marker.setLatLng(ll);
    }
    entry.item = item;
    if (entry.marker.isPopupOpen()) { entry.marker.setPopupContent(incidentPopup(item)); }
    refreshLinks(item.id);
    if (selection && selection.kind === 'incident' && selection.id === item.id) { placeHalo(); }
  }

  // ------------------------------------------------------------------ responders

  function responderPopup(item) {
    return popupNode(item.alias, [
      [T.rank, '#' + item.rank],
      [T.state, item.state],
      [T.task, item.task],
      [T.distance, item.distance],
      [T.eta, item.eta]
    ]);
  }

  function linePoints(missionId, entry) {
    var item = entry.item, incident = incidents[missionId];
    if (!incident) { return null; }
    var here = entry.marker.getLatLng();
    var patient = L.latLng(incident.item.lat, incident.item.lon);
    if (item.look === 'to_aed') {
      var aed = item.aed_id ? aedLatLng(item.aed_id) : null;
      return aed ? [here, aed, patient] : [here, patient];
    }
    if (item.look === 'to_patient' || item.look === 'aed_collected') { return [here, patient]; }
    return null;
  }

  function updateLine(missionId, entry) {
    var points = linePoints(missionId, entry);
    if (!points) {
      if (entry.line) { groups.links.removeLayer(entry.line); entry.line = null; }
      return;
    }
    var style = cfg.styles.responders[entry.item.look];
    if (!entry.line) {
      entry.line = L.polyline(points, {
        pane: 'links', renderer: renderers.links, interactive: false,
        color: colourOf(style), weight: 2.5, opacity: 0.85, dashArray: '6 5'
      }).addTo(groups.links);
    } else {
      entry.line.setLatLngs(points);
      entry.line.setStyle({ color: colourOf(style) });
    }
  }

  function refreshLinks(onlyMission) {
    Object.keys(missions).forEach(function (mid) {
      if (onlyMission && mid !== onlyMission) { return; }
      var riders = missions[mid];
      Object.keys(riders).forEach(function (rid) { updateLine(mid, riders[rid]); });
    });
  }

  // The pinned set in AED indexes, without re-rendering (the caller renders).
  function updatePinnedQuietly() {
    var before = pinned;
    pinned = new Set();
    Object.keys(missions).forEach(function (mid) {
      var riders = missions[mid];
      Object.keys(riders).forEach(function (rid) {
        var item = riders[rid].item;
        var i = item.look === 'to_aed' && item.aed_id ? aeds.index.get(item.aed_id) : undefined;
        if (i !== undefined) { pinned.add(i); }
      });
    });
    return before;
  }

  // The pinned set again; each AED pinned or released is recounted in its groups, and the
  // AEDs drawn again if any changed (unless the caller draws them: render false).
  function updatePinned(render) {
    var before = updatePinnedQuietly();
    var changed = false;
    pinned.forEach(function (i) { if (!before.has(i)) { changed = true; recountAed(i); } });
    before.forEach(function (i) { if (!pinned.has(i)) { changed = true; recountAed(i); } });
    if (changed && render !== false) { renderAeds(); }
  }

  function dropPendingMoves(missionId) {
    pendingMoves.forEach(function (move, key) {
      if (move[0] === missionId) { pendingMoves.delete(key); }
    });
  }

  function setResponders(op) {
    var mid = op.mission;
    dropPendingMoves(mid);
    var riders = missions[mid] || (missions[mid] = {});
    var keep = {};
    op.items.forEach(function (item) {
      keep[item.id] = true;
      var entry = riders[item.id];
      var ll = L.latLng(num(item.lat), num(item.lon));
      var faded = !!cfg.styles.responders[item.look].faded;
      if (!entry) {
        entry = riders[item.id] = { item: item, line: null };
        entry.marker = L.marker(ll, {
          icon: responderIcon(item.look, item.rank), pane: 'responders', keyboard: false,
          zIndexOffset: faded ? -500 : 0
        }).addTo(groups.responders);
        entry.marker.bindPopup(function () { return responderPopup(entry.item); }, POPUP_OPTIONS);
        entry.marker.on('click', function () { sendItemClick('responder', entry.item.id, mid); });
      } else {
        entry.marker.setLatLng(ll);
        if (entry.item.look !== item.look || entry.item.rank !== item.rank) {
          entry.marker.setIcon(responderIcon(item.look, item.rank));
          entry.marker.setZIndexOffset(faded ? -500 : 0);
        }
      }
      entry.item = item;
      if (entry.marker.isPopupOpen()) { entry.marker.setPopupContent(responderPopup(item)); }
      updateLine(mid, entry);
    });
    Object.keys(riders).forEach(function (rid) {
      if (keep[rid]) { return; }
      removeResponder(riders[rid]);
      delete riders[rid];
    });
    if (selection && selection.mission === mid) { placeHalo(); }
    updatePinned();
  }

  function removeResponder(entry) {
    groups.responders.removeLayer(entry.marker);
    if (entry.line) { groups.links.removeLayer(entry.line); }
  }

  function queueMoves(op) {
    var mid = op.mission;
    op.items.forEach(function (row) {
      pendingMoves.set(mid + '\u0000' + row[0], [mid, String(row[0]), num(row[1]), num(row[2])]);
    });
    requestFrame();
  }

  function requestFrame() {
    if (frameRequested) { return; }
    frameRequested = true;
    requestAnimationFrame(applyMoves);
    // A hidden page gets no animation frames; the moves must still land.
    frameTimer = setTimeout(applyMoves, 250);
  }

  function applyMoves() {
    if (!frameRequested) { return; }
    frameRequested = false;
    clearTimeout(frameTimer);
    var t0 = performance.now();
    var moved = 0, haloMoved = false;
    pendingMoves.forEach(function (move) {
      var riders = missions[move[0]];
      var entry = riders && riders[move[1]];
      if (!entry) { return; }
      entry.item.lat = move[2];
      entry.item.lon = move[3];
      entry.marker.setLatLng([move[2], move[3]]);
      if (entry.line) { updateLine(move[0], entry); }
      if (selection && selection.kind === 'responder' && selection.mission === move[0] && selection.id === move[1]) { haloMoved = true; }
      moved += 1;
    });
    pendingMoves.clear();
    if (haloMoved) { placeHalo(); }
    var spent = performance.now() - t0;
    metrics.frames += 1;
    metrics.movesApplied += moved;
    metrics.frameMs += spent;
    metrics.lastFrameMs = spent;
  }

  function clearMission(op) {
    var mid = op.mission;
    dropPendingMoves(mid);
    var riders = missions[mid];
    if (riders) {
      Object.keys(riders).forEach(function (rid) { removeResponder(riders[rid]); });
      delete missions[mid];
    }
    var incident = incidents[mid];
    if (incident) {
      groups.incidents.removeLayer(incident.marker);
      groups.incidents.removeLayer(incident.circle);
      delete incidents[mid];
    }
    if (selection && (selection.mission === mid || selection.kind === 'incident' && selection.id === mid)) {
      setSelection(null);
    }
    updatePinned();
  }

  // ------------------------------------------------------------------ runner preview

  var runnerLayer = [];
  var previewCircle = null;

  function setRunners(op) {
    groups.runners.clearLayers();
    runnerLayer = [];
    previewCircle = null;
    if (!op.centre) { return; }
    var colour = colourOf(cfg.styles.runner);
    previewCircle = L.circle([num(op.centre.lat), num(op.centre.lon)], {
      radius: num(op.centre.radius_m), pane: 'links', interactive: false,
      color: colour, weight: 1.5, opacity: 0.7, dashArray: '3 6', fill: false
    }).addTo(groups.runners);
    op.items.forEach(function (item) {
      var m = L.circleMarker([num(item.lat), num(item.lon)], {
        pane: 'runners', radius: item.would_alert ? 5 : 3.5,
        color: item.would_alert ? '#0B1520' : colour, weight: item.would_alert ? 1.5 : 1,
        fillColor: colour, fillOpacity: item.would_alert ? 0.95 : 0.35
      });
      m.bindPopup(function () {
        return popupNode(item.alias, [
          [T.distance, item.distance], [T.travelsBy, item.mode_label],
          [T.alert, item.would_alert ? T.wouldAlert : T.wouldNotAlert]
        ]);
      }, POPUP_OPTIONS);
      m.on('click', function () { sendItemClick('runner', item.id, ''); });
      m.addTo(groups.runners);
      runnerLayer.push({ item: item, marker: m });
    });
  }

  // ------------------------------------------------------------------ selection, views

  function findItem(kind, id, mission) {
    if (kind === 'responder') {
      var riders = missions[mission];
      var entry = riders && riders[id];
      return entry ? { latlng: entry.marker.getLatLng(), layer: entry.marker } : null;
    }
    if (kind === 'incident') {
      var inc = incidents[id];
      return inc ? { latlng: inc.marker.getLatLng(), layer: inc.marker } : null;
    }
    if (kind === 'aed') {
      var ll = aedLatLng(id);
      return ll ? { latlng: ll, layer: null } : null;
    }
    if (kind === 'runner') {
      for (var k = 0; k < runnerLayer.length; k++) {
        if (runnerLayer[k].item.id === id) { return { latlng: runnerLayer[k].marker.getLatLng(), layer: runnerLayer[k].marker }; }
      }
    }
    return null;
  }

  function placeHalo() {
    var found = selection ? findItem(selection.kind, selection.id, selection.mission) : null;
    if (!found) {
      if (halo) { groups.selection.removeLayer(halo); halo = null; }
      return null;
    }
    if (!halo) {
      halo = L.marker(found.latlng, {
        pane: 'selection', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'amk-halo', html: '', iconSize: [40, 40], iconAnchor: [20, 20] })
      }).addTo(groups.selection);
    } else {
      halo.setLatLng(found.latlng);
    }
    return found;
  }

  function setSelection(sel) {
    selection = sel;
    return placeHalo();
  }

  function select(op) {
    if (!KINDS[op.kind]) { throw new Error('unknown kind ' + op.kind); }
    var found = setSelection({ kind: op.kind, id: op.id, mission: op.mission || '' });
    if (!found) { return; }
    if (op.kind === 'aed' && map.getZoom() < cfg.unclusterZoom) {
      map.setView(found.latlng, cfg.unclusterZoom, { animate: false });
    } else if (!map.getBounds().pad(-0.15).contains(found.latlng)) {
      map.panTo(found.latlng, { animate: false });
    }
  }

  function fitIncident(op) {
    var ids = op.mission ? [op.mission] : Object.keys(incidents);
    var bounds = null;
    ids.forEach(function (id) {
      var inc = incidents[id];
      if (!inc) { return; }
      var b = inc.circle.getBounds();
      bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    });
    if (bounds) { map.fitBounds(bounds, { padding: [24, 24], animate: false }); }
  }

  function showAll() {
    var bounds = null;
    function add(ll) { bounds = bounds ? bounds.extend(ll) : L.latLngBounds(ll, ll); }
    Object.keys(incidents).forEach(function (id) {
      var b = incidents[id].circle.getBounds();
      add(b.getSouthWest()); add(b.getNorthEast());
    });
    Object.keys(missions).forEach(function (mid) {
      var riders = missions[mid];
      Object.keys(riders).forEach(function (rid) { add(riders[rid].marker.getLatLng()); });
    });
    runnerLayer.forEach(function (r) { add(r.marker.getLatLng()); });
    if (!bounds) { bounds = L.latLngBounds(cfg.denmark); }
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15, animate: false });
  }

  function setView(op) {
    map.setView([num(op.lat), num(op.lon)], op.zoom === null || op.zoom === undefined ? map.getZoom() : op.zoom, { animate: false });
  }

  // ------------------------------------------------------------------ controls

  var controls = [];
  var legendBox = null;

  function addControls() {
    var Actions = L.Control.extend({
      options: { position: 'topleft' },
      onAdd: function () {
        var box = el('div', 'leaflet-bar amk-actions');
        var inc = el('a', 'amk-action', T.fitIncidents);
        inc.href = '#'; inc.title = T.fitIncidentsTitle; inc.setAttribute('role', 'button');
        var all = el('a', 'amk-action', T.showAll);
        all.href = '#'; all.title = T.showAllTitle; all.setAttribute('role', 'button');
        L.DomEvent.on(inc, 'click', function (e) { L.DomEvent.preventDefault(e); fitIncident({}); });
        L.DomEvent.on(all, 'click', function (e) { L.DomEvent.preventDefault(e); showAll(); });
        box.appendChild(inc); box.appendChild(all);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    controls = [new Actions().addTo(map)];

    var Legend = L.Control.extend({
      options: { position: 'bottomleft' },
      onAdd: function () {
        var box = legendBox = el('div', 'amk-legend');
        var toggle = el('button', 'amk-legend-toggle', T.legend);
        toggle.type = 'button';
        var body = el('div', 'amk-legend-body');
        function section(title, entries, isAed) {
          body.appendChild(el('div', 'amk-legend-title', title));
          entries.forEach(function (style) {
            var row = el('div', 'amk-legend-row' + (style.faded ? ' amk-faded' : ''));
            row.appendChild(legendSwatch(style, isAed));
            row.appendChild(el('span', null, style.label));
            body.appendChild(row);
          });
        }
        var s = cfg.styles;
        section(T.legendResponders, s.responder_order.map(function (k) { return s.responders[k]; }), false);
        section(T.legendAeds, s.aed_order.map(function (k) { return s.aeds[k]; }), true);
        var inc = el('div', 'amk-legend-row');
        var sw = el('span', 'amk-legend-swatch amk-legend-incident');
        inc.appendChild(sw);
        inc.appendChild(el('span', null, s.incident.label));
        body.appendChild(el('div', 'amk-legend-title', T.legendMission));
        body.appendChild(inc);
        var clusterRow = el('div', 'amk-legend-row');
        clusterRow.appendChild(el('span', 'amk-legend-swatch amk-legend-cluster', '12'));
        clusterRow.appendChild(el('span', null, T.legendCluster));
        body.appendChild(clusterRow);
        L.DomEvent.on(toggle, 'click', function () { box.classList.toggle('amk-collapsed'); });
        // On a small map the legend would cover the incident; it starts folded there.
        if (map.getSize().y < 720) { box.classList.add('amk-collapsed'); }
        box.appendChild(toggle);
        box.appendChild(body);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    controls.push(new Legend().addTo(map));
  }

  // The layer control is folium's; its entries get their translated names here (by layer, as
  // Leaflet's layerId is the group's stamp), as text.
  function relabelLayers() {
    var names = {};
    Object.keys(groups).forEach(function (key) {
      if (groups[key] && T.layers[key]) { names[L.stamp(groups[key])] = T.layers[key]; }
    });
    map.getContainer().querySelectorAll('.leaflet-control-layers-selector').forEach(function (input) {
      var span = input.nextElementSibling;
      if (span && names[input.layerId] !== undefined) { span.textContent = ' ' + names[input.layerId]; }
    });
  }

  // The words again, in the language chosen after the page was built (console.maps.payload.texts_op).
  function setTexts(op) {
    cfg.styles = op.styles;
    T = cfg.styles.texts;
    var collapsed = legendBox.classList.contains('amk-collapsed');
    controls.forEach(function (control) { map.removeControl(control); });
    addControls();
    legendBox.classList.toggle('amk-collapsed', collapsed);
    relabelLayers();
    restyleAeds();
  }

  // ------------------------------------------------------------------ Python link

  function sendItemClick(kind, id, mission) {
    if (bridge) { bridge.itemClicked(kind, String(id), String(mission || '')); }
  }

  function connectBridge() {
    if (typeof QWebChannel === 'undefined' || !window.qt || !qt.webChannelTransport) {
      throw new Error('Qt web channel is not available');
    }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.amkBridge;
      metrics.readyMs = performance.now();
      map.on('click', function (e) { bridge.mapClicked(e.latlng.lat, e.latlng.lng); });
      bridge.pageReady(JSON.stringify({ leaflet: L.version, zoom: map.getZoom() }));
    });
  }

  // ------------------------------------------------------------------ public entry points

  var OPS = {
    incident: setIncident,
    responders: setResponders,
    positions: queueMoves,
    clear_mission: clearMission,
    aeds: loadAeds,
    aed_updates: function (op) { upsertAeds(op.items); },
    aed_availability: setAvailability,
    runners: setRunners,
    select: select,
    clear_selection: function () { setSelection(null); },
    fit_incident: fitIncident,
    show_all: showAll,
    view: setView,
    texts: setTexts
  };

  function apply(ops) {
    metrics.lastApplyStartEpochMs = epochMs();
    var t0 = performance.now();
    for (var k = 0; k < ops.length; k++) {
      var op = ops[k];
      try {
        if (!(op.seq > lastSeq)) { throw new Error('delta ' + op.seq + ' after ' + lastSeq + ': out of order'); }
        var fn = OPS[op.op];
        if (!fn) { throw new Error('unknown delta ' + op.op); }
        fn(op);
        lastSeq = op.seq;
        applied += 1;
      } catch (err) {
        lastSeq = Math.max(lastSeq, op.seq || 0);
        console.error('AMK.apply ' + op.op + ': ' + (err && err.stack ? err.stack : err));
      }
    }
    metrics.lastApplyMs = performance.now() - t0;
    return lastSeq;
  }

  function boot(leafletMap, config) {
    map = leafletMap;
    cfg = config;
    T = cfg.styles.texts;
    Object.keys(cfg.layers).forEach(function (key) { groups[key] = window[cfg.layers[key]]; });
    renderers.links = L.svg({ pane: 'links' });
    map.setMinZoom(cfg.minZoom);
    map.setMaxZoom(cfg.maxZoom);
    drawBasemap();
    addControls();
    relabelLayers();
    groups.aeds.addLayer(new AedLayer());
    map.on('moveend zoomend viewreset', renderAeds);
    map.on('popupopen', function (e) { openPopupNow = e.popup; });
    map.on('popupclose', function (e) { if (openPopupNow === e.popup) { openPopupNow = null; } });
    connectBridge();
  }

  // Everything a test or a developer may ask the page, as plain JSON-able values.
  function snapshotState() {
    var out = { lastSeq: lastSeq, applied: applied, zoom: map.getZoom(), centre: map.getCenter(),
                incidents: {}, missions: {}, aeds: { count: aeds.ids.length, byAvailability: {}, markers: 0, clusters: 0 },
                runners: runnerLayer.map(function (r) { return { id: r.item.id, would_alert: r.item.would_alert }; }),
                selection: selection, halo: halo ? [halo.getLatLng().lat, halo.getLatLng().lng] : null,
                pendingMoves: pendingMoves.size, metrics: metrics };
    Object.keys(incidents).forEach(function (id) {
      var inc = incidents[id];
      out.incidents[id] = { lat: inc.item.lat, lon: inc.item.lon, radius_m: inc.circle.getRadius(),
                            address: inc.item.address, note: inc.item.note };
    });
    Object.keys(missions).forEach(function (mid) {
      var riders = missions[mid];
      out.missions[mid] = {};
      Object.keys(riders).forEach(function (rid) {
        var e = riders[rid], ll = e.marker.getLatLng();
        out.missions[mid][rid] = { alias: e.item.alias, rank: e.item.rank, look: e.item.look,
                                   lat: ll.lat, lon: ll.lng, faded: e.marker.getElement() ? e.marker.getElement().classList.contains('amk-faded') : null,
                                   line: e.line ? e.line.getLatLngs().map(function (p) { return [p.lat, p.lng]; }) : null };
      });
    });
    aeds.avail.forEach(function (a) { out.aeds.byAvailability[a] = (out.aeds.byAvailability[a] || 0) + 1; });
    out.aeds.pinned = [];
    aedItems.forEach(function (el, key) {
      if (key.charAt(0) === 'c') { out.aeds.clusters += 1; return; }
      out.aeds.markers += 1;
      if (pinned.has(el.__i)) { out.aeds.pinned.push(aeds.ids[el.__i]); }
    });
    out.aeds.pinned.sort();
    // The current zoom's groups over the whole country: their counts add up to the AEDs not pinned.
    var level = map.getZoom() < cfg.unclusterZoom ? levels[map.getZoom()] : null;
    out.aeds.level = null;
    if (level) {
      // listed: the AEDs found by walking every group's members (each in the group it names),
      // which must be every AED: a broken list shows here rather than as a wrong count later.
      out.aeds.level = { groups: 0, aeds: 0, usable: 0, pinnedAll: pinned.size, listed: 0 };
      for (var c = 0; c < level.count; c++) {
        for (var m = level.head[c], steps = 0; m >= 0 && steps <= level.size[c]; m = level.next[m], steps++) {
          if (level.of[m] === c && steps < level.size[c]) { out.aeds.level.listed += 1; }
        }
        if (level.n[c] === 0) { continue; }
        out.aeds.level.groups += 1; out.aeds.level.aeds += level.n[c]; out.aeds.level.usable += level.usable[c];
      }
    }
    return out;
  }

  function openPopup(kind, id, mission) {
    if (kind === 'aed') { return openAed(id); }
    var found = findItem(kind, id, mission);
    if (!found || !found.layer) { return false; }
    found.layer.openPopup();
    return true;
  }

  var openPopupNow = null;

  function popupText() {
    var element = openPopupNow && openPopupNow.getElement();
    var node = element && element.querySelector('.leaflet-popup-content');
    return node ? node.textContent : null;
  }

  window.AMK = Object.freeze({
    boot: boot,
    apply: apply,
    state: snapshotState,
    openPopup: openPopup,
    popupText: popupText,
    pointOf: function (lat, lon) { var p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; },
    latLngAt: function (x, y) { var ll = map.containerPointToLatLng([x, y]); return [ll.lat, ll.lng]; }
  });

  window.addEventListener('unhandledrejection', function (e) {
    console.error('unhandled promise rejection: ' + (e.reason && e.reason.stack ? e.reason.stack : e.reason));
  });
}());
