/**
 * report.html: one self-contained page (no network: a Content-Security-Policy forbids it) with the
 * lightweight-charts standalone build inlined, the chart data as JSON in a
 * <script type="application/json"> block (escaped so no text can close the script), and static
 * tables for the metrics, assumptions, instruments and trades. End-of-run code.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { TradeCol } from "./recorder.js";
import type { RunRecorder } from "./recorder.js";
import { annualizedText, metricRows, formatMoney, formatPct, formatRatio, formatCount } from "./summary.js";
import { formatDurationNs, isoFromNs } from "./time-format.js";
import type { BacktestReport } from "./types.js";

/** Most points a chart series gets in the page (longer series are bucketed). */
export const MAX_CHART_POINTS = 1200;
/** Most buy/sell markers drawn per instrument (the first ones; the rest are counted in a note). */
export const MAX_MARKERS = 1500;
/** Most round trips listed in the page's trade table (all are in trades.csv). */
export const MAX_TRADE_ROWS = 1000;

let chartLibrary: string | null = null;

/** The lightweight-charts standalone production build (read once). */
export function chartLibrarySource(): string {
  if (chartLibrary === null) {
    const req = createRequire(import.meta.url);
    const dir = dirname(req.resolve("lightweight-charts/package.json"));
    chartLibrary = readFileSync(join(dir, "dist", "lightweight-charts.standalone.production.js"), "utf8").replace(/<\/(script)/gi, "<\\/$1");
  }
  return chartLibrary;
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** JSON safe inside a <script> element: no "<", ">", "&" or line separators survive literally. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

type Point = [number, number];
type Mode = "last" | "min" | "max";

/** Buckets (time s, value) points into at most `max` points with strictly increasing times. */
export function downsample(times: ArrayLike<number>, values: ArrayLike<number>, max: number, mode: Mode = "last"): Point[] {
  const n = times.length;
  const out: Point[] = [];
  if (n === 0) return out;
  const t0 = times[0]!;
  const span = times[n - 1]! - t0;
  const width = n > max && span > 0 ? span / max : 0;
  let bucket = -1;
  for (let k = 0; k < n; k++) {
    const t = times[k]!;
    const v = values[k]!;
    if (v !== v) continue;
    const b = width > 0 ? Math.min(max - 1, Math.floor((t - t0) / width)) : t;
    const last = out[out.length - 1];
    if (last !== undefined && (b === bucket || t <= last[0])) {
      if (mode === "last" || (mode === "min" && v < last[1]) || (mode === "max" && v > last[1])) last[1] = v;
      if (t > last[0]) last[0] = t;
      continue;
    }
    bucket = b;
    out.push([t, v]);
  }
  return out;
}

/** The data the page's script draws (times in seconds since the epoch, microsecond resolution). */
export interface ChartData {
  equity: Point[];
  drawdownPct: Point[];
  /** Time the warm-up ended (s), or null when there was none. */
  readyAt: number | null;
  instruments: Array<{ symbol: string; price: Point[]; position: Point[]; markers: Array<[number, number, number, number]>; markersOmitted: number }>;
  records: Array<{ name: string; points: Point[] }>;
}

/** Extracts the chart data from a finished recorder. */
export function chartData(rec: RunRecorder): ChartData {
  const tb = rec.options.timeBase;
  const baseS = Number(tb / 1000n) / 1e6;
  const sec = (ts: number): number => Math.round((baseS + ts / 1e9) * 1e6) / 1e6;
  const s = rec.samples;
  const w = s.width;
  const n = rec.instrumentCount;
  const ts = new Float64Array(s.rows);
  const eq = new Float64Array(s.rows);
  const dd = new Float64Array(s.rows);
  let peak = -Infinity;
  for (let r = 0; r < s.rows; r++) {
    ts[r] = sec(s.data[r * w]!);
    const e = s.data[r * w + 1]!;
    eq[r] = e;
    if (e > peak) peak = e;
    dd[r] = peak > 0 ? -((peak - e) / peak) * 100 : 0;
  }
  const instruments: ChartData["instruments"] = [];
  const fd = rec.fills.data;
  const fw = rec.fills.width;
  for (let i = 0; i < n; i++) {
    const info = rec.options.instruments[i]!;
    // Price line: sampled marks plus every fill price (so markers sit on the line).
    const pts: Array<[number, number]> = [];
    for (let r = 0; r < s.rows; r++) {
      const mark = s.data[r * w + 3 + n + i]!;
      if (mark === mark) pts.push([ts[r]!, mark * info.priceScale]);
    }
    const markers: Array<[number, number, number, number]> = [];
    let omitted = 0;
    for (let r = 0; r < rec.fills.rows; r++) {
      const o = r * fw;
      if (fd[o + 1] !== i) continue;
      const t = sec(fd[o]!);
      const px = fd[o + 3]! * info.priceScale;
      pts.push([t, px]);
      if (markers.length < MAX_MARKERS) markers.push([t, fd[o + 2]!, fd[o + 4]!, px]);
      else omitted++;
    }
    pts.sort((a, b) => a[0] - b[0]);
    const price = downsample(pts.map((p) => p[0]), pts.map((p) => p[1]), MAX_CHART_POINTS);
    // Markers snap to the time of the price point that holds them.
    const times = price.map((p) => p[0]);
    for (const m of markers) m[0] = snap(times, m[0]);
    const posT: number[] = [];
    const posV: number[] = [];
    for (let r = 0; r < s.rows; r++) {
      posT.push(ts[r]!);
      posV.push(s.data[r * w + 3 + i]!);
    }
    for (let r = 0; r < rec.fills.rows; r++) {
      const o = r * fw;
      if (fd[o + 1] !== i) continue;
      posT.push(sec(fd[o]!));
      posV.push(fd[o + 9]!);
    }
    const order = posT.map((_, k) => k).sort((a, b) => posT[a]! - posT[b]! || a - b);
    instruments.push({
      symbol: info.symbol,
      price,
      position: downsample(order.map((k) => posT[k]!), order.map((k) => posV[k]!), MAX_CHART_POINTS),
      markers,
      markersOmitted: omitted,
    });
  }
  const names = rec.options.recordSeries ?? [];
  const records: ChartData["records"] = names.map((name) => ({ name, points: [] }));
  if (names.length > 0) {
    const rt: number[][] = names.map(() => []);
    const rv: number[][] = names.map(() => []);
    for (let k = 0; k < rec.recordTs.length; k++) {
      const sidx = rec.recordSeries.data[k]!;
      if (sidx < 0 || sidx >= names.length) continue;
      rt[sidx]!.push(sec(rec.recordTs.data[k]!));
      rv[sidx]!.push(rec.recordValue.data[k]!);
    }
    for (let k = 0; k < names.length; k++) records[k]!.points = downsample(rt[k]!, rv[k]!, MAX_CHART_POINTS);
  }
  const equity = downsample(ts, eq, MAX_CHART_POINTS);
  const readyTs = rec.readyTs;
  const hasWarmup = readyTs !== -Infinity && readyTs !== Infinity && rec.firstTs === rec.firstTs && readyTs > rec.firstTs;
  return {
    readyAt: hasWarmup && equity.length > 0 ? snap(equity.map((p) => p[0]), sec(readyTs)) : null,
    equity,
    drawdownPct: downsample(ts, dd, MAX_CHART_POINTS, "min"),
    instruments,
    records,
  };
}

function snap(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return t;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return times[lo]!;
}

function card(label: string, value: string, t: number): string {
  return `<div class="card"><div class="card-label">${escapeHtml(label)}</div><div class="card-value ${t > 0 ? "pos" : t < 0 ? "neg" : ""}">${escapeHtml(value)}</div></div>`;
}

function tradeRows(rec: RunRecorder): string {
  const d = rec.trades.data;
  const w = rec.trades.width;
  const tb = rec.options.timeBase;
  const rows: string[] = [];
  const count = Math.min(rec.trades.rows, MAX_TRADE_ROWS);
  for (let r = 0; r < count; r++) {
    const o = r * w;
    const info = rec.options.instruments[d[o + TradeCol.Instrument]!]!;
    const net = d[o + TradeCol.NetPnl]!;
    const warm = d[o + TradeCol.Warmup] === 1;
    rows.push(
      `<tr${warm ? ' class="warm"' : ""}><td>${r + 1}</td><td>${escapeHtml(info.symbol)}</td><td>${d[o + TradeCol.Direction]! > 0 ? "long" : "short"}</td>` +
        `<td>${escapeHtml(isoFromNs(tb, d[o + TradeCol.EntryTs]!).replace("T", " ").slice(0, 23))}</td>` +
        `<td>${escapeHtml(formatDurationNs(d[o + TradeCol.ExitTs]! - d[o + TradeCol.EntryTs]!))}</td>` +
        `<td class="num">${formatCount(d[o + TradeCol.EntryQty]!)}</td>` +
        `<td class="num">${escapeHtml(String(Number((d[o + TradeCol.AvgEntryPx]! * info.priceScale).toPrecision(12))))}</td>` +
        `<td class="num">${escapeHtml(String(Number((d[o + TradeCol.AvgExitPx]! * info.priceScale).toPrecision(12))))}</td>` +
        `<td class="num">${formatMoney(d[o + TradeCol.Fees]!)}</td>` +
        `<td class="num ${net > 0 ? "pos" : net < 0 ? "neg" : ""}">${formatMoney(net)}</td>` +
        `<td class="num">${formatMoney(d[o + TradeCol.Mae]!)}</td><td class="num">${formatMoney(d[o + TradeCol.Mfe]!)}</td></tr>`,
    );
  }
  return rows.join("\n");
}

/** The whole report page. */
export function renderReportHtml(rec: RunRecorder, report: BacktestReport): string {
  const data = chartData(rec);
  const m = report.metrics;
  const rows = metricRows(report);
  const groups = [...new Set(rows.map((r) => r.group))];
  const metricTables = groups
    .map(
      (g) =>
        `<section class="metric-group"><h3>${escapeHtml(g)}</h3><table class="metrics">${rows
          .filter((r) => r.group === g)
          .map((r) => `<tr><th>${escapeHtml(r.label)}</th><td class="${r.tone > 0 ? "pos" : r.tone < 0 ? "neg" : ""}">${escapeHtml(r.value)}</td></tr>`)
          .join("")}</table></section>`,
    )
    .join("\n");
  const title = report.run.strategy ?? "Backtest";
  const period = `${(report.run.start ?? "?").replace("T", " ").slice(0, 19)} → ${(report.run.end ?? "?").replace("T", " ").slice(0, 19)} UTC`;
  const charts: string[] = [
    `<div class="panel"><h2>Equity${
      report.warmup.ready && report.warmup.durationNs > 0
        ? ` <span class="note">(warm-up of ${escapeHtml(report.warmup.duration)} until ${escapeHtml((report.warmup.end ?? "").slice(11, 23))} UTC shown, excluded from metrics)</span>`
        : ""
    }</h2><div class="chart" id="chart-equity"></div></div>`,
    `<div class="panel"><h2>Drawdown (%)</h2><div class="chart short" id="chart-drawdown"></div></div>`,
  ];
  data.instruments.forEach((inst, i) => {
    const note = inst.markersOmitted > 0 ? ` <span class="note">(first ${MAX_MARKERS} fills marked; ${formatCount(inst.markersOmitted)} more in fills.csv)</span>` : "";
    charts.push(`<div class="panel"><h2>${escapeHtml(inst.symbol)}: price and fills${note}</h2><div class="chart" id="chart-price-${i}"></div></div>`);
    charts.push(`<div class="panel"><h2>${escapeHtml(inst.symbol)}: position</h2><div class="chart short" id="chart-position-${i}"></div></div>`);
  });
  data.records.forEach((r, i) => {
    charts.push(`<div class="panel"><h2>record: ${escapeHtml(r.name)}</h2><div class="chart short" id="chart-record-${i}"></div></div>`);
  });
  const instrumentRows = report.instruments
    .map(
      (i) =>
        `<tr><td>${escapeHtml(i.symbol)}</td><td class="num">${escapeHtml(String(i.multiplier))}</td><td class="num">${escapeHtml(i.tickSize ? String(Number(i.tickSize.toPrecision(12))) : "—")}</td>` +
        `<td class="num">${formatCount(i.fills)}</td><td class="num">${formatCount(i.roundTrips)}</td><td class="num ${i.closedTradesNetPnl > 0 ? "pos" : i.closedTradesNetPnl < 0 ? "neg" : ""}">${formatMoney(i.closedTradesNetPnl)}</td>` +
        `<td class="num">${formatCount(i.finalPosition)}</td><td class="num">${i.lastPrice === null ? "—" : escapeHtml(String(Number(i.lastPrice.toPrecision(12))))}</td></tr>`,
    )
    .join("\n");
  const notes = (report.assumptions.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`).join("");
  const warm = report.warmup;
  const warmText = warm.ready
    ? warm.durationNs > 0
      ? `The strategy warmed up for ${warm.duration} (${(warm.start ?? "").replace("T", " ").slice(0, 23)} → ${(warm.end ?? "").replace("T", " ").slice(0, 23)} UTC); that span is shown in the charts and excluded from every metric.`
      : "No warm-up: metrics cover the whole run."
    : "The strategy never became ready (warm-up never completed): no metric covers any span.";
  const partial = report.run.partial
    ? `<div class="banner partial">PARTIAL — ${escapeHtml(report.run.partialReason ?? "the run stopped early")}. Metrics cover only what was replayed.</div>`
    : "";
  const halted = report.run.halted ? `<div class="banner halted">HALTED — the max_loss kill switch stopped trading.</div>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)} — backtest report</title>
<style>
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f6f7f9; --pos:#047857; --neg:#b91c1c; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--fg); background:var(--bg); }
header { background:#111827; color:#f9fafb; padding:18px 28px; }
header h1 { margin:0; font-size:20px; font-weight:600; }
header .sub { color:#9ca3af; margin-top:4px; font-size:13px; }
main { max-width:1280px; margin:0 auto; padding:20px 28px 40px; }
.banner { padding:12px 16px; border-radius:6px; font-weight:600; margin-bottom:16px; }
.banner.partial { background:#fef3c7; color:#92400e; border:1px solid #f59e0b; }
.banner.halted { background:#fee2e2; color:#991b1b; border:1px solid #ef4444; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin-bottom:20px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
.card-label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card-value { font-size:20px; font-weight:600; margin-top:4px; font-variant-numeric:tabular-nums; }
.pos { color:var(--pos); } .neg { color:var(--neg); }
.panel { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px 8px; margin-bottom:14px; }
.panel h2 { font-size:14px; font-weight:600; margin:0 0 8px; }
.note { color:var(--muted); font-weight:400; font-size:12px; }
.chart { height:300px; position:relative; }
.chart.short { height:170px; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(360px, 1fr)); gap:14px; }
.metric-group { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
.metric-group h3 { margin:2px 0 6px; font-size:13px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
table { border-collapse:collapse; width:100%; }
table.metrics th { text-align:left; font-weight:400; color:#374151; padding:4px 12px 4px 0; border-bottom:1px solid #f3f4f6; white-space:nowrap; }
table.metrics td { text-align:right; padding:4px 0; border-bottom:1px solid #f3f4f6; font-variant-numeric:tabular-nums; font-weight:500; }
table.list th, table.list td { padding:5px 8px; border-bottom:1px solid var(--line); text-align:left; white-space:nowrap; }
table.list th { color:var(--muted); font-weight:600; font-size:12px; }
table.list td.num, table.list th.num { text-align:right; font-variant-numeric:tabular-nums; }
tr.warm td { color:#9ca3af; }
.scroll { max-height:420px; overflow-y:auto; }
.scroll thead th { position:sticky; top:0; background:#fff; }
section.block { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 16px; margin:14px 0; overflow-x:auto; }
section.block h2 { font-size:15px; margin:0 0 8px; }
dl.assume { display:grid; grid-template-columns:max-content 1fr; gap:6px 16px; margin:0; }
dl.assume dt { color:var(--muted); } dl.assume dd { margin:0; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:16px; }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><div class="sub">${escapeHtml(period)} · ${formatCount(report.run.eventsProcessed)} events · ${escapeHtml(report.run.dataFiles.join(", ") || "no data files named")}</div></header>
<main>
${partial}${halted}
<div class="cards">
${card("Net P&L", formatMoney(m.netPnl), Math.sign(m.netPnl))}
${card("Return", formatPct(m.returnPct), Math.sign(m.returnPct ?? 0))}
${card("Sharpe", annualizedText(report, "ratio", formatRatio(m.sharpe)), Math.sign(m.sharpe ?? 0))}
${card("Max drawdown", formatPct(m.maxDrawdownPct), m.maxDrawdownPct > 0 ? -1 : 0)}
${card("Round trips", formatCount(m.roundTrips), 0)}
${card("Hit rate", formatPct(m.hitRatePct, 1), 0)}
${card("Profit factor", formatRatio(m.profitFactor), m.profitFactor === null ? 0 : m.profitFactor >= 1 ? 1 : -1)}
</div>
${charts.join("\n")}
<div class="grid2">
${metricTables}
</div>
<section class="block" id="assumptions"><h2>Assumptions</h2><dl class="assume">
<dt>Latency</dt><dd>${escapeHtml(report.assumptions.latency)}</dd>
<dt>Queue model</dt><dd>${escapeHtml(report.assumptions.queueModel)}</dd>
<dt>Fees</dt><dd>${escapeHtml(report.assumptions.fees)}</dd>
<dt>Warm-up</dt><dd>${escapeHtml(warmText)}</dd>
<dt>Sampling</dt><dd>${escapeHtml(report.assumptions.sampling)}</dd>
<dt>Trades</dt><dd>${escapeHtml(report.assumptions.tradeDefinition)}</dd>
</dl>${notes ? `<ul>${notes}</ul>` : ""}</section>
<section class="block"><h2>Instruments</h2><table class="list"><tr><th>Symbol</th><th class="num">Multiplier</th><th class="num">Tick</th><th class="num">Fills</th><th class="num">Round trips</th><th class="num">Closed net P&amp;L</th><th class="num">Final position</th><th class="num">Last price</th></tr>
${instrumentRows}</table></section>
<section class="block"><h2>Round trips, in closing order${rec.trades.rows > MAX_TRADE_ROWS ? ` (first ${MAX_TRADE_ROWS} of ${formatCount(rec.trades.rows)}; all in trades.csv)` : ""}</h2>
<div class="scroll"><table class="list"><thead><tr><th>#</th><th>Symbol</th><th>Side</th><th>Entry (UTC)</th><th>Duration</th><th class="num">Qty</th><th class="num">Avg entry</th><th class="num">Avg exit</th><th class="num">Fees</th><th class="num">Net P&amp;L</th><th class="num">MAE</th><th class="num">MFE</th></tr></thead>
<tbody>${tradeRows(rec)}</tbody></table></div></section>
</main>
<footer>algo ${escapeHtml(report.generator.version)} · charts by TradingView Lightweight Charts™ · seed ${escapeHtml(String(report.run.seed ?? "—"))}</footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${chartLibrarySource()}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** The page's drawing code (runs in the browser; reads #report-data). */
const PAGE_SCRIPT = `
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var LC = window.LightweightCharts;
  var charts = [];
  var counts = []; // points of each chart's longest series (its logical range)
  function track(data) { counts[counts.length - 1] = Math.max(counts[counts.length - 1], data.length); return data; }
  var syncing = false;
  var live = false; // zoom/scroll sync starts after the initial fit (range events arrive asynchronously)
  function money(x) { return x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function pts(a) { return a.map(function (p) { return { time: p[0], value: p[1] }; }); }
  function make(id) {
    var el = document.getElementById(id);
    var chart = LC.createChart(el, {
      autoSize: true,
      layout: { background: { color: "#ffffff" }, textColor: "#374151", fontSize: 11 },
      grid: { vertLines: { color: "#f1f3f6" }, horzLines: { color: "#f1f3f6" } },
      rightPriceScale: { borderColor: "#e5e7eb", minimumWidth: 104 },
      timeScale: { borderColor: "#e5e7eb", timeVisible: true, secondsVisible: true, minBarSpacing: 0.01, lockVisibleTimeRangeOnResize: true },
      crosshair: { mode: 0 },
      localization: { timeFormatter: function (t) { return new Date(t * 1000).toISOString().replace("T", " ").slice(0, 23); } }
    });
    charts.push(chart);
    counts.push(0);
    chart.timeScale().subscribeVisibleTimeRangeChange(function (r) {
      if (!live || syncing || !r) return;
      syncing = true;
      charts.forEach(function (c) { if (c !== chart) { try { c.timeScale().setVisibleRange(r); } catch (e) { /* a chart without data in range */ } } });
      syncing = false;
    });
    return chart;
  }
  var eq = make("chart-equity").addSeries(LC.AreaSeries, { lineColor: "#2563eb", topColor: "rgba(37,99,235,0.28)", bottomColor: "rgba(37,99,235,0.02)", lineWidth: 2, priceFormat: { type: "custom", minMove: 0.01, formatter: money } });
  eq.setData(track(pts(D.equity)));
  if (D.readyAt !== null) LC.createSeriesMarkers(eq, [{ time: D.readyAt, position: "aboveBar", color: "#6b7280", shape: "arrowDown", text: "ready" }]);
  var dd = make("chart-drawdown").addSeries(LC.BaselineSeries, { baseValue: { type: "price", price: 0 }, topLineColor: "rgba(0,0,0,0)", topFillColor1: "rgba(0,0,0,0)", topFillColor2: "rgba(0,0,0,0)", bottomLineColor: "#dc2626", bottomFillColor1: "rgba(220,38,38,0.05)", bottomFillColor2: "rgba(220,38,38,0.35)", lineWidth: 1, priceFormat: { type: "price", precision: 3, minMove: 0.001 } });
  dd.setData(track(pts(D.drawdownPct)));
  D.instruments.forEach(function (inst, i) {
    var price = make("chart-price-" + i).addSeries(LC.LineSeries, { color: "#374151", lineWidth: 1, priceFormat: { type: "price", precision: 4, minMove: 0.0001 } });
    price.setData(track(pts(inst.price)));
    var few = inst.markers.length <= 60;
    LC.createSeriesMarkers(price, inst.markers.map(function (m) {
      var buy = m[1] > 0;
      return { time: m[0], position: buy ? "belowBar" : "aboveBar", color: buy ? "#059669" : "#dc2626", shape: buy ? "arrowUp" : "arrowDown", text: few ? (buy ? "B " : "S ") + m[2] : "" };
    }));
    var pos = make("chart-position-" + i).addSeries(LC.LineSeries, { color: "#7c3aed", lineWidth: 2, lineType: 1, priceFormat: { type: "price", precision: 0, minMove: 1 } });
    pos.setData(track(pts(inst.position)));
  });
  var palette = ["#0891b2", "#ea580c", "#4f46e5", "#16a34a", "#db2777", "#ca8a04"];
  D.records.forEach(function (r, i) {
    var s = make("chart-record-" + i).addSeries(LC.LineSeries, { color: palette[i % palette.length], lineWidth: 2, priceFormat: { type: "price", precision: 4, minMove: 0.0001 } });
    s.setData(track(pts(r.points)));
  });
  // Fit every chart to its own data with the sync off (the series span nearly the same time; a
  // range pushed from one chart onto another can clip the other's last point). Fit again once the
  // layout has settled: a chart fitted before its container reached its final width shows a
  // slice of its data.
  function fitAll() {
    syncing = true;
    // An explicit logical range (every point, half a bar of margin each side): fitContent on
    // sub-pixel bar spacings was seen to leave the first and last points out.
    charts.forEach(function (c, k) {
      if (counts[k] > 0) c.timeScale().setVisibleLogicalRange({ from: -0.5, to: counts[k] - 0.5 });
    });
    syncing = false;
  }
  fitAll();
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      fitAll();
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          live = true;
          // Self-check the tests read: does every chart show all of its points?
          var whole = charts.every(function (c, k) {
            var r = c.timeScale().getVisibleLogicalRange();
            return counts[k] === 0 || (r !== null && r.from <= 0 && r.to >= counts[k] - 1);
          });
          document.body.setAttribute("data-charts-whole", whole ? "yes" : "no");
          document.body.setAttribute("data-charts-ready", String(charts.length));
        });
      });
    });
  });
})();
`;
