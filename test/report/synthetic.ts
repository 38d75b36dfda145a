/**
 * A synthetic but realistic run for report tests: two instruments on a seeded random walk over
 * 6.5 hours, a toy mean-reversion trader that crosses the spread, fees and rebates, a warm-up,
 * refusals and two `record` series. Fed to a RunRecorder exactly as the engine does.
 */
import type { InstrumentInfo } from "../../runtime/events.js";
import { RunRecorder } from "../../runtime/analytics/recorder.js";
import type { BacktestReport } from "../../runtime/analytics/types.js";
import { NaiveLedger } from "../analytics/scenario.js";

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds and finishes the synthetic run; `symbols` lets tests inject hostile names. */
export function syntheticRun(options: { symbols?: [string, string]; partial?: boolean; steps?: number } = {}): { rec: RunRecorder; report: BacktestReport } {
  const [s0, s1] = options.symbols ?? ["ESZ4", "NQZ4"];
  const instruments: InstrumentInfo[] = [
    { index: 0, symbol: s0, sourceId: 1, priceScale: 1e-9, tickSize: 0.25e9, multiplier: 50 },
    { index: 1, symbol: s1, sourceId: 2, priceScale: 1e-9, tickSize: 0.25e9, multiplier: 20 },
  ];
  const rnd = prng(42);
  const rec = new RunRecorder({
    instruments,
    timeBase: 1_733_146_200_000_000_000n, // 2024-12-02T13:30:00Z
    sampleIntervalNs: 10e9,
    initialCapital: 1_000_000,
    assumptions: { latency: "feed 50us fixed; order entry normal(mean 250us, sd 40us); response 200us fixed; seed 42", queueModel: "pro-rata", fees: "maker -0.2/contract (rebate), taker 0.85/contract" },
    recordSeries: ["zscore", "spread_bps"],
    refusalReasons: ["max_position", "order_rate", "price_band"],
    hasWarmup: true,
    strategy: "mean_revert.algo",
    dataFiles: ["synthetic.dbn"],
    params: { size: 2, threshold: 1.5 },
    seed: 42,
    generatorVersion: "0.1.0",
  });
  const ledger = new NaiveLedger(1_000_000, instruments);
  const px = [6000e9, 21000e9];
  const tick = 0.25e9;
  const steps = options.steps ?? 23_400;
  let ema = [px[0]!, px[1]!];
  let ref = 1;
  for (let k = 0; k < steps; k++) {
    const ts = k * 1e9 + Math.floor(rnd() * 1e8);
    if (rec.needsSample(ts)) rec.onSample(ts, ledger.equity());
    for (let i = 0; i < 2; i++) {
      px[i] = px[i]! + Math.round((rnd() - 0.5) * 6) * tick;
      ledger.mark[i] = px[i]!;
      rec.onMark(ts, i, px[i]!);
      ema[i] = ema[i]! + (px[i]! - ema[i]!) * 0.02;
    }
    if (k === 300) rec.onReady(ts, ledger.equity());
    const z = (px[0]! - ema[0]!) / (4 * tick);
    if (k % 30 === 0) {
      rec.onRecord(ts, 0, z);
      rec.onRecord(ts, 1, (tick / px[0]!) * 1e4 + rnd() * 0.01);
    }
    if (k < 300 && k % 97 !== 5) continue;
    for (let i = 0; i < 2; i++) {
      const pos = ledger.pos[i]!;
      const zi = i === 0 ? z : (px[1]! - ema[1]!) / (4 * tick);
      let side = 0;
      if (zi > 1.5 && pos > -4) side = -1;
      else if (zi < -1.5 && pos < 4) side = 1;
      else if (Math.abs(zi) < 0.2 && pos !== 0) side = pos > 0 ? -1 : 1;
      if (side === 0 || rnd() < 0.7) continue;
      const qty = side * pos < 0 ? Math.abs(pos) : 2;
      if (rnd() < 0.05) {
        rec.onRefusal(ts, Math.floor(rnd() * 3));
        continue;
      }
      const maker = rnd() < 0.4;
      rec.onOrder(ts, i, side, maker ? 1 : 0, px[i]!, qty + (maker ? 1 : 0), ref);
      const fillPx = maker ? px[i]! : px[i]! + side * tick;
      const fee = maker ? -0.2 * qty : 0.85 * qty;
      ledger.fill(i, side, fillPx, qty, fee);
      rec.onFill(ts + 300_000, i, side, fillPx, qty, fee, maker ? 0 : 1, ref, maker ? Math.floor(rnd() * 5e8) : -1);
      if (maker) rec.onCancel(ts + 400_000, i, ref);
      ref++;
    }
  }
  const end = steps * 1e9;
  const report = rec.finish(end, {
    equity: ledger.equity(),
    eventsProcessed: steps * 2,
    wallSeconds: 0.25,
    partial: options.partial ?? false,
    ...(options.partial ? { partialReason: "interrupted (Ctrl-C)" } : {}),
  });
  return { rec, report };
}
