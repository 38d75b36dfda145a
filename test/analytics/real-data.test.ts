/**
 * The recorder on a real trading day: AAPL 2012-06-21 (LOBSTER level 1, NASDAQ) read through the
 * project's reader. A scripted trader opens (long or short in turn) or closes 100 shares at every 1500th trade print (fee
 * $0.005/share, rebate $0.002 on maker fills); marks are every trade print. Checked against an
 * independent ledger: equity, net P&L = Σ round trips when flat, fees, fill counts, the run's
 * times (first message 34200.004241176 s after midnight New York = 13:30:00.004241176Z), the
 * schema, and the files written. Skips visibly when the shared data is absent.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDataSource } from "../../runtime/data/open.js";
import { RunRecorder, TradeCol } from "../../runtime/analytics/recorder.js";
import { reportProblems, writeBacktestOutputs } from "../../runtime/analytics/write.js";
import { sharedData } from "../support/shared-data.js";
import { NaiveLedger } from "./scenario.js";

const FILE = sharedData("lobster/AAPL_2012-06-21_1/AAPL_2012-06-21_34200000_57600000_message_1.csv");

describe.skipIf(!FILE)("recorder on a real day (AAPL, LOBSTER)", () => {
  it("matches an independent ledger", () => {
    const { source } = openDataSource(FILE!);
    const rec = new RunRecorder({
      instruments: source.instruments,
      timeBase: source.timeBase,
      sampleIntervalNs: 60e9,
      initialCapital: 1_000_000,
      assumptions: { latency: "none (scripted fills at the print)", queueModel: "none", fees: "taker 0.005/share, maker -0.002/share" },
      hasWarmup: true,
      strategy: "scripted",
      dataFiles: [FILE!],
    });
    const ledger = new NaiveLedger(1_000_000, source.instruments);
    let prints = 0;
    let fills = 0;
    let feeSum = 0;
    let lastTs = 0;
    let lastPx = 0;
    const ev = source.event;
    while (source.next()) {
      if (rec.needsSample(ev.ts)) rec.onSample(ev.ts, ledger.equity());
      lastTs = ev.ts;
      if (ev.kind !== 5 && ev.kind !== 6) continue;
      prints++;
      lastPx = ev.price;
      ledger.mark[0] = ev.price;
      rec.onMark(ev.ts, 0, ev.price);
      if (prints === 3000) rec.onReady(ev.ts, ledger.equity());
      // Trading starts when the strategy is ready (a trade opened in the warm-up would be excluded).
      if (prints < 3000 || prints % 1500 !== 0) continue;
      const pos = ledger.pos[0]!;
      // Open from flat (long or short in turn), close on the next signal.
      const side = pos > 0 ? -1 : pos < 0 ? 1 : (prints / 1500) % 4 < 2 ? 1 : -1;
      const maker = (prints / 1500) % 2 === 0;
      const fee = maker ? -0.002 * 100 : 0.005 * 100;
      ledger.fill(0, side, ev.price, 100, fee);
      rec.onFill(ev.ts, 0, side, ev.price, 100, fee, maker ? 0 : 1, prints, maker ? 1e6 : -1);
      fills++;
      feeSum += fee;
    }
    source.close();
    // Flatten at the last print.
    const pos = ledger.pos[0]!;
    if (pos !== 0) {
      ledger.fill(0, pos > 0 ? -1 : 1, lastPx, Math.abs(pos), 0);
      rec.onFill(lastTs, 0, pos > 0 ? -1 : 1, lastPx, Math.abs(pos), 0, 1, 0, -1);
      fills++;
    }
    const report = rec.finish(lastTs, { equity: ledger.equity(), eventsProcessed: 118_497, wallSeconds: 1 });
    expect(prints).toBe(23_658 + 11_332);
    expect(reportProblems(JSON.parse(JSON.stringify(report)))).toEqual([]);
    expect(report.run.start).toBe("2012-06-21T13:30:00.004241176Z");
    expect(report.run.end).toBe("2012-06-21T19:59:59.913117637Z");
    expect(report.warmup.ready).toBe(true);
    expect(report.warmup.durationNs).toBeGreaterThan(0);
    const m = report.metrics;
    expect(m.fills).toBe(fills);
    expect(m.netFees).toBeCloseTo(feeSum, 9);
    expect(m.finalEquity).toBeCloseTo(ledger.equity(), 6);
    expect(m.netPnl).toBeCloseTo(ledger.equity() - m.startingEquity, 6);
    // Flat at the end: the closed round trips (after the warm-up) carry every dollar since ready.
    let net = 0;
    const d = rec.trades.data;
    for (let r = 0; r < rec.trades.rows; r++) if (d[r * rec.trades.width + TradeCol.Warmup] === 0) net += d[r * rec.trades.width + TradeCol.NetPnl]!;
    expect(net).toBeCloseTo(m.netPnl, 6);
    expect(m.roundTrips).toBe(Math.ceil(fills / 2));
    expect(m.avgQueueTimeNs).toBe(1e6);
    // A 6.5-hour day on a 1-minute grid from the warm-up end: about 390 periods, fewer by the warm-up.
    expect(report.sampling.periods).toBeGreaterThan(300);
    expect(report.sampling.periods).toBeLessThanOrEqual(391);
    expect(m.maxDrawdown).toBeGreaterThan(0);
    const out = mkdtempSync(join(tmpdir(), "algo-real-"));
    writeBacktestOutputs(out, rec, report, { html: false });
    const equityRows = readFileSync(join(out, "equity.csv"), "utf8").trimEnd().split("\n");
    expect(equityRows.length - 1).toBe(rec.samples.rows);
    // The first sample is at the run's start (the day's first event), the next ones on the grid.
    expect(equityRows[1]!.split(",")[0]).toBe(report.run.start);
    expect(report.run.start?.startsWith("2012-06-21T13:30:00.")).toBe(true);
    expect(equityRows[2]!.startsWith("2012-06-21T13:31:00.000000000Z,")).toBe(true);
  });
});
