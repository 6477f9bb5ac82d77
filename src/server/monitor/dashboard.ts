/**
 * The dashboard page (`/`): one self-contained HTML document (inline CSS, JS and SVG; no CDN, no
 * external font). It polls /varz each second for the charts and counters, /rooms for the rooms and
 * their members, and /events for the latest connection events. Texts come from src/i18n/monitor.ts.
 */

import { cliLog } from "../../i18n/cli-log.js";
import type { Lang } from "../../i18n/lang.js";
import { monitor } from "../../i18n/monitor.js";

/** The page in `lang`. */
export function dashboardPage(lang: Lang): string {
  const texts = monitor[lang];
  // The page's texts (not the CLI's) go into a <script>: "<" escaped so that no text can close it.
  // Disconnect reasons are said as the server log says them.
  const pageTexts = Object.fromEntries([
    ...Object.entries(texts).filter(([key]) => key.startsWith("monitor.") && !key.startsWith("monitor.cli.")),
    ...Object.entries(cliLog[lang]).filter(([key]) => key.startsWith("log.reason.")),
  ]);
  const json = JSON.stringify(pageTexts).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(texts["monitor.title"])}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1rem; color: #1d2430; background: #f6f7f9; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  #status { color: #555; margin-bottom: 1rem; }
  #status.bad { color: #b00020; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
  section { background: #fff; border-radius: .5rem; padding: .8rem; box-shadow: 0 1px 3px #0002; }
  svg { width: 100%; height: 8rem; background: #fafbfc; }
  .big { font-size: 2rem; font-weight: bold; }
  .legend span { margin-right: 1rem; }
  .in { color: #1565c0; } .out { color: #2e7d32; }
  ul { padding-left: 1.1rem; margin: 0; max-height: 18rem; overflow: auto; }
  dl { display: grid; grid-template-columns: auto auto; gap: .2rem 1rem; margin: 0; }
  dt { color: #555; } dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
  time { color: #777; font-size: .85em; margin-right: .4rem; }
</style>
</head>
<body>
<h1>${escapeHtml(texts["monitor.title"])}</h1>
<div id="status" role="status"></div>
<main>
  <section aria-labelledby="h-conn">
    <h2 id="h-conn">${escapeHtml(texts["monitor.connections"])}</h2>
    <div><span class="big" id="conn-now">0</span> ${escapeHtml(texts["monitor.connectionsNow"])}</div>
    <svg id="conn-chart" viewBox="0 0 300 100" preserveAspectRatio="none" aria-hidden="true">
      <polyline id="conn-line" fill="none" stroke="#6a1b9a" stroke-width="2" points=""/>
    </svg>
  </section>
  <section aria-labelledby="h-rate">
    <h2 id="h-rate">${escapeHtml(texts["monitor.messageRate"])}</h2>
    <div class="legend"><span class="in">&#9632; ${escapeHtml(texts["monitor.in"])} <b id="rate-in">0</b></span><span class="out">&#9632; ${escapeHtml(texts["monitor.out"])} <b id="rate-out">0</b></span></div>
    <svg id="rate-chart" viewBox="0 0 300 100" preserveAspectRatio="none" aria-hidden="true">
      <polyline id="in-line" fill="none" stroke="#1565c0" stroke-width="2" points=""/>
      <polyline id="out-line" fill="none" stroke="#2e7d32" stroke-width="2" points=""/>
    </svg>
  </section>
  <section aria-labelledby="h-rooms">
    <h2 id="h-rooms">${escapeHtml(texts["monitor.rooms"])}</h2>
    <ul id="rooms"></ul>
  </section>
  <section aria-labelledby="h-events">
    <h2 id="h-events">${escapeHtml(texts["monitor.events"])}</h2>
    <ul id="events"></ul>
  </section>
  <section aria-labelledby="h-counters">
    <h2 id="h-counters">${escapeHtml(texts["monitor.counters"])}</h2>
    <dl id="counters"></dl>
  </section>
</main>
<script>
"use strict";
const T = ${json};
const SAMPLES = 60;
const history = { conn: [], in: [], out: [] };
let last;
let lastEvent = 0;
const events = [];
const fill = (key, params) => T[key].replace(/\\{(\\w+)\\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
const el = (id) => document.getElementById(id);
function points(values, max) {
  const step = 300 / (SAMPLES - 1);
  const offset = SAMPLES - values.length;
  return values.map((v, i) => ((offset + i) * step).toFixed(1) + "," + (100 - (v / max) * 95).toFixed(1)).join(" ");
}
function push(list, value) { list.push(value); if (list.length > SAMPLES) list.shift(); }
function sum(counts) { return Object.values(counts).reduce((a, b) => a + b, 0); }
function drawVarz(v) {
  const now = sum(v.connections.now);
  el("conn-now").textContent = String(now);
  push(history.conn, now);
  if (last !== undefined) {
    const seconds = Math.max(0.001, (Date.now() - last.at) / 1000);
    push(history.in, Math.max(0, (v.messages.in - last.in) / seconds));
    push(history.out, Math.max(0, (v.messages.out - last.out) / seconds));
  }
  last = { at: Date.now(), in: v.messages.in, out: v.messages.out };
  el("conn-line").setAttribute("points", points(history.conn, Math.max(1, ...history.conn)));
  const rateMax = Math.max(1, ...history.in, ...history.out);
  el("in-line").setAttribute("points", points(history.in, rateMax));
  el("out-line").setAttribute("points", points(history.out, rateMax));
  el("rate-in").textContent = (history.in.at(-1) ?? 0).toFixed(1);
  el("rate-out").textContent = (history.out.at(-1) ?? 0).toFixed(1);
  const status = el("status");
  status.className = v.draining ? "bad" : "";
  status.textContent = "enchufe " + v.version + " · " + fill("monitor.uptime", { seconds: v.uptimeSeconds }) + (v.draining ? " · " + T["monitor.draining"] : "");
  const rows = [
    ["total", sum(v.connections.total)], ["text", v.connections.now.text], ["framed", v.connections.now.framed],
    ["websocket", v.connections.now.websocket], ["messagesIn", v.messages.in], ["messagesOut", v.messages.out],
    ["bytesIn", v.bytes.in], ["bytesOut", v.bytes.out], ["slow", v.slowConsumers], ["rate", v.rateLimited],
    ["auth", v.authFailures], ["subscriptions", v.subscriptions], ["cluster", v.cluster],
  ];
  const list = el("counters");
  list.replaceChildren();
  for (const [name, value] of rows) {
    const dt = document.createElement("dt"); dt.textContent = T["monitor.c." + name];
    const dd = document.createElement("dd"); dd.textContent = String(value);
    list.append(dt, dd);
  }
}
function drawRooms(rooms) {
  const list = el("rooms");
  list.replaceChildren();
  if (rooms.length === 0) { const li = document.createElement("li"); li.textContent = T["monitor.noRooms"]; list.append(li); }
  for (const room of rooms) {
    const li = document.createElement("li");
    li.textContent = room.name + " (" + room.members.length + "): " + room.members.join(", ");
    list.append(li);
  }
}
function eventText(e) {
  if (e.kind === "login") return fill("monitor.event.login", { user: e.user ?? "?", result: T[e.ok ? "monitor.event.loginOk" : "monitor.event.loginFailed"] });
  if (e.kind === "disconnect") return fill("monitor.event.disconnect", { ...e, reason: T["log.reason." + e.reason] ?? e.reason });
  return fill("monitor.event." + e.kind, e);
}
function drawEvents(fresh) {
  for (const e of fresh) { events.unshift(e); lastEvent = Math.max(lastEvent, e.seq); }
  events.length = Math.min(events.length, 50);
  const list = el("events");
  list.replaceChildren();
  if (events.length === 0) { const li = document.createElement("li"); li.textContent = T["monitor.noEvents"]; list.append(li); }
  for (const e of events) {
    const li = document.createElement("li");
    const time = document.createElement("time"); time.textContent = e.time.slice(11, 19);
    li.append(time, eventText(e));
    list.append(li);
  }
}
async function poll() {
  try {
    const [varz, rooms, fresh] = await Promise.all([
      fetch("varz").then((r) => r.json()),
      fetch("rooms").then((r) => r.json()),
      fetch("events?after=" + lastEvent).then((r) => r.json()),
    ]);
    drawVarz(varz); drawRooms(rooms); drawEvents(fresh);
  } catch {
    const status = el("status"); status.className = "bad"; status.textContent = T["monitor.unreachable"];
  }
  setTimeout(poll, 1000);
}
poll();
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
