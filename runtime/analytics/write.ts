/**
 * Output files of a backtest (end-of-run code), all written atomically into the output directory
 * (created if missing; other files in it are left alone):
 * - report.json — the BacktestReport, validated against schemas/report.schema.json before writing;
 * - fills.csv — one row per fill; trades.csv — one row per round trip;
 * - equity.csv — the equity samples with drawdown, exposure, position and price per instrument;
 * - records.csv — the user `record` series (when the strategy declares any);
 * - report.html — the self-contained interactive report (html.ts).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import reportSchema from "../../schemas/report.schema.json" with { type: "json" };
import { writeFileAtomic } from "./atomic.js";
import { renderReportHtml } from "./html.js";
import { FillCol, TradeCol } from "./recorder.js";
import type { RunRecorder } from "./recorder.js";
import { epochNsText, isoFromNs } from "./time-format.js";
import type { BacktestReport } from "./types.js";

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(reportSchema);

/** Thrown when a report does not match its schema (a bug in the producer, never user input). */
export class ReportValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`report.json does not match schemas/report.schema.json:\n  ${problems.join("\n  ")}`);
    this.name = "ReportValidationError";
  }
}

/** Checks a report against the shipped JSON Schema; returns the problems (empty when valid). */
export function reportProblems(report: unknown): string[] {
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword}${e.keyword === "additionalProperties" ? ` '${String(e.params.additionalProperty)}'` : ""}`);
}

/** Throws ReportValidationError when `report` does not match the schema. */
export function assertValidReport(report: unknown): asserts report is BacktestReport {
  const problems = reportProblems(report);
  if (problems.length > 0) throw new ReportValidationError(problems);
}

/** Options of `writeBacktestOutputs`. */
export interface WriteOptions {
  /** Write report.html (default true). */
  html?: boolean;
}

/** Writes every output file into `outDir`; returns their absolute paths (report.json first). */
export function writeBacktestOutputs(outDir: string, rec: RunRecorder, report: BacktestReport, options: WriteOptions = {}): string[] {
  // Validate exactly what will be written (JSON turns NaN and Infinity into null).
  const json = `${JSON.stringify(report, null, 2)}\n`;
  assertValidReport(JSON.parse(json));
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, content: string | Iterable<string>): void => {
    const p = join(outDir, name);
    writeFileAtomic(p, content);
    written.push(p);
  };
  put("report.json", json);
  put("fills.csv", fillsCsv(rec));
  put("trades.csv", tradesCsv(rec));
  put("equity.csv", equityCsv(rec));
  if (report.recordSeries.length > 0) put("records.csv", recordsCsv(rec));
  if (options.html !== false) put("report.html", renderReportHtml(rec, report));
  return written;
}

// ---- CSV ----

/** A CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A number without binary-float noise (15 significant digits), "" for NaN, "Infinity" /
 * "-Infinity" for infinities (as the feature CSV; JavaScript's Number(), pandas, Python and polars
 * read them back).
 */
export function num(x: number): string {
  if (x !== x) return "";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return String(Number(x.toPrecision(15)));
}

/** A fixed-point price in currency, with the decimals its scale implies. */
export function priceText(fixed: number, priceScale: number): string {
  if (fixed !== fixed) return "";
  const decimals = Math.max(0, Math.min(12, Math.round(-Math.log10(priceScale))));
  const s = (fixed * priceScale).toFixed(decimals);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Yields a header then rows in batches (keeps memory flat for millions of rows). */
function* batched(header: string, rows: number, row: (r: number) => string): Generator<string> {
  yield `${header}\n`;
  let batch: string[] = [];
  for (let r = 0; r < rows; r++) {
    batch.push(row(r));
    if (batch.length === 2000) {
      yield `${batch.join("\n")}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join("\n")}\n`;
}

function symbols(rec: RunRecorder): string[] {
  return rec.options.instruments.map((i) => i.symbol);
}

/** fills.csv rows. */
export function fillsCsv(rec: RunRecorder): Generator<string> {
  const d = rec.fills.data;
  const w = rec.fills.width;
  const syms = symbols(rec).map(csvField);
  const scales = rec.options.instruments.map((i) => i.priceScale);
  const tb = rec.options.timeBase;
  return batched("time,ts_ns,symbol,side,price,qty,fee,liquidity,order_ref,queue_time_ns,position_after,warmup", rec.fills.rows, (r) => {
    const o = r * w;
    const i = d[o + FillCol.Instrument]!;
    const q = d[o + FillCol.QueueTimeNs]!;
    return [
      isoFromNs(tb, d[o + FillCol.Ts]!),
      epochNsText(tb, d[o + FillCol.Ts]!),
      syms[i],
      d[o + FillCol.Side]! > 0 ? "buy" : "sell",
      priceText(d[o + FillCol.Price]!, scales[i]!),
      num(d[o + FillCol.Qty]!),
      num(d[o + FillCol.Fee]!),
      d[o + FillCol.Liquidity] === 0 ? "maker" : "taker",
      num(d[o + FillCol.OrderRef]!),
      q >= 0 ? num(q) : "",
      num(d[o + FillCol.PositionAfter]!),
      d[o + FillCol.Warmup] === 1 ? "1" : "0",
    ].join(",");
  });
}

/** trades.csv rows (one per round trip). */
export function tradesCsv(rec: RunRecorder): Generator<string> {
  const d = rec.trades.data;
  const w = rec.trades.width;
  const syms = symbols(rec).map(csvField);
  const scales = rec.options.instruments.map((i) => i.priceScale);
  const tb = rec.options.timeBase;
  return batched(
    "trade,symbol,direction,entry_time,exit_time,duration_ns,entry_qty,max_position,avg_entry,avg_exit,gross_pnl,fees,net_pnl,mae,mfe,fills,warmup",
    rec.trades.rows,
    (r) => {
      const o = r * w;
      const i = d[o + TradeCol.Instrument]!;
      return [
        String(r + 1),
        syms[i],
        d[o + TradeCol.Direction]! > 0 ? "long" : "short",
        isoFromNs(tb, d[o + TradeCol.EntryTs]!),
        isoFromNs(tb, d[o + TradeCol.ExitTs]!),
        num(d[o + TradeCol.ExitTs]! - d[o + TradeCol.EntryTs]!),
        num(d[o + TradeCol.EntryQty]!),
        num(d[o + TradeCol.MaxPosition]!),
        num(d[o + TradeCol.AvgEntryPx]! * scales[i]!),
        num(d[o + TradeCol.AvgExitPx]! * scales[i]!),
        num(d[o + TradeCol.GrossPnl]!),
        num(d[o + TradeCol.Fees]!),
        num(d[o + TradeCol.NetPnl]!),
        num(d[o + TradeCol.Mae]!),
        num(d[o + TradeCol.Mfe]!),
        num(d[o + TradeCol.Fills]!),
        d[o + TradeCol.Warmup] === 1 ? "1" : "0",
      ].join(",");
    },
  );
}

/** equity.csv rows: drawdown from the running peak of equity. */
export function equityCsv(rec: RunRecorder): Generator<string> {
  const d = rec.samples.data;
  const w = rec.samples.width;
  const n = rec.instrumentCount;
  const syms = symbols(rec);
  const scales = rec.options.instruments.map((i) => i.priceScale);
  const tb = rec.options.timeBase;
  const header = ["time", "ts_ns", "equity", "drawdown", "drawdown_pct", "exposure", ...syms.map((s) => csvField(`position_${s}`)), ...syms.map((s) => csvField(`price_${s}`))].join(",");
  let peak = -Infinity;
  return batched(header, rec.samples.rows, (r) => {
    const o = r * w;
    const eq = d[o + 1]!;
    if (eq > peak) peak = eq;
    const dd = peak - eq;
    const cells = [isoFromNs(tb, d[o]!), epochNsText(tb, d[o]!), num(eq), num(dd), num(peak > 0 ? (dd / peak) * 100 : 0), num(d[o + 2]!)];
    for (let i = 0; i < n; i++) cells.push(num(d[o + 3 + i]!));
    for (let i = 0; i < n; i++) cells.push(priceText(d[o + 3 + n + i]!, scales[i]!));
    return cells.join(",");
  });
}

/** records.csv rows: one per `record(series, value)` call. */
export function recordsCsv(rec: RunRecorder): Generator<string> {
  const names = (rec.options.recordSeries ?? []).map(csvField);
  const ts = rec.recordTs.data;
  const sr = rec.recordSeries.data;
  const vs = rec.recordValue.data;
  const tb = rec.options.timeBase;
  return batched("time,ts_ns,series,value", rec.recordTs.length, (r) =>
    [isoFromNs(tb, ts[r]!), epochNsText(tb, ts[r]!), names[sr[r]!] ?? String(sr[r]), num(vs[r]!)].join(","),
  );
}
