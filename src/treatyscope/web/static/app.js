/* treatyscope serve: the page. Plain ES2017, no build step; Leaflet is vendored (static/vendor/leaflet).
 *
 * The flow: the question (place, date, readings, what-ifs) lives in `state`; every change rewrites the URL hash,
 * so a copied link restores the view, and reruns the answer (GET or POST /api/check) and the overlay (/api/area).
 * The answer is drawn from the `table` rows the server groups; a row's details come from the matching `results`.
 */
'use strict';

(function () {
  const WORLD = [[-90, -180], [90, 180]];
  const FIRST_DAY = '1948-01-01';
  const LAND_STYLE = { fillColor: '#d4d4d4', fillOpacity: 1, color: '#a9a9a9', weight: 0.5 };
  const COVERED_STYLE = { fillColor: '#0072B2', fillOpacity: 0.55, color: '#005a8c', weight: 0.6 };
  // fillColor goes straight into the SVG fill attribute, so the hatch survives Leaflet's restyling.
  const CONTESTED_STYLE = { fillColor: 'url(#hatch)', fillOpacity: 1, color: '#E69F00', weight: 1 };
  // The symbols beside the verdicts' words (the words come from the server, /api/meta's `verdicts`, made where
  // the command line makes them), so that a verdict reads without colour.
  const SYMBOLS = { applies: '✓', 'does-not-apply': '✗', partial: '◐', contested: '?' };
  const NAMED_PARALLELS = [
    [23.436, 'Tropic of Cancer'], [-23.436, 'Tropic of Capricorn'], [66.563, 'Arctic Circle'], [-66.563, 'Antarctic Circle'],
  ];

  const ui = {};
  let meta = null;
  let map = null;
  const layers = {};
  let suggestions = [];
  let lastHash = '';

  // The question and the view. `place` is {kind: 'point', lat, lon} | {kind: 'location', name, lat?, lon?}
  // | {kind: 'geometry', geometry} | null.
  const state = {
    place: null,
    date: '',
    article: 'nato-5',
    target: 'territory',
    only: false,
    party: '',
    assume: [],
    readings: {},
    open: '',
    doc: null,
  };

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {}

  async function api(path, params, options) {
    const url = params ? `${path}?${params.toString()}` : path;
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new ApiError(`the server did not answer (${err.message})`);
    }
    const type = response.headers.get('content-type') || '';
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      if (type.includes('json')) {
        const body = await response.json().catch(() => null);
        if (body && body.error) message = body.error;
      }
      throw new ApiError(message);
    }
    return type.includes('json') ? response.json() : response.text();
  }

  // What every question shares: the date, the party, the what-ifs and the pinned readings.
  function questionParams() {
    const p = new URLSearchParams();
    p.set('date', state.date);
    if (state.party) p.set('party', state.party);
    for (const member of state.assume) p.append('assume_member', member);
    for (const [term, reading] of Object.entries(state.readings)) p.append('interpretation', `${term}=${reading}`);
    return p;
  }

  function treatyOf(articleId) {
    for (const treaty of meta.treaties) {
      if (treaty.articles.some((a) => a.id === articleId)) return treaty;
    }
    return null;
  }

  // The check of the current place; `over` narrows it (one row's trace and nearest covered place, Markdown
  // download). The answer to a click is brief: the traces (most of the bytes) come when a row is opened.
  function fetchCheck(over) {
    const q = Object.assign({ treaty: [], target: [], nearest: false, brief: !over, format: 'json' }, over || {});
    if (!over || !over.treaty) {
      if (state.only && treatyOf(state.article)) {
        q.treaty = [treatyOf(state.article).id];
        q.target = [state.target];
      }
    }
    const asked = { date: state.date, treaty: q.treaty, target: q.target, nearest: q.nearest, format: q.format };
    if (q.brief) asked.brief = true;
    return askAboutPlace('/api/check', asked);
  }

  // The current place put to an endpoint that takes the check's place keys (check, timeline, obligations): GET for a
  // point or a named place, POST with the GeoJSON for a drawn shape (too long for a URL). `asked` holds the
  // endpoint's own keys, a list for a repeatable one; the party, the what-ifs and the readings are the question's.
  function askAboutPlace(path, asked) {
    const q = Object.assign({
      assume_member: state.assume,
      interpretation: Object.entries(state.readings).map(([t, r]) => `${t}=${r}`),
    }, state.party ? { party: state.party } : {}, asked);
    const place = state.place;
    if (place.kind === 'geometry') {
      return api(path, null, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Object.assign({ geometry: place.geometry }, q)),
      });
    }
    const p = new URLSearchParams();
    if (place.kind === 'point') {
      p.set('lat', String(place.lat));
      p.set('lon', String(place.lon));
    } else {
      p.set('location', place.name);
    }
    for (const [key, value] of Object.entries(q)) {
      for (const one of [].concat(value)) p.append(key, String(one));
    }
    return api(path, p);
  }

  // ---------------------------------------------------------------- status and errors

  const busy = new Map();
  let errorText = '';

  function setBusy(key, label) {
    if (label) busy.set(key, label);
    else busy.delete(key);
    renderStatus();
  }

  function showError(err) {
    if (err && err.name === 'AbortError') return;
    errorText = err instanceof ApiError ? err.message : String((err && err.message) || err);
    if (!(err instanceof ApiError)) console.warn(err); // a page bug, not an answer: keep it visible to developers
    renderStatus();
  }

  function clearError() {
    errorText = '';
    renderStatus();
  }

  function renderStatus() {
    ui.status.textContent = '';
    if (busy.size) ui.status.append(el('span', { class: 'busy' }, [...busy.values()].join(' · ')));
    if (errorText) ui.status.append(el('span', { class: 'error', role: 'alert' }, `Error: ${errorText}`));
    ui.status.dataset.state = errorText ? 'error' : busy.size ? 'loading' : 'idle';
  }

  // ---------------------------------------------------------------- small DOM helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  // The schema's verdicts are slugs already; the table's are words ("partly applies", a "*" when a what-if was used).
  const VERDICT_SLUGS = { 'partly-applies': 'partial' };

  function verdictSlug(verdict) {
    const slug = String(verdict).trim().toLowerCase().replace(/\*$/, '').replace(/\s+/g, '-');
    return VERDICT_SLUGS[slug] || slug;
  }

  function verdictBadge(verdict) {
    const slug = verdictSlug(verdict);
    return el('span', { class: `verdict v-${slug}` }, el('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOLS[slug] || '•'),
      ` ${verdictWords(slug, verdict)}`);
  }

  function verdictWords(slug, verdict) {
    return meta.verdicts[slug] || String(verdict);
  }

  function km(value) {
    return `${Math.round(value).toLocaleString('en')} km`;
  }

  function percent(share) {
    return `${Math.round(share * 100)}%`;
  }

  function debounce(fn, ms) {
    let timer = 0;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function readingLabel(termId, readingId) {
    const term = meta.interpretations.find((i) => i.id === termId);
    const reading = term && term.readings.find((r) => r.id === readingId);
    return `“${term ? term.term : termId}” read as ${reading ? reading.label : readingId}`;
  }

  // ---------------------------------------------------------------- the map

  function setUpMap() {
    map = L.map('map', {
      crs: L.CRS.EPSG4326,
      worldCopyJump: false,
      maxBounds: WORLD,
      maxBoundsViscosity: 1,
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      minZoom: 0,
      maxZoom: 12,
      doubleClickZoom: false, // a double click ends a drawing
      attributionControl: false, // the attribution is in the footer
    });
    window.treatyscopeMap = map;
    for (const [name, z] of [['land', 250], ['area', 400], ['lines', 450]]) {
      map.createPane(name).style.zIndex = String(z);
    }
    fitWorld(); // a renderer makes its <svg> only once the map has a view
    layers.landRenderer = L.canvas({ pane: 'land', padding: 0.3 }); // tens of thousands of vertices: canvas draws them faster
    layers.areaRenderer = L.svg({ pane: 'area', padding: 0.3 });
    map.addLayer(layers.landRenderer);
    map.addLayer(layers.areaRenderer);
    addHatchPattern(layers.areaRenderer._container);
    layers.area = L.layerGroup().addTo(map);
    layers.parallels = L.layerGroup().addTo(map);
    layers.drawn = L.layerGroup().addTo(map);
    layers.nearest = L.layerGroup().addTo(map);
    layers.marker = L.layerGroup().addTo(map);
    window.addEventListener('resize', debounce(fitWorld, 200));
    map.on('click', onMapClick);
    map.on('dblclick', onMapDoubleClick);
    map.on('moveend', () => {
      refineLand();
      placeParallelLabels();
      writeHash();
    });
  }

  // The smallest zoom shows the whole Earth, poles included; fractional zoom lets it fill the box.
  function fitWorld() {
    map.invalidateSize();
    const z = map.getBoundsZoom(WORLD, false);
    map.setMinZoom(z);
    if (!map._loaded) map.setView([0, 0], z);
    else if (map.getZoom() < z) map.setZoom(z);
  }

  function addHatchPattern(svg) {
    const ns = 'http://www.w3.org/2000/svg';
    const defs = document.createElementNS(ns, 'defs');
    const pattern = document.createElementNS(ns, 'pattern');
    const attrs = { id: 'hatch', patternUnits: 'userSpaceOnUse', width: 8, height: 8, patternTransform: 'rotate(45)' };
    for (const [k, v] of Object.entries(attrs)) pattern.setAttribute(k, v);
    const back = document.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({ width: 8, height: 8, fill: '#E69F00', 'fill-opacity': 0.18 })) {
      back.setAttribute(k, v);
    }
    const stripe = document.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({ width: 4, height: 8, fill: '#E69F00' })) stripe.setAttribute(k, v);
    pattern.append(back, stripe);
    defs.append(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  // Level 0 covers the world; zoomed in, a finer level for the view (padded) replaces it while the view stays
  // inside the fetched box.
  const land = { coarse: null, fine: null, level: 0, box: null, seq: 0 };

  async function loadCoarseLand() {
    setBusy('land', 'Loading the land…');
    try {
      const fc = await api('/api/land', new URLSearchParams({ level: '0' }));
      land.coarse = landLayer(fc).addTo(map);
      refineLand();
    } catch (err) {
      showError(err);
    } finally {
      setBusy('land', null);
    }
  }

  function landLayer(fc) {
    return L.geoJSON(fc, { pane: 'land', renderer: layers.landRenderer, style: LAND_STYLE, interactive: false });
  }

  function levelFor(zoom) {
    return zoom >= 6 ? 2 : zoom >= 4 ? 1 : 0;
  }

  async function refineLand() {
    if (!land.coarse) return;
    const view = clampToWorld(map.getBounds());
    let level = levelFor(map.getZoom());
    while (level > 0 && !landBox(view, level)) level -= 1; // a wide window: the server sends fine land for small boxes only
    if (level === 0) {
      land.seq += 1;
      if (land.fine) map.removeLayer(land.fine);
      land.fine = null;
      if (!map.hasLayer(land.coarse)) land.coarse.addTo(map);
      return;
    }
    if (land.fine && land.level === level && land.box.contains(view)) return;
    if (!map.hasLayer(land.coarse)) land.coarse.addTo(map); // until the finer land arrives
    const box = landBox(view, level);
    const seq = ++land.seq;
    const bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()].map((v) => v.toFixed(4)).join(',');
    try {
      const fc = await api('/api/land', new URLSearchParams({ level: String(level), bbox }));
      if (seq !== land.seq) return;
      if (land.fine) map.removeLayer(land.fine);
      land.fine = landLayer(fc).addTo(map);
      land.level = level;
      land.box = box;
      map.removeLayer(land.coarse);
    } catch (err) {
      showError(err);
    }
  }

  // The view padded by up to half its size on each side (fewer fetches while panning), within the server's
  // widest box for the level (basemap.MAX_BOX_DEGREES); null when the view itself is wider.
  const MAX_LAND_BOX = { 1: 90, 2: 30 };

  function landBox(view, level) {
    const width = view.getEast() - view.getWest();
    const height = view.getNorth() - view.getSouth();
    const most = MAX_LAND_BOX[level] - 0.01;
    if (width > most || height > most) return null;
    const padX = Math.min(width / 2, (most - width) / 2);
    const padY = Math.min(height / 2, (most - height) / 2);
    return clampToWorld(L.latLngBounds(
      [view.getSouth() - padY, view.getWest() - padX],
      [view.getNorth() + padY, view.getEast() + padX],
    ));
  }

  function clampToWorld(bounds) {
    return L.latLngBounds(
      [Math.max(bounds.getSouth(), -90), Math.max(bounds.getWest(), -180)],
      [Math.min(bounds.getNorth(), 90), Math.min(bounds.getEast(), 180)],
    );
  }

  function onMapClick(e) {
    if (draw.mode) {
      addVertex(e.latlng);
      return;
    }
    const lat = round(Math.max(-90, Math.min(90, e.latlng.lat)));
    const lon = round(Math.max(-180, Math.min(180, e.latlng.lng)));
    setPlace({ kind: 'point', lat, lon });
  }

  function round(value) {
    return Math.round(value * 1e4) / 1e4;
  }

  // Where the clicked or named place is: the marker, and the start of the dashed line to the nearest covered place.
  function placeAnchor() {
    const place = state.place;
    if (!place) return null;
    if (place.kind === 'point') return [place.lat, place.lon];
    if (place.kind === 'location' && place.lat !== undefined) return [place.lat, place.lon];
    if (place.kind === 'geometry') return L.geoJSON(place.geometry).getBounds().getCenter();
    return null;
  }

  function drawPlace() {
    layers.marker.clearLayers();
    layers.drawn.clearLayers();
    layers.nearest.clearLayers();
    const place = state.place;
    if (!place) return;
    if (place.kind === 'geometry') {
      L.geoJSON(place.geometry, {
        pane: 'lines',
        interactive: false,
        style: { color: '#000', weight: 2, fillColor: '#000', fillOpacity: 0.08 },
      }).addTo(layers.drawn);
      return;
    }
    const anchor = placeAnchor();
    if (anchor) L.marker(anchor, { keyboard: false, title: 'the place checked', alt: 'the place checked' }).addTo(layers.marker);
  }

  // ---------------------------------------------------------------- the overlay

  let areaSeq = 0;
  let areaAbort = null;

  async function drawArea() {
    const seq = ++areaSeq;
    if (areaAbort) areaAbort.abort();
    layers.area.clearLayers();
    layers.parallels.clearLayers();
    const treaty = state.article ? treatyOf(state.article) : null;
    if (!treaty) {
      renderLegend(null);
      return;
    }
    areaAbort = new AbortController();
    const p = questionParams();
    p.set('treaty', treaty.id);
    p.set('article', state.article);
    p.set('target', state.target);
    renderLegend({ loading: true });
    setBusy('area', 'Drawing the covered area (a few seconds the first time)…');
    try {
      const fc = await api('/api/area', p, { signal: areaAbort.signal });
      if (seq !== areaSeq) return;
      L.geoJSON(fc, {
        pane: 'area',
        renderer: layers.areaRenderer,
        interactive: false,
        style: (f) => (f.properties.status === 'contested' ? CONTESTED_STYLE : COVERED_STYLE),
      }).addTo(layers.area);
      drawParallels((fc.properties && fc.properties.parallels) || []);
      renderLegend({ fc });
    } catch (err) {
      if (seq !== areaSeq) return;
      renderLegend({ failed: true });
      showError(err);
    } finally {
      if (seq === areaSeq) setBusy('area', null);
    }
  }

  function parallelLabel(lat) {
    const named = NAMED_PARALLELS.find(([at]) => Math.abs(at - lat) < 0.05);
    const value = `${Math.abs(lat).toFixed(2)}° ${lat >= 0 ? 'N' : 'S'}`;
    return named ? `${value} (${named[1]})` : value;
  }

  function drawParallels(parallels) {
    for (const lat of parallels) {
      const line = L.polyline([[lat, -180], [lat, 180]], {
        pane: 'lines',
        color: '#222',
        weight: 1.2,
        dashArray: '6 5',
        interactive: false,
      });
      line.bindTooltip(parallelLabel(lat), { permanent: true, direction: 'right', className: 'parallel-label' });
      line.addTo(layers.parallels);
    }
    placeParallelLabels();
  }

  // Keep each parallel's label at the left edge of the view, where it does not cover the answer's place.
  function placeParallelLabels() {
    const west = Math.max(map.getBounds().getWest(), -180) + 2 / Math.pow(2, map.getZoom());
    layers.parallels.eachLayer((line) => {
      const lat = line.getLatLngs()[0].lat;
      line.openTooltip([lat, west]);
    });
  }

  function listWords(items) {
    return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  }

  function renderLegend(what) {
    ui.legend.textContent = '';
    const treaty = state.article ? treatyOf(state.article) : null;
    if (!what || !treaty) {
      ui.legend.dataset.state = 'none';
      ui.legend.append(el('p', {}, 'No article drawn on the map.'));
      return;
    }
    const props = (what.fc && what.fc.properties) || {};
    const label = props.article_label || articleLabel(state.article);
    ui.legend.append(el('h2', {}, `${label}: ${state.target}, ${props.date || state.date}`));
    if (state.assume.length) {
      // The what-if changes the drawing as much as the answer: said on both.
      const who = state.assume.length === 1 ? `${state.assume[0]} were a Party` : `${listWords(state.assume)} were Parties`;
      ui.legend.append(el('p', { class: 'whatif' }, el('strong', {}, 'what-if: '), `drawn as if ${who}.`));
    }
    // Only the keys of what is drawn (all of them while it is being drawn).
    const features = what.fc ? what.fc.features : null;
    const contested = !features || features.some((f) => f.properties.status === 'contested');
    const parallels = !what.fc || ((props.parallels || []).length > 0);
    ui.legend.append(el('ul', { class: 'keys' },
      el('li', {}, el('span', { class: 'swatch covered', 'aria-hidden': 'true' }), 'covered'),
      contested ? el('li', {}, el('span', { class: 'swatch contested', 'aria-hidden': 'true' }), 'contested (hatched)') : null,
      el('li', {}, el('span', { class: 'swatch none', 'aria-hidden': 'true' }), 'not covered'),
      parallels ? el('li', {}, el('span', { class: 'swatch parallel', 'aria-hidden': 'true' }), 'parallel named by the text') : null,
    ));
    if (what.loading) {
      ui.legend.dataset.state = 'loading';
      ui.legend.append(el('p', { class: 'loading' }, 'Drawing the covered area…'));
      return;
    }
    if (what.failed) {
      ui.legend.dataset.state = 'error';
      ui.legend.append(el('p', { class: 'error' }, 'The covered area could not be drawn (see the message above).'));
      return;
    }
    ui.legend.dataset.state = 'done';
    const conditions = [...new Set(what.fc.features
      .filter((f) => f.properties.status === 'contested' && f.properties.covered_if)
      .map((f) => f.properties.covered_if))];
    if (conditions.length) {
      ui.legend.append(el('p', {}, 'The hatched parts depend on a contested reading:'));
      ui.legend.append(el('ul', { class: 'conditions' }, conditions.map((c) => el('li', {}, c))));
    }
    if (!what.fc.features.length) ui.legend.append(el('p', {}, 'Nothing is covered for this target on this date.'));
    if (props.covered_km2) ui.legend.append(el('p', { class: 'help' }, `Covered: about ${km(props.covered_km2)}².`));
    if (props.note) ui.legend.append(el('p', { class: 'help' }, props.note));
  }

  function articleLabel(articleId) {
    const treaty = treatyOf(articleId);
    const article = treaty && treaty.articles.find((a) => a.id === articleId);
    return article ? article.label : articleId;
  }

  // ---------------------------------------------------------------- the answer

  let checkSeq = 0;
  let rendered = 0;

  async function runCheck() {
    const seq = ++checkSeq;
    layers.nearest.clearLayers();
    refreshBound();
    if (!state.place) return;
    ui.answer.setAttribute('aria-busy', 'true');
    ui.answer.dataset.state = 'loading';
    setBusy('check', 'Checking…');
    try {
      const doc = await fetchCheck();
      if (seq !== checkSeq) return;
      state.doc = doc;
      renderAnswer(doc);
      ui.answer.dataset.state = 'done';
      clearError();
    } catch (err) {
      if (seq !== checkSeq) return;
      // The answer to the earlier question must not stand as the answer to this one.
      state.doc = null;
      ui.location.textContent = '';
      ui.summary.textContent = 'No answer: see the message above.';
      ui.tableBox.textContent = '';
      ui.answer.dataset.state = 'error';
      showError(err);
    } finally {
      if (seq === checkSeq) {
        ui.answer.setAttribute('aria-busy', 'false');
        setBusy('check', null);
        ui.downloadJson.disabled = !state.doc;
        ui.downloadMd.disabled = !state.doc;
      }
    }
  }

  function renderAnswer(doc) {
    const loc = doc.location || {};
    if (state.place.kind === 'location' && state.place.lat === undefined && typeof loc.lat === 'number') {
      state.place.lat = loc.lat;
      state.place.lon = loc.lon;
      drawPlace();
    }
    ui.location.textContent = '';
    ui.location.append(el('h2', {}, loc.label || ''), el('p', {}, loc.summary || ''));
    const assumptions = [...new Set(doc.results.map((r) => r.assumption).filter(Boolean))];
    for (const a of assumptions) ui.location.append(el('p', { class: 'whatif' }, el('strong', {}, 'what-if: '), a));
    if (state.assume.length && !assumptions.length) {
      // Asked for, but no answer here rests on it (the place is outside every scope, say): say so, not nothing.
      ui.location.append(el('p', { class: 'whatif' }, el('strong', {}, 'what-if: '),
        `${state.assume.join(', ')} treated as a Party — no answer here depends on it.`));
    }
    ui.summary.textContent = summaryLine(doc);
    ui.tableBox.textContent = '';
    ui.tableBox.append(answerTable(doc));
    rendered += 1;
    ui.answer.dataset.seq = String(rendered);
    if (state.open) {
      const button = ui.tableBox.querySelector(`tr.row[data-key="${CSS.escape(state.open)}"] button.expand`);
      if (button) toggleRow(button, true);
      else state.open = '';
      if (button && refocusOpenRow) button.focus();
    }
    refocusOpenRow = false;
  }

  function summaryLine(doc) {
    const counts = {};
    for (const row of doc.table) counts[verdictSlug(row.verdict)] = (counts[verdictSlug(row.verdict)] || 0) + 1;
    const parts = Object.entries(counts).map(([slug, n]) => `${verdictWords(slug, slug)}: ${n}`);
    const rows = doc.table.length === 1 ? '1 row' : `${doc.table.length} rows`;
    return `${rows} on ${doc.date} — ${parts.join(', ')}.`;
  }

  function answerTable(doc) {
    const shortName = (id) => {
      const t = meta.treaties.find((x) => x.id === id);
      return t ? t.short_name : id;
    };
    const head = el('thead', {}, el('tr', {}, ['Treaty', 'Article', 'Target', 'Verdict', 'Obligation', 'Reason']
      .map((h) => el('th', { scope: 'col' }, h))));
    const body = el('tbody');
    doc.table.forEach((row, i) => {
      const results = rowResults(doc, row);
      const key = rowKey(row);
      const slug = results.length ? results[0].verdict : verdictSlug(row.verdict);
      const detailId = `detail-${i}`;
      const button = el('button', { type: 'button', class: 'expand', 'aria-expanded': 'false', 'aria-controls': detailId },
        el('span', { class: 'chev', 'aria-hidden': 'true' }, '▸'), ` ${shortName(row.treaty)}`);
      const reason = el('td', { class: 'reason' }, row.reason);
      if (results.some((r) => r.assumption)) reason.prepend(el('span', { class: 'tag whatif' }, 'what-if'), ' ');
      const parts = results.length && results[0].parts && results[0].parts.length ? results[0].parts : [];
      if (slug === 'partial' && parts.length) reason.append(partsList(parts));
      const tr = el('tr', {
        class: `row r-${slug}`,
        'data-treaty': row.treaty,
        'data-article': row.article,
        'data-targets': row.targets,
        'data-verdict': slug,
        'data-key': key,
      },
      el('th', { scope: 'row', title: row.treaty_name }, button),
      el('td', {}, row.article),
      el('td', {}, row.targets),
      el('td', {}, verdictBadge(slug)),
      el('td', {}, row.obligation || ''),
      reason);
      const detail = el('tr', { class: 'detail', id: detailId, hidden: true }, el('td', { colspan: 6 }));
      button.addEventListener('click', () => toggleRow(button));
      body.append(tr, detail);
    });
    return el('table', { id: 'answer-table', class: 'answer-table' },
      el('caption', {}, `Each encoded article on ${doc.date}, by target of the attack`), head, body);
  }

  function rowKey(row) {
    return `${row.treaty}|${row.article}|${row.targets}`;
  }

  function rowTargets(row) {
    return row.targets === 'all' ? meta.targets : row.targets.split(',').map((t) => t.trim());
  }

  // The target an opened row's details are shown for: the first of those it groups.
  function rowTarget(row) {
    return rowResults(state.doc, row).map((r) => r.target)[0] || rowTargets(row)[0];
  }

  // A table row groups targets that answer alike; its results are those of the same article and those targets.
  function rowResults(doc, row) {
    const targets = rowTargets(row);
    return doc.results.filter((r) => r.treaty === row.treaty && r.article === row.article && targets.includes(r.target));
  }

  function partsList(parts) {
    return el('ul', { class: 'parts' }, parts.map((p) => {
      const range = p.covered_share_range && p.covered_share_range.length === 2
        ? ` (${percent(p.covered_share_range[0])}–${percent(p.covered_share_range[1])} by reading)` : '';
      return el('li', {}, `${p.name}: ${percent(p.covered_share)} covered${range}, `, verdictBadge(p.verdict),
        p.area_km2 ? ` — ${km(p.area_km2)}²` : '');
    }));
  }

  function toggleRow(button, force) {
    const tr = button.closest('tr');
    const detail = document.getElementById(button.getAttribute('aria-controls'));
    const open = force === undefined ? button.getAttribute('aria-expanded') !== 'true' : force;
    // One open row at a time: its nearest covered place is the one on the map.
    if (open) {
      for (const other of ui.tableBox.querySelectorAll('button.expand[aria-expanded="true"]')) {
        if (other !== button) toggleRow(other, false);
      }
    }
    button.setAttribute('aria-expanded', String(open));
    button.querySelector('.chev').textContent = open ? '▾' : '▸';
    detail.hidden = !open;
    if (open) {
      const row = state.doc.table.find((r) => rowKey(r) === tr.dataset.key);
      const cell = detail.firstChild;
      cell.textContent = '';
      cell.append(rowDetail(row, rowResults(state.doc, row)));
      state.open = tr.dataset.key;
      showDetail(row, cell);
      // A drawn shape's history is every day's full answer for it (seconds to tens of seconds, while the server
      // answers no one else): asked for with a button, not on opening the row.
      if (state.place.kind === 'geometry') offerTimeline(row, cell);
      else showTimeline(row, cell);
    } else {
      if (state.open === tr.dataset.key) state.open = '';
      layers.nearest.clearLayers();
    }
    writeHash();
  }

  function rowDetail(row, results) {
    const box = el('div', { class: 'detail-box' });
    if (!results.length) {
      box.append(el('p', {}, 'No result behind this row.'));
      return box;
    }
    const r = results[0];
    box.append(el('p', { class: 'headline' }, r.headline));
    if (r.assumption) box.append(el('p', { class: 'whatif' }, el('strong', {}, 'what-if: '), r.assumption));
    if (results.length > 1) {
      box.append(el('p', { class: 'help' }, `The same answer for ${results.map((x) => x.target).join(', ')}; shown for ${r.target}.`));
    }
    box.append(el('h3', {}, 'Why'), el('ul', { class: 'reasons' }, r.reasons.map((s) => el('li', {}, s))));
    if (verdictSlug(row.verdict) === 'does-not-apply') box.append(el('p', { class: 'nearest' }, 'Looking for the nearest covered place…'));
    if (r.parts && r.parts.length) box.append(el('h3', {}, 'Part by part'), partsList(r.parts));
    if (r.obligation) {
      box.append(el('h3', {}, 'What the other Parties must do'),
        el('p', {}, r.obligation.meaning, ' — ', el('q', {}, r.obligation.words)));
    }
    box.append(el('section', { class: 'timeline', 'data-state': 'loading' },
      el('h3', {}, 'Over time (1945 to today)'),
      el('p', { class: 'help timeline-body' }, 'Loading the history…')));
    box.append(textSection(r));
    if (r.interpretations && r.interpretations.length) box.append(interpretationsSection(r.interpretations));
    box.append(el('details', { class: 'trace' }, el('summary', {}, 'How it was decided (the trace)'),
      r.trace ? traceList(r.trace) : el('p', { class: 'help trace-body' }, 'Loading the trace…')));
    if (r.notes && r.notes.length) {
      box.append(el('details', {}, el('summary', {}, `Notes (${r.notes.length})`),
        el('ul', {}, r.notes.map((n) => el('li', {}, n)))));
    }
    if (r.sources && r.sources.length) box.append(el('h3', {}, 'Sources'), sourcesList(r.sources));
    return box;
  }

  function textSection(r) {
    const box = el('section', { class: 'text' });
    const version = r.version_label ? ` (${r.version_label})` : '';
    box.append(el('h3', {}, `The text${version}`));
    const unverified = !r.text.verified || (r.unverified && r.unverified.length);
    if (unverified) {
      box.append(el('p', { class: 'unverified' }, el('strong', {}, 'unverified: '),
        r.unverified && r.unverified.length ? r.unverified.join('; ') : 'this text has not been checked against a primary source.'));
    }
    box.append(el('blockquote', { class: r.text.verified ? '' : 'is-unverified' }, r.text.article));
    if (r.text.scope) box.append(el('p', { class: 'help' }, 'Scope:'), el('blockquote', {}, r.text.scope));
    return box;
  }

  function interpretationsSection(terms) {
    return el('section', { class: 'interp' }, el('h3', {}, 'Contested terms'), terms.map((t) => el('div', {},
      el('h4', {}, `“${t.term}”`),
      el('p', { class: 'help' }, t.question),
      el('ul', {}, t.readings.map((reading) => el('li', {},
        el('strong', {}, reading.label), ' → ', verdictBadge(reading.verdict),
        reading.summary ? `: ${reading.summary}` : '',
        reading.sources && reading.sources.length ? el('span', { class: 'help' }, ` [${reading.sources.join(', ')}]`) : ''))))));
  }

  function sourcesList(sources) {
    return el('ul', { class: 'sources' }, sources.map((s) => el('li', {},
      s.url ? el('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank' }, s.title) : s.title,
      s.quality ? el('span', { class: 'help' }, ` (${s.quality})`) : '')));
  }

  const RESULT_MARK = { yes: '✓', no: '✗', unknown: '?', applies: '✓', 'does-not-apply': '✗', contested: '?', partial: '◐' };

  function mark(result) {
    return el('span', { class: `res res-${verdictSlug(result)}` }, `${RESULT_MARK[verdictSlug(result)] || '•'} ${result}`);
  }

  // The trace: each check (membership, in force, scope...) with its evidence; scope checks carry one outcome per
  // combination of readings, each with the tree of clauses it went through.
  function traceList(checks) {
    return el('ul', { class: 'tree' }, (checks || []).map((c) => el('li', {},
      el('strong', {}, c.check), ': ', mark(c.result), c.evidence ? ` — ${c.evidence}` : '',
      c.outcomes && c.outcomes.length ? el('ul', {}, c.outcomes.map(outcomeItem)) : '')));
  }

  function outcomeItem(o) {
    const readings = Object.entries(o.readings || {});
    const under = readings.length ? `Reading ${readings.map(([t, r]) => readingLabel(t, r)).join(' and ')}` : 'Under every reading';
    const share = typeof o.covered_share === 'number' ? `, ${percent(o.covered_share)} covered` : '';
    const unknown = o.unknown && o.unknown.length ? ` (unknown: ${o.unknown.join(', ')})` : '';
    return el('li', {}, `${under}: `, mark(o.result), share, unknown, o.trace ? el('ul', {}, traceNode(o.trace)) : '');
  }

  function traceNode(node) {
    return el('li', { class: node.skipped ? 'skipped' : '' },
      mark(node.result), ' ', node.clause,
      node.skipped ? el('span', { class: 'help' }, ' (not needed)') : '',
      node.evidence ? ` — ${node.evidence}` : '',
      node.quote ? el('div', {}, el('q', {}, node.quote)) : '',
      node.note ? el('div', { class: 'help' }, node.note) : '',
      node.checks && node.checks.length ? el('ul', {}, node.checks.map(traceNode)) : '');
  }

  // ---------------------------------------------------------------- an opened row: trace, nearest covered place

  let nearestSeq = 0;

  // The opened row's full answer (the click's was brief): its trace and, where the article does not apply, the
  // nearest covered place, drawn on the map.
  async function showDetail(row, cell) {
    const seq = ++nearestSeq;
    const target = rowTarget(row);
    const outside = verdictSlug(row.verdict) === 'does-not-apply';
    const spot = cell.querySelector('.nearest');
    layers.nearest.clearLayers();
    setBusy('nearest', outside ? 'Looking for the nearest covered place…' : 'Loading the trace…');
    try {
      const doc = await fetchCheck({ treaty: [row.treaty], target: [target], nearest: outside });
      if (seq !== nearestSeq) return;
      const r = doc.results.find((x) => x.article === row.article && x.target === target) || doc.results[0];
      const traceBody = cell.querySelector('.trace-body');
      if (traceBody && r) traceBody.replaceWith(traceList(r.trace));
      if (!outside || !spot) return;
      const near = r && r.nearest_covered;
      if (!near) {
        spot.textContent = 'No covered place found for this target on this date.';
        return;
      }
      spot.textContent = '';
      spot.append(el('strong', {}, 'nearest covered: '),
        `${near.name}, ${km(near.km)}${near.clause ? ` (${near.clause})` : ''}`,
        near.all_readings === false ? ' — under some readings only' : '');
      spot.dataset.lat = near.lat;
      spot.dataset.lon = near.lon;
      const from = placeAnchor();
      const to = [near.lat, near.lon];
      L.circleMarker(to, { pane: 'lines', radius: 7, color: '#000', weight: 2, fillColor: '#0072B2', fillOpacity: 1 })
        .bindTooltip(el('span', {}, `nearest covered: ${near.name}`), { direction: 'top' })
        .addTo(layers.nearest);
      if (from) {
        L.polyline([from, to], { pane: 'lines', color: '#000', weight: 1.5, dashArray: '6 6', interactive: false })
          .addTo(layers.nearest);
      }
    } catch (err) {
      if (seq !== nearestSeq) return;
      if (spot) spot.textContent = 'The nearest covered place could not be found.';
      showError(err);
    } finally {
      if (seq === nearestSeq) setBusy('nearest', null);
    }
  }

  // ---------------------------------------------------------------- an opened row: its verdict over time

  let timelineSeq = 0;

  // The opened row's article from 1945 to today (or to the date asked, were it later): the server's intervals, each
  // with what changed on its first day.
  function offerTimeline(row, cell) {
    const body = cell.querySelector('.timeline-body');
    const ask = el('button', { type: 'button', class: 'small load-history' }, 'Load the history of this shape');
    ask.addEventListener('click', () => {
      body.textContent = 'Loading the history…';
      showTimeline(row, cell);
    });
    body.textContent = '';
    body.append('A drawn shape’s history takes a while to work out. ', ask);
  }

  async function showTimeline(row, cell) {
    const seq = ++timelineSeq;
    const section = cell.querySelector('.timeline');
    const target = rowTarget(row);
    const to = state.date > meta.today ? state.date : meta.today;
    // The row's targets answer alike on the date asked, not always before it (NATO covered vessels in the North
    // Atlantic from 1949, forces there only from 1952): say which one the history is of.
    if (rowTargets(row).length > 1) section.querySelector('h3').after(el('p', { class: 'help' }, `Shown for ${target}.`));
    setBusy('timeline', 'Loading the history…');
    try {
      const doc = await askAboutPlace('/api/timeline', { treaty: [row.treaty], target: [target], to });
      if (seq !== timelineSeq) return;
      const timeline = doc.timelines.find((t) => t.article === row.article) || doc.timelines[0];
      const body = section.querySelector('.timeline-body');
      body.replaceWith(timeline
        ? el('div', { class: 'timeline-body' }, timelineBar(timeline.intervals, doc.from, doc.to), intervalList(timeline.intervals))
        : el('p', { class: 'help timeline-body' }, 'No history for this article here.'));
      section.dataset.state = 'done';
    } catch (err) {
      if (seq !== timelineSeq) return;
      section.querySelector('.timeline-body').textContent = 'The history could not be loaded (see the message above).';
      section.dataset.state = 'error';
      showError(err);
    } finally {
      if (seq === timelineSeq) setBusy('timeline', null);
    }
  }

  // Days since 1970 of a YYYY-MM-DD day: the bar's lengths are in days (UTC, so no day is 23 or 25 hours long).
  function dayNumber(iso) {
    const [y, m, d] = iso.split('-').map(Number);
    return Date.UTC(y, m - 1, d) / 86400000;
  }

  // The intervals at a glance: a segment per interval, as long as its days, coloured as its verdict's badge, with
  // a mark at the date asked. Hidden from screen readers: the list below says the same in words.
  function timelineBar(intervals, from, to) {
    const first = dayNumber(from);
    const span = dayNumber(to) - first + 1;
    const bar = el('div', { class: 'tl-bar' }, intervals.map((i) => {
      const slug = verdictSlug(i.verdict);
      const segment = el('span', { class: `tl-seg v-${slug}`, title: `${i.first_day} – ${i.last_day}: ${verdictWords(slug, i.verdict)}` });
      segment.style.flexGrow = String(dayNumber(i.last_day) - dayNumber(i.first_day) + 1); // CSSOM: allowed by the CSP
      return segment;
    }));
    if (state.date >= from && state.date <= to) {
      const at = el('span', { class: 'tl-now', title: state.date });
      at.style.left = `${((dayNumber(state.date) - first + 0.5) / span) * 100}%`;
      bar.append(at);
    }
    return el('div', { class: 'tl-figure', 'aria-hidden': 'true' }, bar,
      el('div', { class: 'tl-years' }, el('span', {}, from.slice(0, 4)), el('span', {}, to.slice(0, 4))));
  }

  function intervalList(intervals) {
    return el('ol', { class: 'tl-list' }, intervals.map(intervalItem));
  }

  function intervalItem(i) {
    const slug = verdictSlug(i.verdict);
    const asked = state.date >= i.first_day && state.date <= i.last_day;
    // The date control starts later than the history (the first interval begins in 1945): ask on its first day
    // where the interval reaches that far, and not at all where it ends before.
    const day = i.first_day < ui.date.min ? ui.date.min : i.first_day;
    const show = i.last_day < ui.date.min
      ? el('span', { class: 'help' }, `(before ${ui.date.min}, the first day the page asks about)`)
      : el('button', { type: 'button', class: 'small show-day', 'data-day': day }, `Show on ${day}`);
    if (i.last_day >= ui.date.min) show.addEventListener('click', () => showDay(day));
    return el('li', { class: asked ? 'is-asked' : '', 'data-first': i.first_day, 'data-last': i.last_day, 'data-verdict': slug },
      el('span', { class: 'tl-days' }, `${i.first_day} – ${i.last_day}: `), verdictBadge(slug), ` — ${i.explanation}`,
      asked ? [' ', el('span', { class: 'tag' }, 'the date asked')] : '',
      i.changes.length ? el('ul', { class: 'tl-changes', 'aria-label': `What changed on ${i.first_day}` },
        i.changes.map((c) => el('li', {}, c.text))) : '',
      el('div', {}, show));
  }

  // ---------------------------------------------------------------- who is bound to act

  let boundSeq = 0;
  let boundAsked = ''; // the question the shown list answers ('' : none shown)

  // What who-is-bound depends on: the place (as asked, not the coordinates a named place is found at), the date,
  // the target, the party, the what-ifs and the readings.
  function boundQuestion() {
    const place = state.place;
    const where = place.kind === 'geometry' ? encodeGeometry(place.geometry)
      : place.kind === 'point' ? `${place.lat},${place.lon}` : place.name;
    return JSON.stringify([where, state.date, state.target, state.party, state.assume, state.readings]);
  }

  // Called whenever the question may have changed: asked again only while the section is open (it is fetched when
  // opened), and only when the question did change.
  function refreshBound() {
    ui.boundTitle.textContent = `Who is bound to act if ${state.target} is attacked`;
    ui.bound.hidden = !state.place;
    if (!state.place) {
      boundSeq += 1;
      boundAsked = '';
      ui.boundBox.textContent = '';
      setBusy('bound', null);
      return;
    }
    const question = boundQuestion();
    if (!ui.bound.open || question === boundAsked) return;
    loadBound(question);
  }

  async function loadBound(question) {
    const seq = ++boundSeq;
    boundAsked = question;
    ui.bound.dataset.state = 'loading';
    ui.bound.setAttribute('aria-busy', 'true');
    ui.boundBox.textContent = '';
    ui.boundBox.append(el('p', { class: 'help' }, 'Finding who is bound…'));
    setBusy('bound', 'Finding who is bound…');
    try {
      const doc = await askAboutPlace('/api/obligations', { date: state.date, target: [state.target] });
      if (seq !== boundSeq) return;
      ui.boundBox.textContent = '';
      ui.boundBox.append(boundView(doc));
      ui.bound.dataset.state = 'done';
    } catch (err) {
      if (seq !== boundSeq) return;
      boundAsked = ''; // asked again when reopened
      ui.boundBox.textContent = '';
      ui.boundBox.append(el('p', { class: 'error' }, 'Who is bound could not be found (see the message above).'));
      ui.bound.dataset.state = 'error';
      showError(err);
    } finally {
      if (seq === boundSeq) {
        ui.bound.setAttribute('aria-busy', 'false');
        setBusy('bound', null);
      }
    }
  }

  function boundView(doc) {
    const box = el('div', { class: 'detail-box' },
      el('p', { class: 'headline' }, doc.question),
      el('p', {}, doc.summary));
    if (doc.bound.length) box.append(boundTable(doc));
    if (doc.notes.length) box.append(el('ul', { class: 'notes' }, doc.notes.map((n) => el('li', {}, n))));
    if (doc.suspended.length) {
      box.append(el('h3', {}, 'Suspended'), el('ul', { class: 'suspended' }, doc.suspended.map((s) => el('li', {}, s.text))));
    }
    const binding = doc.articles.filter((a) => a.binding);
    if (binding.length) box.append(el('h3', {}, 'What each article obliges'), ...binding.map(articleObliges));
    return box;
  }

  function boundTable(doc) {
    return el('table', { class: 'answer-table bound-table' },
      el('caption', {}, `States bound to assist, on ${doc.date}`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'State'), el('th', { scope: 'col' }, 'Bound by'))),
      el('tbody', {}, doc.bound.map((b) => el('tr', { 'data-state': b.state },
        el('th', { scope: 'row' }, b.name, b.assumed ? [' ', el('span', { class: 'tag whatif' }, 'what-if')] : ''),
        el('td', {}, el('ul', { class: 'duties' }, b.duties.map(dutyItem)))))));
  }

  // A duty that is not certain (contested, partial, or owed only if the place is one state's territory) is
  // marked, with the server's sentence on why below it.
  function dutyItem(d) {
    return el('li', { 'data-treaty': d.treaty, 'data-article': d.article },
      d.text,
      d.certain ? '' : [' ', el('span', { class: 'tag uncertain', title: 'not certain' }, '?')],
      !d.certain && d.why ? el('p', { class: 'help' }, d.why) : '');
  }

  function articleObliges(a) {
    const o = a.obligation;
    return el('section', { class: 'obliges', 'data-treaty': a.treaty, 'data-article': a.article },
      el('h4', {}, a.title),
      o ? [
        el('p', {}, o.meaning),
        el('blockquote', { class: a.verified ? '' : 'is-unverified' }, el('q', {}, o.words),
          a.verified ? '' : el('span', { class: 'unverified' }, ' (wording not verified)')),
        o.translation ? el('p', { class: 'help' }, 'Translation: ', el('q', {}, o.translation)) : '',
        o.note ? el('p', { class: 'help' }, o.note) : '',
      ] : el('p', { class: 'help' }, a.explanation));
  }

  // ---------------------------------------------------------------- drawing a line or an area

  const draw = { mode: null, points: [], preview: null };

  function startDraw(mode) {
    cancelDraw();
    draw.mode = mode;
    draw.points = [];
    const style = { pane: 'lines', color: '#000', weight: 2, dashArray: '4 4', fillOpacity: 0.1, interactive: false };
    draw.preview = (mode === 'area' ? L.polygon([], style) : L.polyline([], style)).addTo(map);
    map.getContainer().classList.add('drawing');
    syncDrawButtons();
  }

  function addVertex(latlng) {
    draw.points.push([round(latlng.lat), round(latlng.lng)]);
    draw.preview.setLatLngs(draw.points);
    ui.drawFinish.disabled = draw.points.length < (draw.mode === 'area' ? 3 : 2);
  }

  function onMapDoubleClick(e) {
    if (!draw.mode) return;
    L.DomEvent.stop(e);
    finishDraw();
  }

  function finishDraw() {
    // A double click also sends two clicks at one spot: drop repeated vertices.
    const points = draw.points.filter((p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1]);
    const need = draw.mode === 'area' ? 3 : 2;
    if (points.length < need) {
      showError(new ApiError(`a ${draw.mode === 'area' ? 'area needs 3' : 'line needs 2'} points or more`));
      return;
    }
    const ring = points.map(([lat, lon]) => [lon, lat]);
    const geometry = draw.mode === 'area'
      ? { type: 'Polygon', coordinates: [[...ring, ring[0]]] }
      : { type: 'LineString', coordinates: ring };
    cancelDraw();
    setPlace({ kind: 'geometry', geometry });
  }

  function cancelDraw() {
    if (draw.preview) map.removeLayer(draw.preview);
    draw.mode = null;
    draw.points = [];
    draw.preview = null;
    map.getContainer().classList.remove('drawing');
    syncDrawButtons();
  }

  function syncDrawButtons() {
    ui.drawLine.setAttribute('aria-pressed', String(draw.mode === 'line'));
    ui.drawArea.setAttribute('aria-pressed', String(draw.mode === 'area'));
    ui.drawFinish.disabled = true;
    ui.drawCancel.disabled = !draw.mode;
    ui.drawHelp.hidden = !draw.mode;
  }

  // ---------------------------------------------------------------- the URL

  // geometry as "a:lon,lat;lon,lat;..." (area, ring not closed) or "l:..." (line), four decimals.
  function encodeGeometry(g) {
    const coords = g.type === 'Polygon' ? g.coordinates[0].slice(0, -1) : g.coordinates;
    return `${g.type === 'Polygon' ? 'a' : 'l'}:${coords.map((c) => c.join(',')).join(';')}`;
  }

  function decodeGeometry(text) {
    const m = /^([al]):(.+)$/.exec(text);
    if (!m) return null;
    const coords = m[2].split(';').map((pair) => pair.split(',').map(Number));
    if (coords.some((c) => c.length !== 2 || c.some((v) => !Number.isFinite(v)))) return null;
    return m[1] === 'a'
      ? { type: 'Polygon', coordinates: [[...coords, coords[0]]] }
      : { type: 'LineString', coordinates: coords };
  }

  function writeHash() {
    if (!meta) return;
    const p = new URLSearchParams();
    const place = state.place;
    if (place && place.kind === 'point') p.set('at', `${place.lat},${place.lon}`);
    if (place && place.kind === 'location') p.set('place', place.name);
    if (place && place.kind === 'geometry') p.set('geom', encodeGeometry(place.geometry));
    if (state.date !== meta.today) p.set('date', state.date);
    p.set('art', state.article || 'none');
    p.set('target', state.target);
    if (state.only) p.set('only', '1');
    if (state.party) p.set('party', state.party);
    if (state.assume.length) p.set('assume', state.assume.join(','));
    for (const [term, reading] of Object.entries(state.readings)) p.append('read', `${term}=${reading}`);
    const c = map.getCenter();
    p.set('map', `${c.lat.toFixed(3)},${c.lng.toFixed(3)},${map.getZoom()}`);
    if (state.open) p.set('open', state.open);
    if (ui.bound.open) p.set('bound', '1');
    lastHash = `#${p.toString()}`;
    if (location.hash !== lastHash) history.replaceState(null, '', lastHash);
  }

  function readHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ''));
    const at = (p.get('at') || '').split(',').filter((x) => x.trim() !== '').map(Number);
    state.place = null;
    if (at.length === 2 && at.every(Number.isFinite)) state.place = { kind: 'point', lat: at[0], lon: at[1] };
    else if (p.get('place')) state.place = { kind: 'location', name: p.get('place') };
    else if (p.get('geom')) {
      const geometry = decodeGeometry(p.get('geom'));
      if (geometry) state.place = { kind: 'geometry', geometry };
    }
    const date = p.get('date') || '';
    state.date = /^\d{4}-\d{2}-\d{2}$/.test(date) && date >= FIRST_DAY && date <= meta.today ? date : meta.today;
    const art = p.get('art');
    state.article = art === 'none' ? '' : art && treatyOf(art) ? art : defaultArticle();
    state.target = meta.targets.includes(p.get('target')) ? p.get('target') : 'territory';
    state.only = p.get('only') === '1' && Boolean(treatyOf(state.article));
    state.party = p.get('party') || '';
    state.assume = splitList(p.get('assume') || '');
    state.readings = {};
    for (const pair of p.getAll('read')) {
      const [term, reading] = pair.split('=');
      if (term && reading) state.readings[term] = reading;
    }
    state.open = p.get('open') || '';
    ui.bound.open = p.get('bound') === '1';
    const view = (p.get('map') || '').split(',').map(Number);
    return view.length === 3 && view.every(Number.isFinite) ? view : null;
  }

  function defaultArticle() {
    const nato = meta.treaties.find((t) => t.id === 'nato') || meta.treaties[0];
    return nato && nato.articles.length ? nato.articles[0].id : '';
  }

  function splitList(text) {
    return text.split(',').map((s) => s.trim()).filter(Boolean);
  }

  // ---------------------------------------------------------------- controls

  function fillControls() {
    ui.date.min = meta.first_day || FIRST_DAY;
    ui.date.max = meta.today;
    ui.treaty.textContent = '';
    ui.treaty.append(el('option', { value: '' }, '(none)'));
    for (const t of meta.treaties) {
      for (const a of t.articles) {
        const years = `${t.in_force.slice(0, 4)}–${t.ended ? t.ended.slice(0, 4) : ''}`;
        ui.treaty.append(el('option', { value: a.id }, `${a.label} (${years})`));
      }
    }
    ui.target.textContent = '';
    for (const target of meta.targets) ui.target.append(el('option', { value: target }, target));
    ui.interpretations.querySelectorAll('.field').forEach((n) => n.remove());
    for (const term of meta.interpretations) {
      const id = `read-${term.id}`;
      const select = el('select', { id, 'data-term': term.id, 'aria-describedby': `${id}-q` },
        el('option', { value: '' }, 'all readings (contested shown)'),
        term.readings.map((r) => el('option', { value: r.id, title: r.summary || '' }, r.label)));
      select.addEventListener('change', () => {
        if (select.value) state.readings[term.id] = select.value;
        else delete state.readings[term.id];
        questionChanged();
      });
      ui.interpretations.append(el('div', { class: 'field' },
        el('label', { for: id }, `“${term.term}”`), select, el('p', { id: `${id}-q`, class: 'help' }, term.question)));
    }
    ui.version.textContent = `treatyscope ${meta.version}`;
  }

  function showState() {
    ui.date.value = state.date;
    ui.treaty.value = state.article;
    ui.target.value = state.target;
    ui.only.checked = state.only;
    ui.party.value = state.party;
    ui.assume.value = state.assume.join(', ');
    for (const select of ui.interpretations.querySelectorAll('select[data-term]')) {
      select.value = state.readings[select.dataset.term] || '';
    }
  }

  function setPlace(place) {
    state.place = place;
    state.open = '';
    clearError();
    drawPlace();
    writeHash();
    runCheck();
  }

  // The date, party, what-ifs or readings changed: both the answer and the overlay depend on them.
  function questionChanged() {
    writeHash();
    runCheck();
    drawArea();
  }

  let dateTimer = null;
  let refocusOpenRow = false;

  // A day picked in a row's history: the date control shows it and the answer is asked at once (one click, one
  // question: no wait as for the arrow keys). The table is redrawn, the clicked button with it: the focus goes to
  // the reopened row's button.
  function showDay(day) {
    clearTimeout(dateTimer);
    ui.date.value = day;
    state.date = day;
    refocusOpenRow = true;
    questionChanged();
  }

  function bindControls() {
    ui.date.addEventListener('change', () => {
      const value = ui.date.value;
      if (!value || value < ui.date.min || value > ui.date.max) {
        showError(new ApiError(`the date must be between ${ui.date.min} and ${ui.date.max}`));
        return;
      }
      state.date = value;
      writeHash();
      // Stepping through days with the arrow keys asks once, for the day it stops on: each overlay takes the
      // server seconds the first time, and it answers one request at a time.
      clearTimeout(dateTimer);
      dateTimer = setTimeout(() => {
        runCheck();
        drawArea();
      }, 500);
    });
    ui.treaty.addEventListener('change', () => {
      state.article = ui.treaty.value;
      if (!treatyOf(state.article)) state.only = ui.only.checked = false;
      writeHash();
      drawArea();
      if (state.only) runCheck();
    });
    ui.target.addEventListener('change', () => {
      state.target = ui.target.value;
      writeHash();
      drawArea();
      refreshBound(); // who is bound depends on what is attacked, the table (all targets) does not
      if (state.only) runCheck();
    });
    ui.bound.addEventListener('toggle', () => {
      writeHash();
      refreshBound();
    });
    ui.only.addEventListener('change', () => {
      state.only = ui.only.checked && Boolean(treatyOf(state.article));
      ui.only.checked = state.only;
      writeHash();
      runCheck();
    });
    const applyText = () => {
      const party = ui.party.value.trim();
      const assume = splitList(ui.assume.value);
      if (party === state.party && assume.join(',') === state.assume.join(',')) return;
      state.party = party;
      state.assume = assume;
      questionChanged();
    };
    ui.party.addEventListener('change', applyText);
    ui.assume.addEventListener('change', applyText);
    ui.apply.addEventListener('click', () => {
      applyText();
      runCheck();
    });
    ui.drawLine.addEventListener('click', () => (draw.mode === 'line' ? cancelDraw() : startDraw('line')));
    ui.drawArea.addEventListener('click', () => (draw.mode === 'area' ? cancelDraw() : startDraw('area')));
    ui.drawFinish.addEventListener('click', finishDraw);
    ui.drawCancel.addEventListener('click', cancelDraw);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && draw.mode) cancelDraw();
    });
    ui.copyLink.addEventListener('click', copyLink);
    ui.downloadJson.addEventListener('click', downloadJson);
    ui.downloadMd.addEventListener('click', downloadMarkdown);
    bindSearch();
    window.addEventListener('hashchange', () => {
      if (location.hash !== lastHash) restore();
    });
  }

  function bindSearch() {
    const lookUp = debounce(async (q) => {
      try {
        const items = await api('/api/suggest', new URLSearchParams({ q, limit: '8' }));
        if (ui.search.value.trim() !== q) return;
        suggestions = items;
        ui.suggestions.textContent = '';
        for (const s of items) ui.suggestions.append(el('option', { value: s.label }));
      } catch (err) {
        showError(err);
      }
    }, 150);
    ui.search.addEventListener('input', (e) => {
      const q = ui.search.value.trim();
      // Picking an entry of the datalist replaces the text: take it at once.
      if (e.inputType === 'insertReplacementText' || (!e.inputType && suggestions.some((s) => s.label === q))) {
        choosePlace(q);
        return;
      }
      if (q.length >= 2) lookUp(q);
    });
    ui.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = ui.search.value.trim();
      if (q) choosePlace(q);
    });
  }

  // "LAT, LON" typed in the search box is a point: the keyboard's way to click the map.
  const COORDINATES = /^\s*(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)\s*$/;

  function choosePlace(text) {
    const at = COORDINATES.exec(text);
    if (at && Math.abs(Number(at[1])) <= 90 && Math.abs(Number(at[2])) <= 180) {
      const [lat, lon] = [Number(at[1]), Number(at[2])];
      map.setView([lat, lon], Math.max(map.getZoom(), 3));
      setPlace({ kind: 'point', lat, lon });
      return;
    }
    const s = suggestions.find((x) => x.label === text);
    if (s) {
      map.setView([s.lat, s.lon], Math.max(map.getZoom(), 4));
      setPlace({ kind: 'location', name: s.ref, label: s.label, lat: s.lat, lon: s.lon });
    } else {
      setPlace({ kind: 'location', name: text });
    }
  }

  async function copyLink() {
    writeHash();
    try {
      await navigator.clipboard.writeText(location.href);
      setBusy('copied', 'Link copied.');
    } catch (err) {
      setBusy('copied', `Copy this link: ${location.href}`);
    }
    setTimeout(() => setBusy('copied', null), 4000);
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // The answer in full, traces included (the one on the page is brief).
  async function downloadJson() {
    if (!state.place) return;
    setBusy('json', 'Writing the JSON…');
    try {
      const doc = await fetchCheck({});
      download('treatyscope-check.json', 'application/json', `${JSON.stringify(doc, null, 2)}\n`);
    } catch (err) {
      showError(err);
    } finally {
      setBusy('json', null);
    }
  }

  async function downloadMarkdown() {
    setBusy('markdown', 'Writing the Markdown…');
    try {
      download('treatyscope-check.md', 'text/markdown', await fetchCheck({ format: 'markdown' }));
    } catch (err) {
      showError(err);
    } finally {
      setBusy('markdown', null);
    }
  }

  // Set everything from the URL: used at load and when the hash is edited by hand.
  function restore() {
    cancelDraw();
    const view = readHash();
    showState();
    if (view) map.setView([view[0], view[1]], Math.max(view[2], map.getMinZoom()));
    drawPlace();
    if (state.place) runCheck();
    else {
      refreshBound();
      ui.location.textContent = '';
      ui.summary.textContent = 'Click the map, draw a line or an area, or search for a place.';
      ui.tableBox.textContent = '';
    }
    drawArea();
    writeHash();
  }

  async function start() {
    const ids = ['status', 'answer', 'location', 'table-box', 'answer-summary', 'legend', 'date', 'treaty', 'target',
      'only', 'party', 'assume', 'interpretations', 'apply', 'draw-line', 'draw-area', 'draw-finish', 'draw-cancel',
      'draw-help', 'copy-link', 'download-json', 'download-md', 'search', 'search-form', 'suggestions', 'version',
      'bound', 'bound-title', 'bound-box'];
    for (const id of ids) ui[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
    ui.summary = ui.answerSummary;
    setUpMap();
    const landLoaded = loadCoarseLand(); // needs nothing from meta: both at once
    try {
      meta = await api('/api/meta');
    } catch (err) {
      showError(err);
      return;
    }
    fillControls();
    bindControls();
    restore();
    await landLoaded;
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
