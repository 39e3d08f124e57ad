#include "core/serve/playground.h"

namespace maas::serve {

// The page is kept as one literal so the binary needs no files at run time. The JavaScript only
// uses the same-origin routes listed in playground.h.
std::string_view playground_html() {
  return R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>maas playground</title>
<style>
:root {
  --bg: #f5f6f8; --card: #ffffff; --text: #1d2330; --muted: #5d6675; --line: #dde1e7;
  --accent: #2f6fdf; --accent-soft: #dbe6fb; --bar: #9db7ea; --top: #2f6fdf;
  --ok: #1f9d55; --bad: #c93c37; --warn-bg: #fff4e0; --warn-text: #7a4b00;
  --error-bg: #fdecea; --error-text: #8c1d18;
  --mono: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c; --card: #1d2128; --text: #e6e9ee; --muted: #9aa3b2; --line: #2e343d;
    --accent: #6c9cf0; --accent-soft: #22304a; --bar: #3b5a93; --top: #6c9cf0;
    --warn-bg: #3a2e14; --warn-text: #f3d08a; --error-bg: #3d1e1c; --error-text: #f5b4ae;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
}
header {
  display: flex; align-items: center; gap: 16px; flex-wrap: wrap;
  padding: 14px 24px; background: var(--card); border-bottom: 1px solid var(--line);
}
header h1 { margin: 0; font-size: 19px; font-weight: 650; letter-spacing: 0.2px; }
header h1 span { color: var(--muted); font-weight: 400; }
.chip {
  display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px;
  border: 1px solid var(--line); border-radius: 999px; color: var(--muted); font-size: 13px;
}
.chip::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.chip[data-state="online"]::before { background: var(--ok); }
.chip[data-state="offline"]::before { background: var(--bad); }
header details { margin-left: auto; font-size: 14px; }
header summary { cursor: pointer; color: var(--muted); }
header form { display: flex; gap: 8px; margin-top: 8px; }
main {
  display: grid; grid-template-columns: minmax(240px, 300px) 1fr; gap: 20px;
  max-width: 1180px; margin: 24px auto; padding: 0 24px;
}
.column { display: flex; flex-direction: column; gap: 20px; min-width: 0; }
@media (max-width: 760px) { main { grid-template-columns: 1fr; } }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; }
.card h2 { margin: 0 0 12px; font-size: 15px; font-weight: 650; text-transform: uppercase;
  letter-spacing: 0.6px; color: var(--muted); }
.message { margin: 0 0 12px; padding: 8px 12px; border-radius: 6px; background: var(--warn-bg);
  color: var(--warn-text); font-size: 14px; }
.message:empty { display: none; }
#models { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
#models label {
  display: block; padding: 10px 12px; border: 1px solid var(--line); border-radius: 8px; cursor: pointer;
}
#models input { position: absolute; opacity: 0; }
#models input:checked + label { border-color: var(--accent); background: var(--accent-soft); }
#models input:focus-visible + label { outline: 2px solid var(--accent); outline-offset: 2px; }
.model-name { display: block; font-weight: 600; overflow-wrap: anywhere; }
.model-meta { display: block; color: var(--muted); font-size: 13px; }
input[type="text"], input[type="password"], textarea {
  width: 100%; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--text); font: inherit;
}
textarea { resize: vertical; min-height: 96px; }
input:focus, textarea:focus { outline: 2px solid var(--accent); outline-offset: 0; border-color: transparent; }
button {
  padding: 8px 18px; border: 0; border-radius: 6px; background: var(--accent); color: #fff;
  font: inherit; font-weight: 600; cursor: pointer;
}
button:disabled { opacity: 0.55; cursor: progress; }
.field-label { display: block; margin-bottom: 6px; font-weight: 600; }
.actions { display: flex; align-items: center; gap: 14px; margin: 12px 0 4px; flex-wrap: wrap; }
.hint { color: var(--muted); font-size: 13px; }
#error { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--error-bg);
  color: var(--error-text); overflow-wrap: anywhere; }
#bars { list-style: none; margin: 16px 0 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.bar { display: grid; grid-template-columns: minmax(90px, 30%) 1fr 64px; align-items: center; gap: 12px; }
.bar-label { overflow-wrap: anywhere; }
.bar-track { height: 20px; border-radius: 4px; background: var(--bg); overflow: hidden; }
.bar-fill { display: block; height: 100%; background: var(--bar); border-radius: 4px; min-width: 2px; }
.bar.top .bar-label { font-weight: 650; }
.bar.top .bar-fill { background: var(--top); }
.bar-value { text-align: right; font-family: var(--mono); font-size: 13px; }
details.raw { margin-top: 16px; }
details.raw summary { cursor: pointer; color: var(--muted); font-size: 14px; }
pre { margin: 8px 0 0; padding: 10px; background: var(--bg); border-radius: 6px; overflow: auto;
  font: 12px/1.45 var(--mono); max-height: 240px; }
.stats { display: grid; grid-template-columns: 1fr 1fr; gap: 10px 16px; margin: 0; }
.stats div { min-width: 0; }
.stats dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.4px; }
.stats dd { margin: 0; font: 600 18px/1.3 var(--mono); }
#sparkline { display: block; width: 100%; height: 44px; margin-top: 12px; border-bottom: 1px solid var(--line); }
#sparkline polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
#per-model { width: 100%; margin-top: 12px; border-collapse: collapse; font-size: 13px; }
#per-model th, #per-model td { padding: 4px 0; text-align: right; border-bottom: 1px solid var(--line); }
#per-model th:first-child, #per-model td:first-child { text-align: left; overflow-wrap: anywhere; }
#per-model th { color: var(--muted); font-weight: 500; }
.footnote { margin: 10px 0 0; color: var(--muted); font-size: 12px; }
#metrics-panel[data-state="unavailable"] .stats, #metrics-panel[data-state="unavailable"] #sparkline { opacity: 0.35; }
</style>
</head>
<body data-state="loading">
<header>
  <h1>maas <span>playground</span></h1>
  <span id="server-status" class="chip" data-state="unknown">connecting</span>
  <details id="key-settings">
    <summary>API key</summary>
    <form id="key-form">
      <input id="api-key" type="password" autocomplete="off" placeholder="Bearer token, kept in this tab only">
      <button type="submit">Use</button>
    </form>
  </details>
</header>
<main>
  <div class="column">
    <section class="card" id="models-panel">
      <h2>Models</h2>
      <p id="models-message" class="message" role="status"></p>
      <ul id="models"></ul>
      <form id="manual-model" hidden>
        <label class="field-label" for="model-name">Model name</label>
        <input id="model-name" type="text" spellcheck="false" placeholder="for example: intents">
      </form>
    </section>
    <section class="card" id="metrics-panel" data-state="waiting">
      <h2>Live traffic</h2>
      <p id="metrics-message" class="message" role="status"></p>
      <dl class="stats">
        <div><dt>Requests/s</dt><dd id="metric-rate">&ndash;</dd></div>
        <div><dt>Mean latency</dt><dd id="metric-mean">&ndash;</dd></div>
        <div><dt>p50 latency</dt><dd id="metric-p50">&ndash;</dd></div>
        <div><dt>p99 latency</dt><dd id="metric-p99">&ndash;</dd></div>
      </dl>
      <svg id="sparkline" viewBox="0 0 100 40" preserveAspectRatio="none" aria-label="Requests per second, last two minutes">
        <polyline id="sparkline-line" points=""></polyline>
      </svg>
      <table id="per-model" hidden>
        <thead><tr><th>Model</th><th>req/s</th><th>mean</th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="footnote" id="metrics-source">From GET /metrics every 2 s, over the last interval.
        This page's own polls are counted too.</p>
    </section>
  </div>
  <section class="card" id="predict-panel">
    <h2>Classify text</h2>
    <label class="field-label" for="text">Text</label>
    <textarea id="text" spellcheck="false" placeholder="Type a chat line, for example: anyone selling a mana potion?"></textarea>
    <div class="actions">
      <button id="predict" type="button">Predict</button>
      <span class="hint">Ctrl+Enter</span>
      <span id="predict-status" class="hint" role="status"></span>
    </div>
    <p id="error" role="alert" hidden></p>
    <ol id="bars" aria-live="polite"></ol>
    <details class="raw">
      <summary>Request and response</summary>
      <pre id="raw"></pre>
    </details>
  </section>
</main>
<script>
"use strict";
// Every string that comes from the server (model names, labels, error messages) is written with
// textContent or setAttribute, never as HTML, so it cannot inject markup.

const kMetricsIntervalMs = 2000;
const kSparklinePoints = 60;
const kApiKeyStorage = "maas.playground.apiKey";

const byId = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);

const state = {
  apiKey: sessionStorage.getItem(kApiKeyStorage) || "",
  models: [],            // [{name, versions: [string], labels: [string]}] from GET /v1/models
  listed: false,         // false when the server has no GET /v1/models, so the name is typed
  previousMetrics: null, // the last /metrics sample, for differences over one interval
  rates: [],
};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function call(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.apiKey) headers["Authorization"] = "Bearer " + state.apiKey;
  const response = await fetch(path, Object.assign({}, options, { headers, cache: "no-store" }));
  const body = await response.text();
  return { status: response.status, ok: response.ok, body };
}

// Returns the "error" field of a maas JSON error body, or the start of any other body.
function errorText(result) {
  try {
    const parsed = JSON.parse(result.body);
    if (parsed && typeof parsed.error === "string") return parsed.error;
  } catch (ignored) {}
  return result.body.slice(0, 300) || "empty response";
}

function setServerStatus(online, text) {
  const chip = byId("server-status");
  chip.dataset.state = online ? "online" : "offline";
  chip.textContent = text;
}

// ---- Models ----

function validModelList(json) {
  if (!json || !Array.isArray(json.models)) return null;
  const models = [];
  for (const entry of json.models) {
    if (!entry || typeof entry.name !== "string") return null;
    const versions = Array.isArray(entry.versions) ? entry.versions.map(String) : [];
    const labels = Array.isArray(entry.labels) ? entry.labels.map(String) : [];
    models.push({ name: entry.name, versions, labels });
  }
  return models;
}

function showManualModel(message) {
  state.listed = false;
  byId("models-message").textContent = message;
  byId("models").replaceChildren();
  const form = byId("manual-model");
  form.hidden = false;
  if (params.get("model")) byId("model-name").value = params.get("model");
}

function renderModels() {
  const list = byId("models");
  list.replaceChildren();
  const requested = params.get("model");
  const selected = state.models.some((m) => m.name === requested) ? requested : state.models[0].name;
  state.models.forEach((model, index) => {
    const item = element("li");
    const radio = element("input");
    radio.type = "radio";
    radio.name = "model";
    radio.id = "model-" + index;
    radio.value = model.name;
    radio.checked = model.name === selected;
    const label = element("label");
    label.htmlFor = radio.id;
    label.append(element("span", "model-name", model.name));
    const versions = model.versions.length ? "version " + model.versions.join(", ") : "no version loaded";
    label.append(element("span", "model-meta", versions + " \u00b7 " + model.labels.length + " labels"));
    item.append(radio, label);
    list.append(item);
  });
}

async function loadModels() {
  let result;
  try {
    result = await call("/v1/models");
  } catch (error) {
    setServerStatus(false, "server unreachable");
    showManualModel("Could not reach the server (" + error.message + "). Type a model name to try anyway.");
    return;
  }

  setServerStatus(true, "connected to " + window.location.host);
  if (result.status === 404) {
    showManualModel("This server does not list its models (GET /v1/models returned 404). Type the name of a served model.");
    return;
  }
  if (result.status === 401) {
    showManualModel("This server requires an API key: enter it under \u201cAPI key\u201d above, or type a model name.");
    return;
  }

  let models = null;
  if (result.ok) {
    try { models = validModelList(JSON.parse(result.body)); } catch (ignored) {}
  }
  if (!models) {
    showManualModel("Listing the models failed (HTTP " + result.status + "): " + errorText(result));
    return;
  }
  if (models.length === 0) {
    showManualModel("The server lists no models. Export one into its model folder, then reload this page.");
    return;
  }

  state.listed = true;
  state.models = models;
  byId("models-message").textContent = "";
  byId("manual-model").hidden = true;
  renderModels();
}

function selectedModel() {
  if (!state.listed) {
    const name = byId("model-name").value.trim();
    return name ? { name, versions: [], labels: [] } : null;
  }
  const checked = document.querySelector('input[name="model"]:checked');
  return checked ? state.models.find((m) => m.name === checked.value) : null;
}

// ---- Prediction ----

function showError(message) {
  const box = byId("error");
  box.textContent = message;
  box.hidden = false;
  document.body.dataset.state = "error";
}

function formatPercent(p) {
  return Number.isFinite(p) ? (p * 100).toFixed(1) + "%" : "n/a";
}

// Draws one bar per label, highest probability first. `probabilities` is in the model's label order.
function renderBars(labels, probabilities) {
  const order = probabilities.map((p, i) => i);
  const key = (i) => (Number.isFinite(probabilities[i]) ? probabilities[i] : -1);
  order.sort((a, b) => key(b) - key(a));
  const bars = byId("bars");
  bars.replaceChildren();
  order.forEach((index, rank) => {
    const p = probabilities[index];
    const bar = element("li", rank === 0 ? "bar top" : "bar");
    bar.setAttribute("data-label", labels[index]);
    bar.setAttribute("data-probability", Number.isFinite(p) ? String(p) : "NaN");
    const track = element("span", "bar-track");
    const fill = element("span", "bar-fill");
    fill.style.width = (Number.isFinite(p) ? Math.min(Math.max(p, 0), 1) * 100 : 0).toFixed(2) + "%";
    track.append(fill);
    bar.append(element("span", "bar-label", labels[index]), track, element("span", "bar-value", formatPercent(p)));
    bars.append(bar);
  });
}

async function predict() {
  const model = selectedModel();
  byId("error").hidden = true;
  if (!model) {
    showError("Choose a model first" + (state.listed ? "." : ": type its name under Models."));
    return;
  }

  const text = byId("text").value;
  const button = byId("predict");
  const status = byId("predict-status");
  button.disabled = true;
  status.textContent = "predicting\u2026";
  const path = "/v1/models/" + encodeURIComponent(model.name) + ":predict";
  const body = JSON.stringify({ instances: [text] });
  const started = performance.now();

  try {
    const result = await call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    const elapsed = performance.now() - started;
    byId("raw").textContent = "POST " + path + "\n" + body + "\n\nHTTP " + result.status + "\n" + result.body;
    if (!result.ok) {
      status.textContent = "";
      showError("Prediction failed (HTTP " + result.status + "): " + errorText(result));
      return;
    }

    let row = null;
    try {
      const parsed = JSON.parse(result.body);
      if (parsed && Array.isArray(parsed.predictions) && Array.isArray(parsed.predictions[0])) row = parsed.predictions[0];
    } catch (ignored) {}
    if (!row || row.some((p) => p !== null && typeof p !== "number")) {
      status.textContent = "";
      showError("The response has no {\"predictions\": [[numbers]]} field; see \u201cRequest and response\u201d below.");
      return;
    }

    const probabilities = row.map((p) => (p === null ? NaN : p));
    const labels = model.labels.length === probabilities.length
        ? model.labels : probabilities.map((p, i) => "class " + i);
    renderBars(labels, probabilities);
    status.textContent = "answered in " + elapsed.toFixed(1) + " ms (round trip from this browser)";
    document.body.dataset.state = "predicted";
  } catch (error) {
    status.textContent = "";
    showError("The request did not complete: " + error.message);
  } finally {
    button.disabled = false;
  }
}

// ---- Metrics ----

function unescapeLabel(value) {
  return value.replace(/\\(.)/g, (all, c) => (c === "n" ? "\n" : c));
}

// Parses the Prometheus text format into TYPE declarations and samples.
function parsePrometheus(text) {
  const types = new Map();
  const samples = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("#")) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) types.set(type[1], type[2]);
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!sample) continue;
    const labels = {};
    const labelPattern = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let match;
    while ((match = labelPattern.exec(sample[3] || "")) !== null) labels[match[1]] = unescapeLabel(match[2]);
    samples.push({ name: sample[1], labels, value: Number(sample[4]) });
  }
  return { types, samples };
}

// Picks the histogram of request latency: a family named like *request*duration*seconds or
// *request*latency*seconds, else any *_seconds histogram, else any family with _count and _sum.
function latencyFamily(parsed) {
  let families = [...parsed.types].filter(([, type]) => type === "histogram").map(([name]) => name);
  if (families.length === 0) {
    const names = new Set(parsed.samples.map((s) => s.name));
    families = [...names].filter((n) => n.endsWith("_count") && names.has(n.slice(0, -6) + "_sum"))
        .map((n) => n.slice(0, -6));
  }
  return families.find((n) => /request.*(duration|latency).*seconds$/.test(n))
      || families.find((n) => /seconds$/.test(n)) || families[0] || null;
}

function summarise(parsed, family) {
  const total = { count: 0, sum: 0, buckets: new Map() };
  const models = new Map();
  for (const s of parsed.samples) {
    if (!Number.isFinite(s.value)) continue;
    if (s.name === family + "_count") {
      total.count += s.value;
      if (s.labels.model) {
        const m = models.get(s.labels.model) || { count: 0, sum: 0 };
        m.count += s.value;
        models.set(s.labels.model, m);
      }
    } else if (s.name === family + "_sum") {
      total.sum += s.value;
      if (s.labels.model) {
        const m = models.get(s.labels.model) || { count: 0, sum: 0 };
        m.sum += s.value;
        models.set(s.labels.model, m);
      }
    } else if (s.name === family + "_bucket" && s.labels.le !== undefined) {
      const bound = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
      total.buckets.set(bound, (total.buckets.get(bound) || 0) + s.value);
    }
  }
  return { time: performance.now(), total, models };
}

// Estimates quantile q from the growth of cumulative buckets, interpolating linearly inside a
// bucket as Prometheus' histogram_quantile does. Returns NaN without observations.
function quantile(q, now, before) {
  const bounds = [...now.buckets.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => now.buckets.get(b) - (before.buckets.get(b) || 0));
  const total = counts.length ? counts[counts.length - 1] : 0;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      if (bounds[i] === Infinity) return i > 0 ? bounds[i - 1] : NaN;
      const lower = i > 0 ? bounds[i - 1] : 0;
      const below = i > 0 ? counts[i - 1] : 0;
      const inBucket = counts[i] - below;
      return inBucket > 0 ? lower + (bounds[i] - lower) * (rank - below) / inBucket : bounds[i];
    }
  }
  return NaN;
}

function formatSeconds(seconds) {
  if (!Number.isFinite(seconds)) return "\u2013";
  if (seconds < 1e-3) return (seconds * 1e6).toFixed(0) + " \u00b5s";
  if (seconds < 1) return (seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1) + " ms";
  return seconds.toFixed(2) + " s";
}

function formatRate(rate) {
  if (!Number.isFinite(rate)) return "\u2013";
  return rate < 10 ? rate.toFixed(2) : rate.toFixed(0);
}

function showMetricsUnavailable(reason) {
  const panel = byId("metrics-panel");
  panel.dataset.state = "unavailable";
  byId("metrics-message").textContent = "metrics unavailable: " + reason;
  state.previousMetrics = null;
}

function drawSparkline() {
  const rates = state.rates;
  const highest = Math.max(1e-9, ...rates);
  // The samples span the full width until there are kSparklinePoints of them, then the line scrolls.
  const step = 100 / Math.max(rates.length - 1, 1);
  const points = rates.map((r, i) => (i * step).toFixed(2) + "," + (39 - (r / highest) * 36).toFixed(2));
  // One point draws nothing, so the line starts with the second sample.
  byId("sparkline-line").setAttribute("points", points.length > 1 ? points.join(" ") : "");
}

function renderPerModel(now, before, seconds) {
  const table = byId("per-model");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const [name, current] of [...now.models].sort((a, b) => a[0].localeCompare(b[0]))) {
    const previous = before.models.get(name) || { count: 0, sum: 0 };
    const requests = current.count - previous.count;
    const row = element("tr");
    row.append(element("td", "", name), element("td", "", formatRate(requests / seconds)),
               element("td", "", requests > 0 ? formatSeconds((current.sum - previous.sum) / requests) : "\u2013"));
    body.append(row);
  }
  table.hidden = now.models.size === 0;
}

async function pollMetrics() {
  let result;
  try {
    result = await call("/metrics");
  } catch (error) {
    setServerStatus(false, "server unreachable");
    showMetricsUnavailable("the server did not answer (" + error.message + ")");
    return;
  }

  setServerStatus(true, "connected to " + window.location.host);
  if (!result.ok) {
    const reason = result.status === 404 ? "this server has no GET /metrics route (HTTP 404)"
        : result.status === 401 ? "GET /metrics requires an API key (HTTP 401)"
        : "GET /metrics returned HTTP " + result.status;
    showMetricsUnavailable(reason);
    return;
  }

  const parsed = parsePrometheus(result.body);
  const family = latencyFamily(parsed);
  if (!family) {
    showMetricsUnavailable("GET /metrics has no histogram with _count and _sum series");
    return;
  }

  const now = summarise(parsed, family);
  const before = state.previousMetrics;
  state.previousMetrics = now;
  byId("metrics-source").textContent = "From " + family + " in GET /metrics every "
      + kMetricsIntervalMs / 1000 + " s, over the last interval. This page's own polls are counted too.";
  const panel = byId("metrics-panel");
  if (!before || now.total.count < before.total.count) {
    // First sample, or the server restarted and its counters began again.
    panel.dataset.state = "waiting";
    byId("metrics-message").textContent = "";
    return;
  }

  const seconds = Math.max((now.time - before.time) / 1000, 1e-3);
  const requests = now.total.count - before.total.count;
  const rate = requests / seconds;
  byId("metric-rate").textContent = formatRate(rate);
  byId("metric-mean").textContent = requests > 0 ? formatSeconds((now.total.sum - before.total.sum) / requests) : "\u2013";
  byId("metric-p50").textContent = formatSeconds(quantile(0.5, now.total, before.total));
  byId("metric-p99").textContent = formatSeconds(quantile(0.99, now.total, before.total));
  state.rates.push(rate);
  if (state.rates.length > kSparklinePoints) state.rates.shift();
  drawSparkline();
  renderPerModel(now, before, seconds);
  byId("metrics-message").textContent = "";
  panel.dataset.state = "live";
}

// ---- Wiring ----

byId("predict").addEventListener("click", predict);
byId("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    predict();
  }
});
byId("manual-model").addEventListener("submit", (event) => {
  event.preventDefault();
  predict();
});
byId("api-key").value = state.apiKey;
byId("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.apiKey = byId("api-key").value.trim();
  if (state.apiKey) sessionStorage.setItem(kApiKeyStorage, state.apiKey);
  else sessionStorage.removeItem(kApiKeyStorage);
  state.previousMetrics = null;
  loadModels();
  pollMetrics();
});

if (params.has("text")) byId("text").value = params.get("text");

async function start() {
  await loadModels();
  document.body.dataset.state = "ready";
  await pollMetrics();
  setInterval(pollMetrics, kMetricsIntervalMs);
  if (params.get("run") === "1") byId("predict").click();
}
start();
</script>
</body>
</html>
)html";
}

}  // namespace maas::serve
