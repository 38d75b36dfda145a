/**
 * A hand-written market maker on the same engine as compiled `.algo` strategies (runtime/engine/
 * strategy.ts is the interface). It quotes both sides at the touch with `quote` (which keeps one
 * two-sided quote and replaces only a side that changed), backs off a side when the book leans
 * against it, and stops adding to a side at its inventory limit.
 *
 * Features (stdlib operators, updated per event, allocation-free): mid, microprice, spread, book
 * imbalance (3 levels), order-flow imbalance, cumulative volume delta, log return of the mid, its
 * rolling stdev, and a fast/slow EMA trend.
 *
 * Run: algo backtest examples/strategies-ts/market-maker.ts --data examples/data/esz4-synthetic.mbo.dbn
 */
import type { FillView, Strategy, StrategyContext, StrategyInit, Subscriptions, TradeView } from "../../runtime/engine/strategy.js";
import {
  BookImbalance,
  BookMicroprice,
  BookMid,
  BookSpread,
  Ema,
  FlowCvd,
  LogReturn,
  OrderFlowImbalance,
  Stdev,
} from "../../stdlib/index.js";

/** Parameters (override with --set size=2 etc.). */
export interface MarketMakerParams {
  size: number;
  maxPosition: number;
  threshold: number;
  symbol: string;
}

const DEFAULTS: MarketMakerParams = { size: 1, maxPosition: 5, threshold: 0.6, symbol: "*" };

/** Quotes the touch on both sides, leaning with book imbalance and inventory. */
export default class MarketMaker implements Strategy {
  readonly instruments: readonly string[];
  private readonly p: MarketMakerParams;
  private mid!: BookMid;
  private micro!: BookMicroprice;
  private spread!: BookSpread;
  private imb!: BookImbalance;
  private ofi!: OrderFlowImbalance;
  private cvd!: FlowCvd;
  private readonly ret = new LogReturn(1);
  private readonly vol = new Stdev(200);
  private readonly fast = new Ema(20);
  private readonly slow = new Ema(100);
  private lastMid = Number.NaN;
  private tick = 1;
  // Last quote sent: `quote` is only called when a price changes (fewer calls, same result).
  private qBid = Number.NaN;
  private qAsk = Number.NaN;
  /** When quoting one side: that side's order (0 after a refusal: re-quote). */
  private qRef = 0;
  private fills = 0;
  private sPnl = 0;
  private sVol = 0;
  private sPos = 0;

  constructor(params: Partial<Record<string, number | string | boolean>> = {}) {
    const p = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS) as Array<keyof MarketMakerParams>) {
      const v = params[k];
      if (v !== undefined) (p as Record<string, unknown>)[k] = typeof DEFAULTS[k] === "number" ? Number(v) : String(v);
    }
    this.p = p;
    this.instruments = [p.symbol];
  }

  subscriptions(init: StrategyInit): Subscriptions {
    const inst = init.instruments[0];
    this.mid = new BookMid(inst);
    this.micro = new BookMicroprice(inst);
    this.spread = new BookSpread(inst);
    this.imb = new BookImbalance(inst, 3);
    this.ofi = new OrderFlowImbalance(inst, 50);
    this.cvd = new FlowCvd(inst);
    return { timersNs: [1_000_000_000] };
  }

  onStart(ctx: StrategyContext): void {
    this.tick = ctx.tick(0);
    this.sPnl = ctx.series("pnl");
    this.sVol = ctx.series("vol");
    this.sPos = ctx.series("position");
  }

  isReady(): boolean {
    return this.vol.ready && this.slow.ready;
  }

  onTrade(ctx: StrategyContext, inst: number, t: TradeView): void {
    this.cvd.onTrade(ctx.toCurrency(inst, t.price), t.size, t.aggressor, t.ts);
  }

  onBook(ctx: StrategyContext, inst: number): void {
    const book = ctx.book(inst);
    // Book features read the book only (no time argument). Per-event code passes no double to a
    // call V8 might not inline: such an argument is boxed, i.e. allocated (runtime/engine/strategy.ts,
    // "Rules").
    this.mid.update(book);
    this.micro.update(book);
    this.spread.update(book);
    this.imb.update(book);
    this.ofi.update(book);
    const m = this.mid.value;
    if (m !== m) return;
    if (m !== this.lastMid) {
      this.lastMid = m;
      this.onMidMove();
    }
    if (!this.isReady()) return;
    this.requote(ctx, inst);
  }

  /** The mid moved (to `lastMid`): the series features built on it take the new value. */
  private onMidMove(): void {
    this.updateTrend();
    this.updateVol();
  }

  /** Fast and slow EMA of the mid. */
  private updateTrend(): void {
    const m = this.lastMid;
    this.fast.update(m);
    this.slow.update(m);
  }

  /** Log return of the mid and its rolling stdev. */
  private updateVol(): void {
    this.ret.update(this.lastMid);
    if (this.ret.ready) this.vol.update(this.ret.value);
  }

  /** Quotes the touch, leaning with imbalance and trend, within the inventory limit. */
  private requote(ctx: StrategyContext, inst: number): void {
    const bid = ctx.bestBids[inst];
    const ask = ctx.bestAsks[inst];
    if (bid !== bid || ask !== ask) return;
    const m = this.lastMid;
    const size = this.p.size;
    const imb = this.imb.value;
    const th = this.p.threshold;
    // Lean: back off the side the book (or the trend) is about to run over.
    const trendUp = this.fast.value > this.slow.value && this.micro.value > m;
    const trendDown = this.fast.value < this.slow.value && this.micro.value < m;
    let bidPx = imb < -th || trendDown ? bid - this.tick : bid;
    let askPx = imb > th || trendUp ? ask + this.tick : ask;
    // Inventory: never let the worst case pass maxPosition (the quote replaces its own side).
    const pos = ctx.positions[inst];
    if (pos + size > this.p.maxPosition) bidPx = Number.NaN;
    if (pos - size < -this.p.maxPosition) askPx = Number.NaN;
    // Re-quote when a price moved, or when a wanted side is missing (filled, or refused). Quoting
    // one side (the other at its inventory limit), `quoteAt` returns that side's order, so whether
    // it still rests unchanged is known exactly; re-quoting an unchanged quote would be a no-op.
    const oneSided = (bidPx === bidPx) !== (askPx === askPx);
    const need = oneSided
      ? !same(bidPx, this.qBid) || !same(askPx, this.qAsk) || this.qRef <= 0 || ctx.orderRemaining(this.qRef) !== size
      : bidPx !== this.qBid ||
        askPx !== this.qAsk ||
        (bidPx === bidPx && ctx.openOrders(inst) < 2) ||
        (askPx === askPx && ctx.openOrders(inst) < 2);
    if (need) {
      this.qBid = bidPx;
      this.qAsk = askPx;
      // quoteAt = quote with the prices in registers: no double crosses the call.
      const q = ctx.quotePrices;
      q[0] = bidPx;
      q[1] = askPx;
      const ref = ctx.quoteAt(inst, size);
      this.qRef = oneSided ? ref : 0;
    }
  }

  onFill(_ctx: StrategyContext, _f: FillView): void {
    this.fills++;
  }

  onTimer(ctx: StrategyContext, _id: number): void {
    ctx.record(this.sPnl, ctx.pnl());
    ctx.record(this.sVol, this.vol.value);
    ctx.record(this.sPos, ctx.position(0));
  }

  onEnd(ctx: StrategyContext): void {
    ctx.log(`fills: ${this.fills}; ofi ${this.ofi.value}; cvd ${this.cvd.value}; spread ${this.spread.value}`);
  }
}

/** Equal, NaN included (a side not quoted stays not quoted). */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
