/**
 * Every metric of a tiny scenario against numbers computed by hand (the ledger is written out in
 * the comments). Instrument: price in cents (priceScale 0.01), multiplier 2, so one contract moving
 * one fixed-point unit is worth 0.02. Capital 10,000; equity sampled every 1000 ns.
 *
 *  t=100   buy 2 @ 10000, fee 1            pos +2   cash 10000 - 400 - 1      = 9599
 *  t=1000  (sample) mark 10100             equity 9599 + 2·10100·0.02         = 10003
 *  t=1500  sell 1 @ 9950, fee 1            pos +1   cash 9599 + 199 - 1       = 9797
 *  t=2000  (sample) mark 9900              equity 9797 + 198                  = 9995
 *  t=2500  sell 3 @ 10200, fee 1.5         pos -2   cash 9797 + 612 - 1.5     = 10407.5
 *          → closes the long (1 lot, fee 0.5) and opens a short of 2 (fee 1.0)
 *  t=3000  (sample) mark 10200             equity 10407.5 - 408               = 9999.5
 *  t=3300  buy 2 @ 10100, rebate 0.4       pos 0    cash 10407.5 - 404 + 0.4  = 10003.9
 *  end 3500                                equity                             = 10003.9
 *
 *  Round trip 1 (long): gross (−20000 + 9950 + 10200)·0.02 = 3.0, fees 2.5, net 0.5, 100 → 2500.
 *    MAE: mark 9900 with pos 2 → (−20000 + 19800)·0.02 = −4; MFE: mark 10100 → +4.
 *  Round trip 2 (short): gross (20400 − 20200)·0.02 = 4.0, fees 1.0 − 0.4 = 0.6, net 3.4, 2500 → 3300.
 *  FIFO: 1 lot held 1400 ns, 1 lot 2400 ns, 2 lots 800 ns → (1400 + 2400 + 1600) / 4 = 1350 ns.
 */
import { describe, expect, it } from "vitest";
import { annualization, gridReturnStats, MIN_RATIO_SPAN_NS, MIN_RETURN_SPAN_NS } from "../../runtime/analytics/metrics.js";
import { FillCol, TradeCol } from "../../runtime/analytics/recorder.js";
import { annualizedText } from "../../runtime/analytics/summary.js";
import { handScenario, runScript, testInstrument } from "./scenario.js";
import type { Step } from "./scenario.js";

const YEAR_NS = 365.25 * 86_400e9;

/** Relative closeness for large annualised numbers. */
function expectRel(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! / expected - 1)).toBeLessThan(1e-9);
}

function run() {
  return runScript(handScenario(), {
    instruments: [testInstrument()],
    initialCapital: 10_000,
    sampleIntervalNs: 1000,
    recordSeries: ["signal"],
    refusalReasons: ["max_position", "order_rate"],
  }, 3500);
}

describe("metrics against a hand ledger", () => {
  const { report, rec } = run();
  const m = report.metrics;

  it("P&L, return, fees", () => {
    expect(m.startingEquity).toBe(10_000);
    expect(m.finalEquity).toBeCloseTo(10_003.9, 9);
    expect(m.netPnl).toBeCloseTo(3.9, 9);
    expect(m.feesPaid).toBeCloseTo(3.5, 12);
    expect(m.rebates).toBeCloseTo(0.4, 12);
    expect(m.netFees).toBeCloseTo(3.1, 12);
    expect(m.grossPnl).toBeCloseTo(7.0, 9);
    expect(m.returnPct).toBeCloseTo(0.039, 9);
  });

  it("round trips, win/loss statistics, MAE/MFE", () => {
    expect(m.roundTrips).toBe(2);
    expect(m.winningTrades).toBe(2);
    expect(m.losingTrades).toBe(0);
    expect(m.grossProfit).toBeCloseTo(3.9, 9);
    expect(m.grossLoss).toBe(0);
    expect(m.hitRatePct).toBe(100);
    expect(m.profitFactor).toBeNull();
    expect(m.avgWin).toBeCloseTo(1.95, 9);
    expect(m.largestWin).toBeCloseTo(3.4, 9);
    expect(m.largestLoss).toBeNull();
    expect(m.avgTradeDurationNs).toBe((2400 + 800) / 2);
    expect(m.avgMae).toBeCloseTo(-2, 9);
    expect(m.avgMfe).toBeCloseTo(4, 9);
    expect(m.worstMae).toBeCloseTo(-4, 9);
    expect(m.bestMfe).toBeCloseTo(4, 9);
    expect(m.fifoMatches).toBe(3);
    expect(m.maxConsecutiveWins).toBe(2);
    expect(m.maxConsecutiveLosses).toBe(0);
    expect(m.maxContractsHeld).toBe(2);
    expect(m.avgHoldingTimeNs).toBe(1350);

    const d = rec.trades.data;
    const w = rec.trades.width;
    expect(rec.trades.rows).toBe(2);
    expect(d[TradeCol.Direction]).toBe(1);
    expect(d[TradeCol.GrossPnl]).toBeCloseTo(3, 9);
    expect(d[TradeCol.Fees]).toBeCloseTo(2.5, 12);
    expect(d[TradeCol.AvgEntryPx]).toBe(10000);
    expect(d[TradeCol.AvgExitPx]).toBe((9950 + 10200) / 2);
    expect(d[TradeCol.MaxPosition]).toBe(2);
    expect(d[TradeCol.Fills]).toBe(3);
    expect(d[w + TradeCol.Direction]).toBe(-1);
    expect(d[w + TradeCol.EntryQty]).toBe(2);
    expect(d[w + TradeCol.NetPnl]).toBeCloseTo(3.4, 9);
    expect(d[w + TradeCol.Fees]).toBeCloseTo(0.6, 12);
    expect(d[w + TradeCol.Mae]).toBe(0);
    expect(d[w + TradeCol.Mfe]).toBeCloseTo(4, 9);
  });

  it("drawdown, run-up, duration", () => {
    expect(m.maxDrawdown).toBeCloseTo(8, 9);
    expect(m.maxDrawdownPct).toBeCloseTo((8 / 10_003) * 100, 9);
    expect(m.maxDrawdownDurationNs).toBe(3500 - 1000);
    expect(m.maxRunup).toBeCloseTo(8.9, 9);
    expect(m.maxRunupPct).toBeCloseTo((8.9 / 9995) * 100, 9);
    expect(m.recoveryFactor).toBeCloseTo(3.9 / 8, 9);
  });

  it("the 4 grid returns give Sharpe and Sortino; a 3.5 us run is too short to annualise them", () => {
    const r = [3 / 10_000, -8 / 10_003, 4.5 / 9995, 4.4 / 9999.5];
    const mean = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    const down = Math.sqrt((8 / 10_003) ** 2 / 4);
    const ppy = YEAR_NS / 1000;
    expect(report.sampling.periods).toBe(4);
    expect(report.sampling.periodsPerYear).toBe(ppy);
    // The grid statistics themselves (what an annualised Sharpe would be built from):
    const samples = rec.samples;
    const col = (c: number) => Array.from({ length: samples.rows }, (_, i) => samples.data[i * samples.width + c]!);
    const g = gridReturnStats(col(0), col(1), col(2), 0, samples.rows - 1, 1000, ppy);
    expectRel(g.sharpe, (mean / sd) * Math.sqrt(ppy));
    expectRel(g.sortino, (mean / down) * Math.sqrt(ppy));
    // ... but 4 us of returns extrapolated to a year mean nothing: null, with the reason stated.
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.annualizedReturnPct).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.returnPct).toBeCloseTo(0.039, 9);
    expect((report.assumptions.notes ?? []).join("\n")).toContain("Sharpe, Sortino, annualised return and Calmar are not meaningful for this run and reported as null: the returns after the warm-up span 4us");
    expect(report.sampling.method).toContain("at least 30 days (Sharpe, Sortino) and 1 year (annualised return, Calmar");
  });

  it("orders, fills, queue time, turnover, exposure, refusals", () => {
    expect(m.orders).toBe(4);
    expect(m.orderedQty).toBe(10);
    expect(m.cancels).toBe(1);
    expect(m.fills).toBe(4);
    expect(m.filledQty).toBe(8);
    expect(m.makerFills).toBe(1);
    expect(m.takerFills).toBe(3);
    expect(m.fillRatioPct).toBe(80);
    expect(m.avgQueueTimeNs).toBe(700);
    expect(m.tradedNotional).toBeCloseTo(1615, 9);
    expect(m.turnover).toBeCloseTo(0.1615, 12);
    expect(m.maxExposure).toBeCloseTo(408, 9);
    expect(m.avgExposure).toBeCloseTo((404 + 198 + 408 + 0) / 4, 9);
    expect(m.refusals).toBe(1);
    expect(report.refusals.byReason).toEqual({ max_position: 1 });
  });

  it("run facts, instruments, fills table", () => {
    expect(report.run.partial).toBe(false);
    expect(report.run.eventsProcessed).toBe(16);
    expect(report.run.start).toBe("2023-11-14T22:13:20.000000000Z");
    expect(report.run.end).toBe("2023-11-14T22:13:20.000003500Z");
    expect(report.warmup.durationNs).toBe(0);
    expect(report.instruments[0]!.finalPosition).toBe(0);
    expect(report.instruments[0]!.roundTrips).toBe(2);
    expect(report.instruments[0]!.closedTradesNetPnl).toBeCloseTo(3.9, 9);
    expect(report.instruments[0]!.lastPrice).toBe(102);
    const f = rec.fills.data;
    const w = rec.fills.width;
    expect(rec.fills.rows).toBe(4);
    expect(f[2 * w + FillCol.PositionAfter]).toBe(-2);
    expect(f[3 * w + FillCol.QueueTimeNs]).toBe(700);
    expect(rec.recordValue.view()).toEqual(new Float64Array([1.5, -0.5]));
    expect(rec.openLots(0)).toBe(0);
  });
});

describe("warm-up is stated and excluded", () => {
  it("fills, trades and equity before ready do not count", () => {
    const { report } = runScript(
      [
        { ts: 0, kind: "mark", px: 10000 },
        { ts: 100, kind: "fill", side: 1, px: 10000, qty: 1, fee: 1 },
        { ts: 200, kind: "fill", side: -1, px: 9000, qty: 1, fee: 1 }, // a −22 loss during warm-up
        { ts: 300, kind: "order", side: 1, type: 0, px: Number.NaN, qty: 1 },
        { ts: 5000, kind: "ready" },
        { ts: 5100, kind: "order", side: 1, type: 0, px: Number.NaN, qty: 1 },
        { ts: 5200, kind: "fill", side: 1, px: 10000, qty: 1, fee: 0 },
        { ts: 6100, kind: "mark", px: 10050 },
        { ts: 6200, kind: "fill", side: -1, px: 10050, qty: 1, fee: 0 },
      ],
      { instruments: [testInstrument()], initialCapital: 1000, sampleIntervalNs: 1000, hasWarmup: true },
      7000,
    );
    const m = report.metrics;
    expect(report.warmup.ready).toBe(true);
    expect(report.warmup.durationNs).toBe(5000);
    expect(report.warmup.duration).toBe("5us");
    expect(m.startingEquity).toBeCloseTo(1000 - 20 - 2, 9);
    expect(m.netPnl).toBeCloseTo(1, 9); // 50 units × 0.02
    expect(m.roundTrips).toBe(1);
    expect(m.fills).toBe(2);
    expect(m.orders).toBe(1);
    expect(m.feesPaid).toBe(0);
    expect(m.largestLoss).toBeNull();
    expect(m.maxDrawdown).toBe(0);
  });

  it("a strategy that never became ready reports no metric span", () => {
    const { report } = runScript(
      [{ ts: 0, kind: "mark", px: 100 }, { ts: 10, kind: "mark", px: 101 }],
      { instruments: [testInstrument()], initialCapital: 1000, sampleIntervalNs: 1000, hasWarmup: true },
      20,
    );
    expect(report.warmup.ready).toBe(false);
    expect(report.warmup.end).toBeNull();
    expect(report.sampling.periods).toBe(0);
    expect(report.metrics.sharpe).toBeNull();
  });
});

describe("losing trades and profit factor", () => {
  it("profit factor, average loss, hit rate with a loss and a scratch", () => {
    const { report } = runScript(
      [
        { ts: 0, kind: "mark", px: 1000 },
        { ts: 10, kind: "fill", side: 1, px: 1000, qty: 1, fee: 0 },
        { ts: 20, kind: "fill", side: -1, px: 1100, qty: 1, fee: 0 }, // +2
        { ts: 30, kind: "fill", side: -1, px: 1000, qty: 1, fee: 0 },
        { ts: 40, kind: "fill", side: 1, px: 1050, qty: 1, fee: 0 }, // -1
        { ts: 50, kind: "fill", side: 1, px: 1000, qty: 1, fee: 0 },
        { ts: 60, kind: "fill", side: -1, px: 1000, qty: 1, fee: 0 }, // 0
      ],
      { instruments: [testInstrument()], initialCapital: 1000, sampleIntervalNs: 1000 },
      100,
    );
    const m = report.metrics;
    expect(m.roundTrips).toBe(3);
    expect(m.hitRatePct).toBeCloseTo(100 / 3, 9);
    expect(m.profitFactor).toBeCloseTo(2, 9);
    expect(m.avgLoss).toBeCloseTo(-1, 9);
    expect(m.largestLoss).toBeCloseTo(-1, 9);
    expect(m.avgTrade).toBeCloseTo(1 / 3, 9);
    // win, loss, scratch: runs of one each.
    expect(m.maxConsecutiveWins).toBe(1);
    expect(m.maxConsecutiveLosses).toBe(1);
  });
});

describe("annualised metrics need a long enough span", () => {
  const DAY = 86_400e9;
  /** A long position marked once a day for `days` days (daily equity grid). */
  function daily(days: number) {
    const steps: Step[] = [
      { ts: 0, kind: "mark", px: 10_000 },
      { ts: 1, kind: "order", side: 1, type: 0, px: Number.NaN, qty: 1 },
      { ts: 2, kind: "fill", side: 1, px: 10_000, qty: 1, fee: 0, ref: 1 },
    ];
    for (let d = 1; d <= days; d++) steps.push({ ts: d * DAY + 3, kind: "mark", px: 10_000 + Math.round(300 * Math.sin(d)) + 2 * d });
    return runScript(steps, { instruments: [testInstrument()], initialCapital: 10_000, sampleIntervalNs: DAY }, days * DAY + 4);
  }

  it("the verdict: 30 days for Sharpe and Sortino, one year for the annualised return and Calmar", () => {
    expect(annualization(29, DAY)).toEqual({ spanNs: 29 * DAY, ratios: false, returns: false });
    expect(annualization(30, DAY)).toEqual({ spanNs: 30 * DAY, ratios: true, returns: false });
    expect(annualization(365, DAY).returns).toBe(false);
    expect(annualization(366, DAY)).toEqual({ spanNs: 366 * DAY, ratios: true, returns: true });
    expect(MIN_RATIO_SPAN_NS).toBe(30 * DAY);
    expect(MIN_RETURN_SPAN_NS).toBe(365.25 * DAY);
  });

  it("60 days: Sharpe and Sortino annualised, the return and Calmar not (n/a in the summary)", () => {
    const { report, rec } = daily(60);
    const m = report.metrics;
    const samples = rec.samples;
    const col = (c: number) => Array.from({ length: samples.rows }, (_, i) => samples.data[i * samples.width + c]!);
    const g = gridReturnStats(col(0), col(1), col(2), 0, samples.rows - 1, DAY, 365.25);
    expect(report.sampling.periods).toBeGreaterThanOrEqual(60);
    expectRel(m.sharpe, g.sharpe!);
    expectRel(m.sortino, g.sortino!);
    expect(m.annualizedReturnPct).toBeNull();
    expect(m.calmar).toBeNull();
    expect(annualizedText(report, "ratio", "1.23")).toBe("1.23");
    expect(annualizedText(report, "return", "—")).toMatch(/^n\/a \(span 6\dd \d+h < 1 year\)$/);
    expect((report.assumptions.notes ?? []).join("\n")).toContain("Annualised return and Calmar are not meaningful for this run");
  });

  it("400 days: every annualised metric, from the daily grid", () => {
    const { report } = daily(400);
    const m = report.metrics;
    const n = report.sampling.periods;
    expect(n).toBeGreaterThanOrEqual(400);
    expect(m.sharpe).not.toBeNull();
    expectRel(m.annualizedReturnPct, (m.returnPct! * 365.25) / n);
    expectRel(m.calmar, m.annualizedReturnPct! / m.maxDrawdownPct);
    expect((report.assumptions.notes ?? []).join("\n")).not.toContain("not meaningful");
    expect(annualizedText(report, "return", "12.00%")).toBe("12.00%");
  });
});

describe("max contracts held", () => {
  it("counts the round trip still open at the end", () => {
    const steps: Step[] = [
      { ts: 0, kind: "mark", px: 10000 },
      { ts: 10, kind: "order", side: 1, type: 0, px: Number.NaN, qty: 1, ref: 1 },
      { ts: 20, kind: "fill", side: 1, px: 10000, qty: 1, fee: 0, ref: 1 },
      { ts: 30, kind: "order", side: -1, type: 0, px: Number.NaN, qty: 1, ref: 2 },
      { ts: 40, kind: "fill", side: -1, px: 10010, qty: 1, fee: 0, ref: 2 },
      { ts: 50, kind: "order", side: -1, type: 0, px: Number.NaN, qty: 3, ref: 3 },
      { ts: 60, kind: "fill", side: -1, px: 10000, qty: 3, fee: 0, ref: 3 },
    ];
    const { report } = runScript(steps, { instruments: [testInstrument()], initialCapital: 10_000, sampleIntervalNs: 1000 }, 500);
    expect(report.metrics.roundTrips).toBe(1);
    expect(report.metrics.maxContractsHeld).toBe(3);
  });
});
