// The kairos serve dashboard (web/ui/dashboard.html). Plain DOM, no framework; charts with
// vega-embed. Everything it shows comes from the server's own API:
//   GET /v1/model (card), GET /metrics (traffic), GET /v1/items (search),
//   POST /v1/events (the playground's events; the API key is asked for first when the server
//   needs one), POST /v1/recommend and /v1/predict (what the model says after every event).
'use strict';

const state = {
  session: 'ui-' + Math.random().toString(36).slice(2, 10),
  events: 0,
  key: sessionStorage.getItem('kairos-api-key') || '',
  needKey: false,
  interest: false,
  pending: null,  // the event waiting for the API key
  refreshes: 0,   // completed refreshes of the recommendations (tests wait on it)
};
window.kairos = state;

const $ = (id) => document.getElementById(id);

function text(tag, content, cls) {
  const e = document.createElement(tag);
  e.textContent = content;
  if (cls) e.className = cls;
  return e;
}

function showError(message) {
  $('error').textContent = message || '';
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.key && method !== 'GET') headers['X-API-Key'] = state.key;
  const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const isJson = (res.headers.get('content-type') || '').includes('json');
  const payload = isJson ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error((payload && payload.error) || res.statusText);
    err.status = res.status;
    throw err;
  }
  return payload;
}

// ---- model card ----
function row(table, name, value) {
  const tr = document.createElement('tr');
  tr.append(text('th', name), text('td', value));
  table.append(tr);
}

async function loadCard() {
  const card = await api('GET', '/v1/model');
  state.needKey = card.writes_need_key;
  state.interest = card.interest !== null;
  $('model-line').textContent = `${card.model} · version ${card.version} · ${card.num_items} items`;
  const t = $('model-card');
  t.replaceChildren();
  row(t, 'model', card.model);
  row(t, 'version', String(card.version));
  row(t, 'trained', card.created || '–');
  row(t, 'build', card.git_commit || '–');
  const d = card.dataset || {};
  row(t, 'data fingerprint', d.fingerprint || '–');
  row(t, 'items', String(card.num_items));
  const m = (card.metrics && card.metrics.metrics) || {};
  for (const name of ['HR@20', 'MRR@20', 'NDCG@20', 'Coverage@20']) {
    if (name in m) row(t, name + ' (test)', m[name].toFixed(4));
  }
  if (card.metrics && card.metrics.cases) row(t, 'test cases', String(card.metrics.cases));
  row(t, 'interest model', card.interest ? `${card.interest.model}: ${card.interest.tasks.join(', ')}` : 'none');
  row(t, 'writes', card.writes_need_key ? 'need the API key' : 'open (no key set)');
  $('no-interest').hidden = state.interest;
}

// ---- live traffic ----
const traffic = {last: null, lastTime: 0, start: performance.now(), points: []};

function parseMetrics(body) {
  const out = {};
  for (const line of body.split('\n')) {
    const m = line.match(/^kairos_(requests_total|request_duration_seconds_sum|request_duration_seconds_count)\{([^}]*)\} ([0-9.eE+-]+)$/);
    if (!m) continue;
    const route = (m[2].match(/route="([^"]*)"/) || [])[1];
    if (!route) continue;
    const r = out[route] || (out[route] = {requests: 0, sum: 0, count: 0});
    const v = Number(m[3]);
    if (m[1] === 'requests_total') r.requests += v;
    else if (m[1] === 'request_duration_seconds_sum') r.sum += v;
    else r.count += v;
  }
  return out;
}

async function pollMetrics() {
  try {
    const now = performance.now();
    const current = parseMetrics(await api('GET', '/metrics'));
    const tbody = $('traffic').querySelector('tbody');
    tbody.replaceChildren();
    const t = (now - traffic.start) / 1000;
    for (const route of Object.keys(current).sort()) {
      const c = current[route];
      if (c.requests === 0) continue;  // routes nobody called
      const p = traffic.last && traffic.last[route];
      const dt = (now - traffic.lastTime) / 1000;
      const rate = p && dt > 0 ? (c.requests - p.requests) / dt : 0;
      const dc = p ? c.count - p.count : c.count;
      const mean = dc > 0 ? (1000 * (c.sum - (p ? p.sum : 0))) / dc : 0;
      const tr = document.createElement('tr');
      tr.append(text('td', route), text('td', rate.toFixed(1), 'num'), text('td', mean.toFixed(2), 'num'),
                text('td', String(c.requests), 'num'));
      tbody.append(tr);
      if (traffic.last && route !== '/metrics') traffic.points.push({t, route, rate});
    }
    traffic.points = traffic.points.filter((p) => p.t > t - 300);
    traffic.last = current;
    traffic.lastTime = now;
    if (traffic.points.length > 0) {
      await vegaEmbed('#traffic-chart', {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        width: 560, height: 160,
        data: {values: traffic.points},
        mark: {type: 'line', point: true},
        encoding: {
          x: {field: 't', type: 'quantitative', title: 'seconds since this page opened'},
          y: {field: 'rate', type: 'quantitative', title: 'requests / s'},
          color: {field: 'route', type: 'nominal'},
        },
      }, {actions: false, renderer: 'svg'});
    }
  } catch (e) {
    showError('metrics: ' + e.message);
  }
}

// ---- playground ----
async function search() {
  const q = $('search').value.trim();
  try {
    const r = await api('GET', '/v1/items?k=15&q=' + encodeURIComponent(q));
    const ul = $('items');
    ul.replaceChildren();
    for (const it of r.items) {
      const li = document.createElement('li');
      const b = text('button', 'add');
      b.className = 'add';
      b.dataset.item = it.item_id;
      b.addEventListener('click', () => addEvent(it.item_id));
      li.append(b, text('span', ` ${it.item_id} `), text('span', `cat ${it.category || '–'} · seen ${it.count}×`, 'muted'));
      ul.append(li);
    }
    if (r.items.length === 0) ul.append(text('li', 'no item id contains that', 'muted'));
  } catch (e) {
    showError('search: ' + e.message);
  }
}

function askForKey(event) {
  state.pending = event;
  $('key-form').hidden = false;
  $('api-key').focus();
}

async function addEvent(itemId) {
  const event = {
    event_id: `${state.session}-${state.events + 1}`,
    session_id: state.session,
    item_id: itemId,
    type: $('event-type').value,
    ts: Date.now(),
  };
  if (state.needKey && !state.key) return askForKey(event);
  await send(event);
}

async function send(event) {
  try {
    const r = await api('POST', '/v1/events', [event]);
    if (r.accepted !== 1 && !(r.duplicates > 0)) {
      showError('event not accepted: ' + JSON.stringify(r.rejected || r));
      return;
    }
    showError('');
    state.events += 1;
    $('event-count').textContent = String(state.events);
    $('events').append(text('li', `${event.type} ${event.item_id}`));
    await refresh();
  } catch (e) {
    if (e.status === 401) {
      state.key = '';
      sessionStorage.removeItem('kairos-api-key');
      showError('the server refused the key: enter it again');
      return askForKey(event);
    }
    showError('event: ' + e.message);
  }
}

function renderDistribution(table, entries) {
  table.replaceChildren();
  for (const [name, p] of entries) {
    const tr = document.createElement('tr');
    const bar = text('span', '', 'bar');
    bar.style.width = Math.round(120 * p) + 'px';
    const cell = document.createElement('td');
    cell.append(bar);
    tr.append(text('td', name), text('td', (100 * p).toFixed(1) + '%', 'num'), cell);
    table.append(tr);
  }
}

async function refresh() {
  try {
    const r = await api('POST', '/v1/recommend', {session_id: state.session, k: 10, explain: true});
    const ol = $('recs');
    ol.replaceChildren();
    for (const it of r.items) {
      const li = document.createElement('li');
      li.dataset.item = it.item_id;
      li.append(text('strong', it.item_id), text('span', ` cat ${it.category || '–'} · score ${it.score.toFixed(3)}`, 'muted'));
      for (const why of (it.explanation || []).slice(0, 2)) {
        li.append(document.createElement('br'),
                  text('span', `↳ ${why.item_id}: ${why.reason} (${why.weight.toFixed(2)})`, 'why'));
      }
      ol.append(li);
    }
    $('recs-note').textContent = r.fallback ? '(most popular: the session has no known event yet)' : '';
    if (state.interest) {
      const p = await api('POST', '/v1/predict', {session_id: state.session, k: 1});
      $('intent').textContent = p.purchase
        ? `${(100 * p.purchase.probability).toFixed(1)}% (${p.purchase.target})` : '–';
      renderDistribution($('categories'), (p.categories || []).slice(0, 6).map((c) => [c.category, c.probability]));
      renderDistribution($('next-action'), Object.entries(p.next_action || {}));
    }
    state.refreshes += 1;
  } catch (e) {
    showError('recommend: ' + e.message);
  }
}

function newSession() {
  state.session = 'ui-' + Math.random().toString(36).slice(2, 10);
  state.events = 0;
  $('session-id').textContent = state.session;
  $('event-count').textContent = '0';
  $('events').replaceChildren();
  refresh();
}

async function main() {
  $('session-id').textContent = state.session;
  $('new-session').addEventListener('click', newSession);
  $('save-key').addEventListener('click', () => {
    state.key = $('api-key').value;
    sessionStorage.setItem('kairos-api-key', state.key);
    $('key-form').hidden = true;
    const event = state.pending;
    state.pending = null;
    if (event) send(event);
  });
  let timer = null;
  $('search').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  try {
    await loadCard();
  } catch (e) {
    showError('model card: ' + e.message);
  }
  await Promise.all([search(), refresh(), pollMetrics()]);
  setInterval(pollMetrics, 2000);
  document.body.dataset.ready = 'true';
}

main();
