/**
 * Test helpers for the engine: a tiny instrument, event builders and a scripted strategy whose
 * actions run at given strategy times.
 */
import { EventKind, type InstrumentInfo, Side } from "../../runtime/events.js";
import { type EngineOptions, runBacktest } from "../../runtime/engine/engine.js";
import { ScriptedSource, type ScriptedEvent } from "../../runtime/engine/scripted-source.js";
import type { FillView, Strategy, StrategyContext, Subscriptions, TradeView } from "../../runtime/engine/strategy.js";

/** Prices in cents: priceScale 0.01, tick 1 cent. */
export const INST: InstrumentInfo = { index: 0, symbol: "TEST", sourceId: 1, priceScale: 0.01, tickSize: 1, multiplier: 1 };

export const add = (ts: number, id: number, side: Side, price: number, size: number): ScriptedEvent => ({
  kind: EventKind.Add,
  ts,
  id,
  side,
  price,
  size,
});
export const cancel = (ts: number, id: number, size: number): ScriptedEvent => ({ kind: EventKind.Cancel, ts, id, size });
export const del = (ts: number, id: number): ScriptedEvent => ({ kind: EventKind.Delete, ts, id });
export const exec = (ts: number, id: number, size: number): ScriptedEvent => ({ kind: EventKind.Execute, ts, id, size });
export const modify = (ts: number, id: number, side: Side, price: number, size: number): ScriptedEvent => ({
  kind: EventKind.Modify,
  ts,
  id,
  side,
  price,
  size,
});
export const trade = (ts: number, price: number, size: number, aggressor: Side): ScriptedEvent => ({
  kind: EventKind.Trade,
  ts,
  price,
  size,
  aggressor,
});
export const level = (ts: number, side: Side, price: number, size: number): ScriptedEvent => ({
  kind: EventKind.LevelUpdate,
  ts,
  side,
  price,
  size,
});
export const clear = (ts: number): ScriptedEvent => ({ kind: EventKind.Clear, ts, flags: 32 });

/** A fill as the strategy saw it, copied. */
export interface SeenFill {
  ref: number;
  side: number;
  price: number;
  qty: number;
  fee: number;
  liquidity: number;
  ts: number;
  seenAt: number;
}

/** A strategy that runs `actions[t]` at the first handler call whose ctx.time ≥ t (each once). */
export class ScriptStrategy implements Strategy {
  readonly instruments: readonly string[];
  readonly fills: SeenFill[] = [];
  readonly trades: Array<{ price: number; size: number; aggressor: number }> = [];
  readonly timerCalls: Array<{ id: number; time: number }> = [];
  readonly bars: Array<{ len: number; open: number; high: number; low: number; close: number; volume: number; start: number; time: number }> = [];
  ctx: StrategyContext | null = null;
  /** Set by a test to act at the end of the run. */
  onEnd?: (ctx: StrategyContext) => void;
  private readonly pending: Array<[number, (ctx: StrategyContext) => void]>;

  constructor(
    actions: Record<number, (ctx: StrategyContext) => void>,
    private readonly subs: Subscriptions = {},
    symbols: readonly string[] = ["TEST"],
  ) {
    this.instruments = symbols;
    this.pending = Object.entries(actions)
      .map(([t, f]) => [Number(t), f] as [number, (ctx: StrategyContext) => void])
      .sort((a, b) => a[0] - b[0]);
  }
  subscriptions(): Subscriptions {
    return this.subs;
  }
  private step(ctx: StrategyContext): void {
    this.ctx = ctx;
    while (this.pending.length > 0 && ctx.time >= this.pending[0][0]) this.pending.shift()![1](ctx);
  }
  onStart(ctx: StrategyContext): void {
    this.ctx = ctx;
  }
  onBook(ctx: StrategyContext, _inst: number): void {
    this.step(ctx);
  }
  onTrade(ctx: StrategyContext, _inst: number, t: TradeView): void {
    this.trades.push({ price: t.price, size: t.size, aggressor: t.aggressor });
    this.step(ctx);
  }
  onTimer(ctx: StrategyContext, id: number): void {
    this.timerCalls.push({ id, time: ctx.time });
  }
  onBar(ctx: StrategyContext, _inst: number, len: number, b: { open: number; high: number; low: number; close: number; volume: number; start: number }): void {
    this.bars.push({ len, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, start: b.start, time: ctx.time });
  }
  onFill(ctx: StrategyContext, f: FillView): void {
    this.fills.push({ ref: f.ref, side: f.side, price: f.price, qty: f.qty, fee: f.fee, liquidity: f.liquidity, ts: f.ts, seenAt: ctx.time });
  }
}

/** Runs a scripted strategy over scripted events (one source, instrument TEST). */
export function runScript(
  events: ScriptedEvent[],
  actions: Record<number, (ctx: StrategyContext) => void>,
  options: Partial<EngineOptions> = {},
  subs: Subscriptions = {},
) {
  const strategy = new ScriptStrategy(actions, subs);
  const result = runBacktest({ sources: [new ScriptedSource([INST], events)], strategy, ...options });
  return { strategy, result };
}

/**
 * A standard book built at ts 0: asks 101@5 (id 1), 102@5 (id 2); bids 99@5 (id 3), 98@5 (id 4),
 * then at ts 1 a far bid 90@1 (id 99) — so actions at time 1 see the whole book. Prices in cents.
 */
export function baseBook(): ScriptedEvent[] {
  return [
    clear(0),
    add(0, 1, Side.Ask, 10100, 5),
    add(0, 2, Side.Ask, 10200, 5),
    add(0, 3, Side.Bid, 9900, 5),
    add(0, 4, Side.Bid, 9800, 5),
    add(1, 99, Side.Bid, 9000, 1),
  ];
}
