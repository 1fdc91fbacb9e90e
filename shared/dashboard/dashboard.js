// The operations dashboard: plain browser script, no build step. Every data call is signed here with
// the key the operator typed (HMAC-SHA256 through Web Crypto, exactly as the SDKs sign), so the page
// itself is public and the key never leaves the tab.
/* global Chart */
(function () {
  'use strict';

  var API_VERSION = '2023-11-01';
  var KEY_STORAGE = 'jobrouter.dashboard.key';
  var FEED_LENGTH = 60;
  var POLL_MS = 5000;
  var CUMULATIVE_EVERY_MS = 3000;

  var state = { key: null, hmacKey: null, streaming: false, charts: {}, refreshTimer: null, lastCumulative: 0, cumulativeTimer: null, stopStream: null };

  var $ = function (id) { return document.getElementById(id); };
  var encoder = new TextEncoder();

  function base64(bytes) {
    var text = '';
    var view = new Uint8Array(bytes);
    for (var i = 0; i < view.length; i++) text += String.fromCharCode(view[i]);
    return btoa(text);
  }

  function fromBase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  async function importKey(key) {
    if (!window.crypto || !window.crypto.subtle) throw new Error('This browser cannot sign requests here: open the dashboard over https, or on 127.0.0.1/localhost.');
    var bytes;
    try { bytes = fromBase64(key.trim()); } catch { throw new Error('That is not a key: a key is base64 text.'); }
    return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  /** The signed headers of one request: the same string to sign as the router's verifier builds. */
  async function signedHeaders(method, pathAndQuery, body) {
    var date = new Date().toUTCString();
    var hash = base64(await crypto.subtle.digest('SHA-256', encoder.encode(body || '')));
    var toSign = method + '\n' + pathAndQuery + '\n' + date + ';' + location.host + ';' + hash;
    var signature = base64(await crypto.subtle.sign('HMAC', state.hmacKey, encoder.encode(toSign)));
    return {
      'x-ms-date': date,
      'x-ms-content-sha256': hash,
      authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=' + signature,
    };
  }

  function target(path, params) {
    var query = new URLSearchParams(params || {});
    query.set('api-version', API_VERSION);
    return path + '?' + query.toString();
  }

  async function call(path, params) {
    var pathAndQuery = target(path, params);
    var response = await fetch(pathAndQuery, { headers: await signedHeaders('GET', pathAndQuery, '') });
    var body = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      var error = new Error((body.communicationError && body.communicationError.message) || ('HTTP ' + response.status));
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function setStatus(mode, text) {
    var status = $('status');
    status.dataset.state = mode;
    status.textContent = text;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 60) return Math.round(seconds) + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
    return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
  }

  function percent(share) {
    return share === null || share === undefined ? '–' : Math.round(share * 1000) / 10 + ' %';
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function today() {
    var midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    return { from: midnight.toISOString(), to: new Date(Date.now() + 60000).toISOString() };
  }

  var queueToday = {};

  function renderRealTime(figures) {
    $('tile-waiting').textContent = String(figures.router.waiting);
    $('tile-longest').textContent = duration(figures.router.longestWaitSeconds);
    $('tile-active').textContent = String(figures.router.workersByState.active);
    var queues = $('queues').tBodies[0];
    queues.textContent = '';
    figures.queues.forEach(function (queue) {
      var row = queues.insertRow();
      row.dataset.queueId = queue.queueId;
      cell(row, queue.queueId);
      cell(row, String(queue.waiting), 'num waiting').dataset.testid = 'waiting';
      cell(row, duration(queue.longestWaitSeconds), 'num');
      cell(row, duration(queue.meanWaitSeconds), 'num');
      var day = queueToday[queue.queueId];
      cell(row, day ? percent(day.serviceLevel.share) : '–', 'num');
      cell(row, day ? duration(day.waitUntilAssigned.meanSeconds) : '–', 'num');
    });
    var workers = $('workers').tBodies[0];
    workers.textContent = '';
    figures.workers.forEach(function (worker) {
      var row = workers.insertRow();
      row.dataset.workerId = worker.workerId;
      cell(row, worker.workerId);
      cell(row, worker.state, 'state-' + worker.state);
      cell(row, Math.round(worker.loadRatio * 100) + ' %', 'num');
      cell(row, String(worker.offers), 'num');
      cell(row, String(worker.assignments), 'num');
      cell(row, duration(worker.secondsInState), 'num');
    });
    state.lastRealTime = figures;
  }

  function chart(id, label, color, type) {
    var existing = state.charts[id];
    if (existing) return existing;
    state.charts[id] = new Chart($(id), {
      type: type || 'line',
      data: { labels: [], datasets: [{ label: label, data: [], borderColor: color, backgroundColor: color, tension: 0.25, spanGaps: true }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { color: '#94a3b8', maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: { color: '#94a3b8' } } },
      },
    });
    return state.charts[id];
  }

  function plot(id, label, color, labels, values, type) {
    var c = chart(id, label, color, type);
    c.data.labels = labels;
    c.data.datasets[0].data = values;
    c.update();
  }

  function renderCumulative(day) {
    $('tile-sl').textContent = percent(day.total.serviceLevel.share);
    $('tile-meanwait').textContent = duration(day.total.waitUntilAssigned.meanSeconds);
    $('tile-abandoned').textContent = String(day.total.jobs.abandoned);
    // Today's figures trail the events (a few seconds; on Azure up to the last event sweep): say how far they go.
    $('projected-through').textContent = day.projectedThrough
      ? "Today's figures count the events up to " + new Date(day.projectedThrough).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) + '; the queues, workers and waiting jobs are live.'
      : "Today's figures count no events yet; the queues, workers and waiting jobs are live.";
    var buckets = day.buckets || [];
    var labels = buckets.map(function (b) { return new Date(b.from).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); });
    plot('chart-arrivals', 'jobs received', '#38bdf8', labels, buckets.map(function (b) { return b.jobs.received; }), 'bar');
    plot('chart-sl', 'service level %', '#22c55e', labels, buckets.map(function (b) { return b.serviceLevel.share === null ? null : Math.round(b.serviceLevel.share * 1000) / 10; }));
    plot('chart-wait', 'mean wait (s)', '#f59e0b', labels, buckets.map(function (b) { return b.waitUntilAssigned.meanSeconds; }));
    plot('chart-abandoned', 'abandoned', '#ef4444', labels, buckets.map(function (b) { return b.jobs.abandoned; }), 'bar');
  }

  async function refreshRealTime() {
    renderRealTime(await call('/routing/statistics/realTime'));
  }

  async function refreshCumulative() {
    state.lastCumulative = Date.now();
    var window = today();
    var day = await call('/routing/statistics/cumulative', { from: window.from, to: window.to, bucketMinutes: '15' });
    renderCumulative(day);
    var queues = (state.lastRealTime && state.lastRealTime.queues) || [];
    await Promise.all(queues.map(async function (queue) {
      queueToday[queue.queueId] = (await call('/routing/statistics/cumulative', { queueId: queue.queueId, from: window.from, to: window.to })).total;
    }));
    if (state.lastRealTime) renderRealTime(state.lastRealTime);
  }

  function failed(error) {
    if (error && error.status === 401) return signOut('The router refused the key: ' + error.message);
    setStatus('error', 'error: ' + (error && error.message));
  }

  /** Real-time figures follow each event at once; cumulative ones at most every few seconds. */
  function scheduleRefresh() {
    if (state.refreshTimer) return;
    state.refreshTimer = setTimeout(function () {
      state.refreshTimer = null;
      refreshRealTime().catch(failed);
    }, 100);
    if (state.cumulativeTimer) return;
    var wait = Math.max(0, CUMULATIVE_EVERY_MS - (Date.now() - state.lastCumulative));
    state.cumulativeTimer = setTimeout(function () {
      state.cumulativeTimer = null;
      refreshCumulative().catch(failed);
    }, wait);
  }

  function addToFeed(envelope) {
    var feed = $('feed');
    var item = document.createElement('li');
    var time = document.createElement('time');
    time.textContent = new Date(envelope.eventTime).toLocaleTimeString();
    item.appendChild(time);
    item.appendChild(document.createTextNode(envelope.eventType.replace('Microsoft.Communication.', '') + '  ' + envelope.subject));
    feed.insertBefore(item, feed.firstChild);
    while (feed.children.length > FEED_LENGTH) feed.removeChild(feed.lastChild);
  }

  /** The live stream, read with fetch (EventSource cannot send the signature headers). */
  async function stream() {
    var pathAndQuery = target('/routing/events:stream');
    var controller = new AbortController();
    state.stopStream = function () { controller.abort(); };
    var response = await fetch(pathAndQuery, { headers: await signedHeaders('GET', pathAndQuery, ''), signal: controller.signal });
    if (response.status === 501) return false;
    if (!response.ok || !response.body) throw Object.assign(new Error('event stream: HTTP ' + response.status), { status: response.status });
    setStatus('live', 'live');
    $('feed-mode').textContent = '(live stream)';
    // Cumulative figures include an event a few seconds after it (the projector lets the history settle):
    // a slow refresh picks up what the last event's refresh was too early for.
    var slow = setInterval(function () { refreshCumulative().catch(failed); }, 10000);
    controller.signal.addEventListener('abort', function () { clearInterval(slow); });
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) {
        clearInterval(slow);
        return true;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      var end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        var message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        var data = message.split('\n').filter(function (line) { return line.indexOf('data: ') === 0; }).map(function (line) { return line.slice(6); }).join('\n');
        if (!data) continue;
        addToFeed(JSON.parse(data));
        scheduleRefresh();
      }
    }
  }

  /** Streams while the host can; where it cannot (Azure Functions) polls, with recent events from the history. */
  async function follow() {
    for (;;) {
      if (!state.key) return;
      try {
        if (!(await stream())) return poll();
      } catch (error) {
        if (!state.key || (error && error.name === 'AbortError')) return;
        if (error && error.status === 401) return failed(error);
        setStatus('error', 'stream lost; reconnecting');
      }
      await new Promise(function (resolve) { setTimeout(resolve, 3000); });
    }
  }

  var seen = {};
  async function poll() {
    setStatus('polling', 'polling every ' + POLL_MS / 1000 + ' s');
    $('feed-mode').textContent = '(recent history: this host has no live stream)';
    // The history lists oldest first: ask only for what happened since the last look (a minute back at first).
    var since = new Date(Date.now() - 60000).toISOString();
    while (state.key) {
      try {
        await refreshRealTime();
        await refreshCumulative();
        var page = await call('/routing/events', { since: since, maxpagesize: '100' });
        (page.value || []).forEach(function (event) {
          if (seen[event.id]) return;
          seen[event.id] = true;
          addToFeed(event);
          if (event.eventTime > since) since = event.eventTime;
        });
      } catch (error) {
        failed(error);
      }
      await new Promise(function (resolve) { setTimeout(resolve, POLL_MS); });
    }
  }

  function signOut(message) {
    state.key = null;
    state.hmacKey = null;
    if (state.stopStream) state.stopStream();
    sessionStorage.removeItem(KEY_STORAGE);
    $('board').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
    setStatus('signed-out', 'signed out');
  }

  async function signIn(key) {
    state.hmacKey = await importKey(key);
    state.key = key;
    await refreshRealTime();
    sessionStorage.setItem(KEY_STORAGE, key);
    $('signin').hidden = true;
    $('board').hidden = false;
    $('signin-error').textContent = '';
    await refreshCumulative();
    void follow();
  }

  $('signin-form').addEventListener('submit', function (event) {
    event.preventDefault();
    signIn($('key').value).catch(function (error) { signOut(error.status === 401 ? 'The router refused the key: ' + error.message : error.message); });
  });

  var saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) signIn(saved).catch(function (error) { signOut(error.message); });
})();
