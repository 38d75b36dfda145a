/**
 * Compiled vs. hand-written: examples/imbalance_maker.algo compiled by algo, against the same
 * strategy written by hand in TypeScript on the same runtime (stdlib operators, engine), over the
 * same synthetic MBO events held in memory. Reports events/s (CPU time of this process) and GCs
 * during each run. Target (issue 5): compiled ≥ 0.95 × hand-written, zero GCs in steady state.
 *
 *   node bench/run.mjs compiled [events]
 */
import { readFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { compileStrategy, loadStrategy } from "../compiler/build.js";
import { MemoryEventSource } from "../runtime/data/memory.js";
import { openSynth } from "../runtime/data/synth.js";
import { runBacktest } from "../runtime/engine/engine.js";
import type { Strategy, StrategyContext, StrategyInit, Subscriptions } from "../runtime/engine/strategy.js";
import type { RiskLimits } from "../runtime/risk/limits.js";
import { BookBestAsk, BookBestBid, BookImbalance, BookMid, Ema, Lag, LogReturn, Stdev, Zscore } from "../stdlib/index.js";

const EVENTS = Number(process.argv[2] ?? 2_000_000);

/** imbalance_maker.algo, written by hand: the same features, guards and orders. */
class HandImbalanceMaker implements Strategy {
  readonly instruments = ["ESZ4"];
  readonly risk: RiskLimits = { maxPosition: 10, maxOrderQty: 5, maxOpenOrders: 4, maxOrderRate: { count: 50, windowNs: 1e9 }, maxLoss: 25_000, priceBandTicks: 8 };
  private readonly threshold = 0.3;
  private readonly size = 2;
  private mid!: BookMid;
  private imb!: BookImbalance;
  private z!: Zscore;
  private ret = new LogReturn(1);
  private vol = new Stdev(300);
  private fast = new Ema(20);
  private slow = new Ema(100);
  private lag = new Lag(10);
  private bid!: BookBestBid;
  private ask!: BookBestAsk;
  private fills = 0;
  private recVol = 0;
  private recJump = 0;
  private recZ = 0;
  private recFills = 0;

  subscriptions(init: StrategyInit): Subscriptions {
    const info = init.instruments[0]!;
    this.mid = new BookMid(info);
    this.imb = new BookImbalance(info, 5);
    this.z = new Zscore(300);
    this.bid = new BookBestBid(info);
    this.ask = new BookBestAsk(info);
    return { timersNs: [30e9], bars: [] };
  }

  onStart(ctx: StrategyContext): void {
    this.recVol = ctx.series("vol");
    this.recJump = ctx.series("jump");
    this.recZ = ctx.series("z");
    this.recFills = ctx.series("fills");
  }

  onBook(ctx: StrategyContext, inst: number): void {
    const t = ctx.time;
    const book = ctx.book(inst);
    this.mid.update(book, t);
    this.imb.update(book, t);
    this.bid.update(book, t);
    this.ask.update(book, t);
    const m = this.mid.value;
    this.z.update(m, t);
    this.ret.update(m, t);
    this.vol.update(this.ret.value, t);
    this.fast.update(m, t);
    this.slow.update(m, t);
    this.lag.update(m, t);
    if (!(this.mid.ready && this.ret.ready && this.vol.ready && this.fast.ready && this.slow.ready && this.imb.ready)) return;
    const long = ctx.exposure(0, 1);
    const short = ctx.exposure(0, -1);
    const imb = this.imb.value;
    if (Math.abs(imb) < this.threshold && long + this.size <= 10 && short - this.size >= -10) {
      ctx.quote(0, ctx.toFixed(0, this.bid.value), ctx.toFixed(0, this.ask.value), this.size);
    } else if (imb > this.threshold && this.fast.value - this.slow.value > 0 && long + this.size <= 10) {
      ctx.buy(0, this.size);
    } else if (imb < -this.threshold && short - this.size >= -10) {
      ctx.limit(0, -1, this.size, ctx.toFixed(0, this.bid.value), 1, false);
    }
  }

  onFill(): void {
    this.fills++;
  }

  onTimer(ctx: StrategyContext): void {
    if (this.vol.ready && this.lag.ready && this.z.ready) {
      ctx.record(this.recVol, this.vol.value);
      ctx.record(this.recJump, this.mid.value - this.lag.value);
      ctx.record(this.recZ, this.z.value);
      ctx.record(this.recFills, this.fills);
    }
  }
}

function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

let gcs = 0;
new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
}).observe({ entryTypes: ["gc"] });

const path = "examples/imbalance_maker.algo";
const compiled = compileStrategy(path, readFileSync(path, "utf8"));
if (!compiled.output) throw new Error("the example does not compile");
const loaded = loadStrategy(compiled.output, "algo:///imbalance_maker.js");
const source = new MemoryEventSource(openSynth({ events: EVENTS, seed: 42, symbol: "ESZ4" }));
console.log(`events: ${source.length}`);

function run(label: string, make: () => Strategy): number {
  const s = make();
  source.rewind();
  (globalThis as { gc?: () => void }).gc?.();
  const before = gcs;
  const cpu = process.cpuUsage();
  const r = runBacktest({ sources: [source], strategy: s });
  const secs = cpuSeconds(cpu);
  const rate = r.eventsProcessed / secs;
  console.log(`${label.padEnd(12)} ${r.eventsProcessed} events  ${secs.toFixed(3)} s CPU  ${(rate / 1e6).toFixed(2)}M events/s  ${gcs - before} GCs  orders ${r.report.metrics.orders} fills ${r.report.metrics.fills} pnl ${r.report.metrics.netPnl}`);
  return rate;
}

const rates: Record<string, number[]> = { compiled: [], hand: [] };
for (let i = 0; i < 4; i++) {
  rates.compiled!.push(run("compiled", () => loaded.create({})));
  rates.hand!.push(run("hand-written", () => new HandImbalanceMaker()));
}
const best = (xs: number[]) => Math.max(...xs.slice(1));
console.log(`best of runs 2-4: compiled ${(best(rates.compiled!) / 1e6).toFixed(2)}M/s, hand-written ${(best(rates.hand!) / 1e6).toFixed(2)}M/s, ratio ${(best(rates.compiled!) / best(rates.hand!)).toFixed(3)}`);
