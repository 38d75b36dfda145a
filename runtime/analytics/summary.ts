/**
 * The human summary of a report: one list of labelled, formatted metric rows shared by the console
 * table (`renderSummary`, for `algo backtest`) and report.html, plus the `--json` printer.
 */
import { annualization, MIN_RATIO_SPAN_TEXT, MIN_RETURN_SPAN_TEXT } from "./metrics.js";
import { formatDurationNs } from "./time-format.js";
import type { BacktestReport } from "./types.js";

/** One formatted metric. */
export interface MetricRow {
  group: string;
  label: string;
  value: string;
  /** Sign of the value for colouring (1 good, -1 bad, 0 neutral). */
  tone: number;
}

/** "12,345.67", "-3.50"; "—" for null. */
export function formatMoney(x: number | null): string {
  if (x === null) return "—";
  const v = Math.abs(x) < 0.005 ? 0 : x;
  return v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** "12.34%"; "—" for null. */
export function formatPct(x: number | null, digits = 2): string {
  if (x === null) return "—";
  // Small non-zero percentages keep two significant digits instead of rounding to 0.00%.
  if (x !== 0 && Math.abs(x) < 0.5 * 10 ** -digits) return `${Number(x.toPrecision(2))}%`;
  return `${x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}

/** A ratio with 2 decimals ("1.85"); "—" for null. */
export function formatRatio(x: number | null): string {
  return x === null ? "—" : x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** An integer count with separators. */
export function formatCount(x: number): string {
  return x.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

function duration(x: number | null): string {
  return x === null ? "—" : formatDurationNs(x);
}

function tone(x: number | null): number {
  return x === null || x === 0 ? 0 : x > 0 ? 1 : -1;
}

/**
 * How to show an annualised metric: its value, or "n/a (span … < …)" when the run is too short for
 * it to mean anything (metrics.ts, `annualization`) — a null there is a verdict, not missing data.
 */
export function annualizedText(report: BacktestReport, which: "ratio" | "return", value: string): string {
  const s = report.sampling;
  const ann = annualization(s.periods, s.intervalNs);
  if (s.periods === 0 || (which === "ratio" ? ann.ratios : ann.returns)) return value;
  return `n/a (span ${formatDurationNs(ann.spanNs)} < ${which === "ratio" ? MIN_RATIO_SPAN_TEXT : MIN_RETURN_SPAN_TEXT})`;
}

/** Every metric of the report, grouped and formatted, in display order. */
export function metricRows(report: BacktestReport): MetricRow[] {
  const m = report.metrics;
  const rows: MetricRow[] = [];
  const add = (group: string, label: string, value: string, t = 0): void => {
    rows.push({ group, label, value, tone: t });
  };
  const P = "Performance";
  add(P, "Net P&L", formatMoney(m.netPnl), tone(m.netPnl));
  add(P, "Gross P&L (before fees)", formatMoney(m.grossPnl), tone(m.grossPnl));
  add(P, "Return", formatPct(m.returnPct), tone(m.returnPct));
  add(P, "Annualised return", annualizedText(report, "return", formatPct(m.annualizedReturnPct)), tone(m.annualizedReturnPct));
  add(P, "Starting equity", formatMoney(m.startingEquity));
  add(P, "Final equity", formatMoney(m.finalEquity));
  const R = "Risk";
  add(R, "Sharpe (annualised)", annualizedText(report, "ratio", formatRatio(m.sharpe)), tone(m.sharpe));
  add(R, "Sortino (annualised)", annualizedText(report, "ratio", formatRatio(m.sortino)), tone(m.sortino));
  add(R, "Max drawdown", `${formatMoney(m.maxDrawdown)} (${formatPct(m.maxDrawdownPct)})`, m.maxDrawdown > 0 ? -1 : 0);
  add(R, "Max drawdown duration", duration(m.maxDrawdownDurationNs));
  add(R, "Max run-up", `${formatMoney(m.maxRunup)} (${formatPct(m.maxRunupPct)})`);
  add(R, "Calmar", annualizedText(report, "return", formatRatio(m.calmar)), tone(m.calmar));
  add(R, "Recovery factor", formatRatio(m.recoveryFactor), tone(m.recoveryFactor));
  add(R, "Max exposure", formatMoney(m.maxExposure));
  add(R, "Average exposure", formatMoney(m.avgExposure));
  const T = "Trades";
  add(T, "Round trips", formatCount(m.roundTrips));
  add(T, "Winning / losing", `${formatCount(m.winningTrades)} / ${formatCount(m.losingTrades)}`);
  add(T, "Hit rate", formatPct(m.hitRatePct, 1));
  add(T, "Profit factor", formatRatio(m.profitFactor), m.profitFactor === null ? 0 : m.profitFactor >= 1 ? 1 : -1);
  add(T, "Winning / losing trades (net of fees)", `${formatMoney(m.grossProfit)} / ${formatMoney(m.grossLoss)}`);
  add(T, "Average trade", formatMoney(m.avgTrade), tone(m.avgTrade));
  add(T, "Average win / loss", `${formatMoney(m.avgWin)} / ${formatMoney(m.avgLoss)}`);
  add(T, "Largest win / loss", `${formatMoney(m.largestWin)} / ${formatMoney(m.largestLoss)}`);
  add(T, "Average MAE / MFE", `${formatMoney(m.avgMae)} / ${formatMoney(m.avgMfe)}`);
  add(T, "Max consecutive wins / losses", `${formatCount(m.maxConsecutiveWins)} / ${formatCount(m.maxConsecutiveLosses)}`);
  add(T, "Max contracts held", formatCount(m.maxContractsHeld));
  add(T, "Average trade duration", duration(m.avgTradeDurationNs));
  add(T, "Average holding time (FIFO)", duration(m.avgHoldingTimeNs));
  const E = "Execution";
  add(E, "Orders / cancels", `${formatCount(m.orders)} / ${formatCount(m.cancels)}`);
  add(E, "Fills (maker / taker)", `${formatCount(m.fills)} (${formatCount(m.makerFills)} / ${formatCount(m.takerFills)})`);
  add(E, "Fill ratio (filled / submitted qty)", formatPct(m.fillRatioPct, 1));
  add(E, "Average time in queue", duration(m.avgQueueTimeNs));
  add(E, "Traded notional", formatMoney(m.tradedNotional));
  add(E, "Turnover (× equity)", formatRatio(m.turnover));
  add(E, "Fees paid / rebates", `${formatMoney(m.feesPaid)} / ${formatMoney(m.rebates)}`);
  add(E, "Refusals", refusalText(report), m.refusals > 0 ? -1 : 0);
  const X = "Run";
  add(X, "Events processed", formatCount(report.run.eventsProcessed));
  add(X, "Events / second", report.run.eventsPerSecond === null ? "—" : formatCount(report.run.eventsPerSecond));
  add(X, "Warm-up (excluded)", report.warmup.ready ? report.warmup.duration : "never ready");
  add(X, "Sampling", `${report.sampling.interval} grid, ${formatCount(report.sampling.periods)} periods`);
  return rows;
}

function refusalText(report: BacktestReport): string {
  const parts = Object.entries(report.refusals.byReason).map(([k, v]) => `${k} ${formatCount(v)}`);
  return parts.length === 0 ? "0" : `${formatCount(report.refusals.total)} (${parts.join(", ")})`;
}

/** The console summary: an aligned plain-text table in two columns per group, with a PARTIAL line when partial. */
export function renderSummary(report: BacktestReport, options: { outDir?: string } = {}): string {
  const rows = metricRows(report);
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  // Long values (a list of refusal reasons) do not widen the whole column.
  const valueWidth = Math.max(...rows.map((r) => (r.value.length <= 28 ? r.value.length : 0)));
  const lines: string[] = [];
  const title = `Backtest${report.run.strategy ? ` ${report.run.strategy}` : ""}: ${report.run.start ?? "?"} → ${report.run.end ?? "?"}`;
  lines.push(title);
  if (report.run.partial) lines.push(`PARTIAL: ${report.run.partialReason ?? "stopped early"}; metrics cover what was replayed`);
  if (report.run.halted) lines.push("HALTED: the max_loss kill switch stopped trading");
  let group = "";
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      lines.push("", `  ${group}`);
    }
    lines.push(`    ${r.label.padEnd(labelWidth)}  ${r.value.padStart(valueWidth)}`);
  }
  lines.push("", `  Latency: ${report.assumptions.latency}`, `  Queue:   ${report.assumptions.queueModel}`, `  Fees:    ${report.assumptions.fees}`);
  // The notes are assumptions too (an instrument bound to another symbol, unknown tick size, book
  // start, orders settled after the end): never only in report.json.
  const notes = report.assumptions.notes ?? [];
  if (notes.length > 0) {
    lines.push("", "  Notes:");
    for (const n of notes) lines.push(`    - ${n}`);
  }
  if (options.outDir) lines.push("", `  Report: ${options.outDir}/report.html`);
  return `${lines.join("\n")}\n`;
}

/** The `--json` output: the metrics with run facts, one JSON object on one line plus a newline. */
export function renderMetricsJson(report: BacktestReport): string {
  return `${JSON.stringify({
    partial: report.run.partial,
    halted: report.run.halted,
    eventsProcessed: report.run.eventsProcessed,
    warmupNs: report.warmup.durationNs,
    sampling: { intervalNs: report.sampling.intervalNs, periodsPerYear: report.sampling.periodsPerYear, periods: report.sampling.periods },
    metrics: report.metrics,
    refusals: report.refusals.byReason,
  })}\n`;
}
