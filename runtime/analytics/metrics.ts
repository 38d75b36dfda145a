/**
 * Metric definitions (end-of-run code). Each function is pure over plain arrays so tests can check
 * it against hand ledgers and naive recomputations. Definitions:
 *
 * - Returns grid: equity at every multiple of the sampling interval Δ from the end of the warm-up to
 *   the end of the run. The recorder samples the portfolio at the first event on or after each grid
 *   point, before applying it, which is the exact state at that grid point and at every grid point
 *   skipped since (no event, no change): so a sample covering c grid points contributes one return
 *   and c - 1 zero returns. The last, partial period counts as one period.
 * - Sharpe = mean / sample stdev of grid simple returns × √periodsPerYear (risk-free rate 0).
 * - Sortino = mean / √(Σ min(r, 0)² / N) × √periodsPerYear (target 0, downside over all N periods).
 * - Drawdown/run-up on every equity sample after the warm-up; drawdown duration = time from a peak
 *   to the first sample back at or above it (or to the end when never recovered).
 * - Calmar = annualised return % (linear: return % × periodsPerYear / periods) / max drawdown %.
 * - Annualisation needs a long enough span of returns (the grid: periods × Δ). Sharpe and Sortino
 *   are reported only when it spans at least MIN_RATIO_SPAN_NS (30 days): below that √periodsPerYear
 *   (×5,617 on a 1 s grid) extrapolates hours of returns to a year and the ratio is noise. The
 *   annualised return and Calmar need at least a year (GIPS: returns for periods of less than one
 *   year must not be annualised). Shorter runs report them as null, say why in the notes and the
 *   sampling text, and the summary and HTML show "n/a (span … < …)".
 * - Trade statistics on closed round trips (flat → flat) that opened after the warm-up.
 * - Fill ratio = quantity filled on the orders sent after the warm-up / quantity submitted by those
 *   orders (each order's initial quantity, plus what modifies added above its largest earlier total).
 *   An order never fills more than its current total, which never exceeds its largest total, so the
 *   ratio is at most 100%.
 */
import type { RunRecorder, FinishInfo } from "./recorder.js";
import { TradeCol, FillCol } from "./recorder.js";
import { formatDurationNs, isoFromNs } from "./time-format.js";
import { ORDER_TYPE_NAMES, REPORT_SCHEMA_VERSION } from "./types.js";
import type { BacktestMetrics, BacktestReport, ReportInstrument } from "./types.js";

const DAY_NS = 86_400e9;
const YEAR_NS = 365.25 * DAY_NS;
/** Shortest span of the returns grid over which Sharpe and Sortino are annualised (30 days). */
export const MIN_RATIO_SPAN_NS = 30 * DAY_NS;
/** Shortest span over which the return (and Calmar) is annualised: one year of 365.25 days. */
export const MIN_RETURN_SPAN_NS = YEAR_NS;

/** MIN_RATIO_SPAN_NS and MIN_RETURN_SPAN_NS in words. */
export const MIN_RATIO_SPAN_TEXT = "30 days";
export const MIN_RETURN_SPAN_TEXT = "1 year";

/** Which annualised metrics a returns grid of `periods` × `intervalNs` supports (see file comment). */
export interface Annualization {
  /** Span of the returns grid (ns). */
  spanNs: number;
  /** Sharpe and Sortino are meaningful (span >= MIN_RATIO_SPAN_NS). */
  ratios: boolean;
  /** Annualised return and Calmar are meaningful (span >= MIN_RETURN_SPAN_NS). */
  returns: boolean;
}

/** The annualisation verdict for a grid (also used by the summary and the HTML to explain an n/a). */
export function annualization(periods: number, intervalNs: number): Annualization {
  const spanNs = periods * intervalNs;
  return { spanNs, ratios: periods > 1 && spanNs >= MIN_RATIO_SPAN_NS, returns: periods > 0 && spanNs >= MIN_RETURN_SPAN_NS };
}

/** Return statistics on the grid (see file comment). */
export interface GridReturnStats {
  /** Number of grid returns N (including zero returns of quiet periods). */
  periods: number;
  mean: number;
  /** Sample standard deviation (N - 1). */
  stdev: number;
  /** √(Σ min(r,0)² / N). */
  downsideDeviation: number;
  sharpe: number | null;
  sortino: number | null;
  /** Grid-weighted average of the exposure column (0 with no periods). */
  avgExposure: number;
}

/**
 * Grid returns of `equity` sampled at `ts` (nondecreasing), starting at sample `start` (the base),
 * on a grid of `intervalNs`; `exposure` is averaged on the same grid.
 */
export function gridReturnStats(
  ts: ArrayLike<number>,
  equity: ArrayLike<number>,
  exposure: ArrayLike<number>,
  start: number,
  end: number,
  intervalNs: number,
  periodsPerYear: number,
): GridReturnStats {
  const nonzero: number[] = [];
  let zeros = 0;
  let expoSum = 0;
  let expoCount = 0;
  if (start < end) {
    let lastValue = equity[start]!;
    let prevTs = ts[start]!;
    for (let j = start + 1; j <= end; j++) {
      let covered = Math.floor(ts[j]! / intervalNs) - Math.floor(prevTs / intervalNs);
      if (j === end && covered === 0 && ts[j]! > ts[start]!) covered = 1;
      prevTs = ts[j]!;
      if (covered <= 0) continue;
      const r = lastValue !== 0 ? equity[j]! / lastValue - 1 : 0;
      if (r !== 0) nonzero.push(r);
      else zeros++;
      zeros += covered - 1;
      expoSum += exposure[j]! * covered;
      expoCount += covered;
      lastValue = equity[j]!;
    }
  }
  const n = nonzero.length + zeros;
  let sum = 0;
  for (const r of nonzero) sum += r;
  const mean = n > 0 ? sum / n : 0;
  let ss = zeros * mean * mean;
  let down = 0;
  for (const r of nonzero) {
    ss += (r - mean) * (r - mean);
    if (r < 0) down += r * r;
  }
  const stdev = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const downsideDeviation = n > 0 ? Math.sqrt(down / n) : 0;
  const ann = Math.sqrt(periodsPerYear);
  return {
    periods: n,
    mean,
    stdev,
    downsideDeviation,
    sharpe: n > 1 && stdev > 0 ? (mean / stdev) * ann : null,
    sortino: n > 0 && downsideDeviation > 0 ? (mean / downsideDeviation) * ann : null,
    avgExposure: expoCount > 0 ? expoSum / expoCount : 0,
  };
}

/** Drawdown and run-up of an equity series (samples start..end inclusive). */
export interface DrawdownStats {
  maxDrawdown: number;
  maxDrawdownPct: number;
  maxDrawdownDurationNs: number;
  maxRunup: number;
  maxRunupPct: number;
}

/** Peak-to-trough drawdown, its longest duration, and trough-to-peak run-up (see file comment). */
export function drawdownStats(ts: ArrayLike<number>, equity: ArrayLike<number>, start: number, end: number): DrawdownStats {
  const out: DrawdownStats = { maxDrawdown: 0, maxDrawdownPct: 0, maxDrawdownDurationNs: 0, maxRunup: 0, maxRunupPct: 0 };
  if (start > end) return out;
  let peak = equity[start]!;
  let peakTs = ts[start]!;
  let trough = equity[start]!;
  let below = false;
  for (let j = start; j <= end; j++) {
    const e = equity[j]!;
    if (e >= peak) {
      if (below) out.maxDrawdownDurationNs = Math.max(out.maxDrawdownDurationNs, ts[j]! - peakTs);
      below = false;
      peak = e;
      peakTs = ts[j]!;
    } else {
      below = true;
      out.maxDrawdown = Math.max(out.maxDrawdown, peak - e);
      if (peak > 0) out.maxDrawdownPct = Math.max(out.maxDrawdownPct, ((peak - e) / peak) * 100);
    }
    if (e < trough) trough = e;
    out.maxRunup = Math.max(out.maxRunup, e - trough);
    if (trough > 0) out.maxRunupPct = Math.max(out.maxRunupPct, ((e - trough) / trough) * 100);
  }
  if (below) out.maxDrawdownDurationNs = Math.max(out.maxDrawdownDurationNs, ts[end]! - peakTs);
  return out;
}

/** Statistics of closed round trips (net P&L, duration, excursions). */
export interface TradeStats {
  roundTrips: number;
  winningTrades: number;
  losingTrades: number;
  grossProfit: number;
  grossLoss: number;
  hitRatePct: number | null;
  profitFactor: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  avgTrade: number | null;
  largestWin: number | null;
  largestLoss: number | null;
  avgTradeDurationNs: number | null;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  avgMae: number | null;
  avgMfe: number | null;
  worstMae: number | null;
  bestMfe: number | null;
}

/** One closed round trip as the statistics need it. */
export interface TradeOutcome {
  netPnl: number;
  durationNs: number;
  mae: number;
  mfe: number;
}

/** Win/loss statistics; a trade with net P&L exactly 0 is neither a win nor a loss (it counts in hit rate's denominator). */
export function tradeStats(trades: readonly TradeOutcome[]): TradeStats {
  let wins = 0;
  let losses = 0;
  let profit = 0;
  let loss = 0;
  let largestWin: number | null = null;
  let largestLoss: number | null = null;
  let dur = 0;
  let mae = 0;
  let mfe = 0;
  let worstMae: number | null = null;
  let bestMfe: number | null = null;
  let total = 0;
  let runWins = 0;
  let runLosses = 0;
  let maxWins = 0;
  let maxLosses = 0;
  for (const t of trades) {
    total += t.netPnl;
    // A scratch trade (net 0) breaks both runs.
    runWins = t.netPnl > 0 ? runWins + 1 : 0;
    runLosses = t.netPnl < 0 ? runLosses + 1 : 0;
    if (runWins > maxWins) maxWins = runWins;
    if (runLosses > maxLosses) maxLosses = runLosses;
    if (t.netPnl > 0) {
      wins++;
      profit += t.netPnl;
      if (largestWin === null || t.netPnl > largestWin) largestWin = t.netPnl;
    } else if (t.netPnl < 0) {
      losses++;
      loss += t.netPnl;
      if (largestLoss === null || t.netPnl < largestLoss) largestLoss = t.netPnl;
    }
    dur += t.durationNs;
    mae += t.mae;
    mfe += t.mfe;
    if (worstMae === null || t.mae < worstMae) worstMae = t.mae;
    if (bestMfe === null || t.mfe > bestMfe) bestMfe = t.mfe;
  }
  const n = trades.length;
  return {
    roundTrips: n,
    winningTrades: wins,
    losingTrades: losses,
    grossProfit: profit,
    grossLoss: loss,
    hitRatePct: n > 0 ? (wins / n) * 100 : null,
    profitFactor: losses > 0 ? profit / -loss : null,
    avgWin: wins > 0 ? profit / wins : null,
    avgLoss: losses > 0 ? loss / losses : null,
    avgTrade: n > 0 ? total / n : null,
    largestWin,
    largestLoss,
    avgTradeDurationNs: n > 0 ? dur / n : null,
    maxConsecutiveWins: maxWins,
    maxConsecutiveLosses: maxLosses,
    avgMae: n > 0 ? mae / n : null,
    avgMfe: n > 0 ? mfe / n : null,
    worstMae,
    bestMfe,
  };
}

/** Human form of an annualisation factor, e.g. "31,557,600 periods/year (calendar year / 1s)". */
function describeAnnualization(ppy: number, intervalNs: number, custom: boolean): string {
  const n = ppy.toLocaleString("en-US", { maximumFractionDigits: 2 });
  return custom ? `${n} periods/year (configured)` : `${n} periods/year (calendar year of 365.25 days / ${formatDurationNs(intervalNs)})`;
}

/** The sampling text's sentence on which annualised metrics this span supports. */
function annualizationText(ann: Annualization): string {
  const rule = `Annualised metrics need a span of returns of at least ${MIN_RATIO_SPAN_TEXT} (Sharpe, Sortino) and ${MIN_RETURN_SPAN_TEXT} (annualised return, Calmar; returns of less than a year are not annualised)`;
  if (ann.ratios && ann.returns) return `${rule}: this span (${formatDurationNs(ann.spanNs)}) has both.`;
  if (ann.ratios) return `${rule}: this span (${formatDurationNs(ann.spanNs)}) is too short for the annualised return and Calmar, reported as not meaningful (null).`;
  return `${rule}: this span (${formatDurationNs(ann.spanNs)}) is too short for all four, reported as not meaningful (null).`;
}

/** The note a report carries when some annualised metric is withheld. */
function annualizationNote(ann: Annualization): string {
  const which = ann.ratios ? "Annualised return and Calmar are" : "Sharpe, Sortino, annualised return and Calmar are";
  const need = ann.ratios ? MIN_RETURN_SPAN_TEXT : MIN_RATIO_SPAN_TEXT;
  return `${which} not meaningful for this run and reported as null: the returns after the warm-up span ${formatDurationNs(ann.spanNs)}, less than the ${need} annualising them needs (the unannualised return is reported).`;
}

function finiteOrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

/** Builds the report from a recorder at the end of the run (called by `RunRecorder.finish`). */
export function computeReport(rec: RunRecorder, info: FinishInfo): BacktestReport {
  const opts = rec.options;
  const n = rec.instrumentCount;
  const w = rec.samples.width;
  const rows = rec.samples.rows;
  const sd = rec.samples.data;
  const ts = new Float64Array(rows);
  const eq = new Float64Array(rows);
  const ex = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    ts[r] = sd[r * w]!;
    eq[r] = sd[r * w + 1]!;
    ex[r] = sd[r * w + 2]!;
  }
  const ready = rec.readyTs !== Infinity;
  // The metrics start at the ready sample (or the first sample without warm-up).
  let start = 0;
  if (rec.readyTs > -Infinity) {
    start = rows; // never ready: no span
    if (ready) for (let r = 0; r < rows; r++) if (ts[r]! >= rec.readyTs) { start = r; break; }
  }
  const end = rows - 1;
  const hasSpan = start <= end && rows > 0;
  const startingEquity = hasSpan ? eq[start]! : opts.initialCapital;
  const finalEquity = info.equity;
  const interval = rec.sampleIntervalNs;
  const grid = gridReturnStats(ts, eq, ex, hasSpan ? start : 0, hasSpan ? end : -1, interval, rec.periodsPerYear);
  const dd = hasSpan ? drawdownStats(ts, eq, start, end) : drawdownStats(ts, eq, 0, -1);
  let maxExposure = 0;
  if (hasSpan) for (let r = start; r <= end; r++) if (ex[r]! > maxExposure) maxExposure = ex[r]!;

  // Trades after the warm-up.
  const outcomes: TradeOutcome[] = [];
  const td = rec.trades.data;
  const tw = rec.trades.width;
  // The round trip still open at the end counts too (Pine's "max contracts held" is over the run).
  let maxContractsHeld = 0;
  for (let i = 0; i < n; i++) if (rec.openTradeMaxPosition(i) > maxContractsHeld) maxContractsHeld = rec.openTradeMaxPosition(i);
  for (let r = 0; r < rec.trades.rows; r++) {
    const o = r * tw;
    if (td[o + TradeCol.Warmup] === 1) continue;
    if (td[o + TradeCol.MaxPosition]! > maxContractsHeld) maxContractsHeld = td[o + TradeCol.MaxPosition]!;
    outcomes.push({
      netPnl: td[o + TradeCol.NetPnl]!,
      durationNs: td[o + TradeCol.ExitTs]! - td[o + TradeCol.EntryTs]!,
      mae: td[o + TradeCol.Mae]!,
      mfe: td[o + TradeCol.Mfe]!,
    });
  }
  const trades = tradeStats(outcomes);

  // Fills after the warm-up.
  let fills = 0;
  let filledQty = 0;
  let maker = 0;
  let taker = 0;
  let notional = 0;
  let feesPaid = 0;
  let rebates = 0;
  const fd = rec.fills.data;
  const fw = rec.fills.width;
  for (let r = 0; r < rec.fills.rows; r++) {
    const o = r * fw;
    if (fd[o + FillCol.Warmup] === 1) continue;
    fills++;
    const qty = fd[o + FillCol.Qty]!;
    filledQty += qty;
    if (fd[o + FillCol.Liquidity] === 0) maker++;
    else taker++;
    const inst = fd[o + FillCol.Instrument]!;
    notional += Math.abs(qty * fd[o + FillCol.Price]! * rec.valuePerUnit[inst]!);
    const fee = fd[o + FillCol.Fee]!;
    if (fee >= 0) feesPaid += fee;
    else rebates -= fee;
  }
  const netPnl = finalEquity - startingEquity;
  const returnPct = startingEquity !== 0 ? (netPnl / startingEquity) * 100 : null;
  const ann = annualization(grid.periods, interval);
  const annualizedReturnPct = ann.returns && returnPct !== null ? (returnPct * rec.periodsPerYear) / grid.periods : null;
  const refusalNames = opts.refusalReasons ?? [];
  const byReason: Record<string, number> = {};
  let refusals = 0;
  for (let k = 0; k < rec.refusalsByReason.length; k++) {
    const c = rec.refusalsByReason[k]!;
    refusals += c;
    if (c > 0) byReason[k < refusalNames.length ? refusalNames[k]! : "other"] = c;
  }

  const metrics: BacktestMetrics = {
    startingEquity,
    finalEquity,
    netPnl,
    grossPnl: netPnl + feesPaid - rebates,
    returnPct: finiteOrNull(returnPct),
    annualizedReturnPct: finiteOrNull(annualizedReturnPct),
    grossProfit: trades.grossProfit,
    grossLoss: trades.grossLoss,
    sharpe: ann.ratios ? finiteOrNull(grid.sharpe) : null,
    sortino: ann.ratios ? finiteOrNull(grid.sortino) : null,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownPct: dd.maxDrawdownPct,
    maxDrawdownDurationNs: dd.maxDrawdownDurationNs,
    maxRunup: dd.maxRunup,
    maxRunupPct: dd.maxRunupPct,
    calmar: annualizedReturnPct !== null && dd.maxDrawdownPct > 0 ? finiteOrNull(annualizedReturnPct / dd.maxDrawdownPct) : null,
    roundTrips: trades.roundTrips,
    winningTrades: trades.winningTrades,
    losingTrades: trades.losingTrades,
    hitRatePct: trades.hitRatePct,
    profitFactor: trades.profitFactor,
    avgWin: trades.avgWin,
    avgLoss: trades.avgLoss,
    avgTrade: trades.avgTrade,
    largestWin: trades.largestWin,
    largestLoss: trades.largestLoss,
    maxConsecutiveWins: trades.maxConsecutiveWins,
    maxConsecutiveLosses: trades.maxConsecutiveLosses,
    maxContractsHeld,
    recoveryFactor: dd.maxDrawdown > 0 ? netPnl / dd.maxDrawdown : null,
    avgTradeDurationNs: trades.avgTradeDurationNs,
    avgHoldingTimeNs: rec.fifoClosedQty > 0 ? rec.fifoHoldQtyNs / rec.fifoClosedQty : null,
    fifoMatches: rec.fifoMatches,
    avgMae: trades.avgMae,
    avgMfe: trades.avgMfe,
    worstMae: trades.worstMae,
    bestMfe: trades.bestMfe,
    orders: rec.orders,
    orderedQty: rec.orderedQty,
    cancels: rec.cancels,
    fills,
    filledQty,
    makerFills: maker,
    takerFills: taker,
    fillRatioPct: rec.orderedQty > 0 ? (rec.countedFilledQty / rec.orderedQty) * 100 : null,
    avgQueueTimeNs: rec.queueTimeCount > 0 ? rec.queueTimeSum / rec.queueTimeCount : null,
    tradedNotional: notional,
    turnover: startingEquity > 0 ? notional / startingEquity : null,
    feesPaid,
    rebates,
    netFees: feesPaid - rebates,
    maxExposure,
    avgExposure: grid.avgExposure,
    refusals,
  };

  const instruments: ReportInstrument[] = [];
  for (let i = 0; i < n; i++) {
    const info2 = opts.instruments[i]!;
    const mark = rec.lastMark[i]!;
    instruments.push({
      index: i,
      symbol: info2.symbol,
      priceScale: info2.priceScale,
      tickSize: info2.tickSize * info2.priceScale,
      multiplier: info2.multiplier || 1,
      finalPosition: rec.position[i]!,
      lastPrice: mark === mark ? mark * info2.priceScale : null,
      fills: rec.fillsByInstrument[i]!,
      roundTrips: rec.tripsByInstrument[i]!,
      closedTradesNetPnl: rec.netByInstrument[i]!,
    });
  }

  const tb = opts.timeBase;
  const firstTs = rec.firstTs;
  const lastTs = rec.lastTs;
  const haveTimes = firstTs === firstTs && lastTs === lastTs;
  const warmEnd = ready ? (rec.readyTs === -Infinity ? firstTs : rec.readyTs) : lastTs;
  const warmupNs = haveTimes && warmEnd === warmEnd ? Math.max(0, warmEnd - firstTs) : 0;
  const samplingText = `Sharpe and Sortino from simple returns of equity on a ${formatDurationNs(interval)} grid of event time (the state at each grid point; quiet periods have zero return), from the end of the warm-up to the end of the run (${grid.periods} periods); risk-free rate 0; annualised with ${describeAnnualization(rec.periodsPerYear, interval, opts.periodsPerYear !== undefined)}. ${annualizationText(ann)} Drawdown and exposure from the same ${formatDurationNs(interval)} equity samples.`;
  const ordersByType: string[] = [];
  for (let k = 0; k < ORDER_TYPE_NAMES.length; k++) if (rec.ordersByType[k]! > 0) ordersByType.push(`${ORDER_TYPE_NAMES[k]} ${rec.ordersByType[k]}`);
  const notes = [...(opts.assumptions.notes ?? [])];
  if (grid.periods > 0 && (!ann.ratios || !ann.returns)) notes.push(annualizationNote(ann));
  if (ordersByType.length > 0) notes.push(`Orders by type: ${ordersByType.join(", ")}.`);
  const files = ["report.json", "report.html", "equity.csv", "trades.csv", "fills.csv"];
  if ((opts.recordSeries?.length ?? 0) > 0) files.push("records.csv");
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: { name: "algo", version: opts.generatorVersion ?? "0.0.0" },
    run: {
      strategy: opts.strategy ?? null,
      dataFiles: [...(opts.dataFiles ?? [])],
      params: { ...(opts.params ?? {}) },
      seed: opts.seed ?? null,
      partial: info.partial === true,
      partialReason: info.partial ? (info.partialReason ?? "stopped before the end of the data") : null,
      halted: info.halted === true,
      eventsProcessed: info.eventsProcessed,
      wallSeconds: info.wallSeconds,
      eventsPerSecond: info.wallSeconds > 0 ? info.eventsProcessed / info.wallSeconds : null,
      start: haveTimes ? isoFromNs(tb, firstTs) : null,
      end: haveTimes ? isoFromNs(tb, lastTs) : null,
      timeBaseNs: tb.toString(),
    },
    warmup: {
      ready,
      start: haveTimes ? isoFromNs(tb, firstTs) : null,
      end: ready && haveTimes ? isoFromNs(tb, warmEnd) : null,
      durationNs: warmupNs,
      duration: formatDurationNs(warmupNs),
    },
    assumptions: {
      latency: opts.assumptions.latency,
      queueModel: opts.assumptions.queueModel,
      fees: opts.assumptions.fees,
      notes,
      sampling: samplingText,
      tradeDefinition:
        "A round trip runs from flat to flat on one instrument; a fill that reverses the position closes one and opens the next (its fee split by quantity). Trade P&L comes from fill prices and fees; MAE/MFE are the worst/best open P&L before fees at any mark or fill during the trade. Holding time matches fills first-in first-out (quantity-weighted). A position open at the end counts in net P&L at its last mark, not in trade statistics; trades opened during the warm-up are excluded.",
    },
    sampling: {
      intervalNs: interval,
      interval: formatDurationNs(interval),
      periodsPerYear: rec.periodsPerYear,
      periods: grid.periods,
      method: samplingText,
      annualization: { spanNs: ann.spanNs, ratios: ann.ratios, returns: ann.returns },
    },
    instruments,
    metrics,
    refusals: { total: refusals, byReason },
    recordSeries: [...(opts.recordSeries ?? [])],
    files,
  };
}
