/**
 * The strategy interface: what a compiled `.algo` strategy and a hand-written TypeScript strategy
 * both implement, and the context the engine hands them. This file is the contract between the
 * engine (runtime/engine), the compiler back-end (compiler/emit) and user code; change it only with
 * both.
 *
 * ## Lifecycle (all calls on the engine's single thread, in a deterministic order)
 *
 * 1. `new` (by the user's module / generated code; parameters are the constructor's business).
 * 2. `instruments` is read once: the symbols the strategy trades, in the order that defines its
 *    instrument handles — handle k (0-based) is `instruments[k]`. Every `inst` argument below is such
 *    a handle, never a reader's index. `["*"]` (or an empty list) means "every instrument of the
 *    data, numbered in order of first appearance" (for data-agnostic hand-written strategies).
 *    A symbol is matched against the data's symbols exactly, or through the run's symbol map
 *    (`EngineOptions.symbolMap`, config `[instruments]`).
 * 3. `subscriptions(info)` is read once, before `onStart`: the periodic timers and the bars the
 *    strategy wants. Nothing can be subscribed later (buffers are sized up front).
 * 4. `onStart(ctx)` — once, before the first event; `ctx.time` is the first event's time.
 * 5. Per market event, after the instrument's book has applied it (the strategy sees it at
 *    exchange time + feed latency):
 *      - first, everything that came due on the strategy clock, in time order (ties: fills, then
 *        bars, then timers): fills whose response latency has elapsed (`onFill`), bars that closed
 *        (`onBar`, `ctx.time` = bar end + feed latency), timers (`onTimer(ctx, id)`, `ctx.time` =
 *        the timer's time),
 *      - then `onTrade(ctx, inst, trade)` for a trade print (before the book handler),
 *      - then `onBook(ctx, inst)` when the instrument's book changed.
 *    Events of instruments the strategy did not declare are applied to nothing and never reach it.
 * 6. `onEnd(ctx)` — once, after the last event (also after Ctrl-C, `--to` and after a kill switch),
 *    once the messages still in flight have reached the exchange and their fills the strategy.
 *    Only risk-reducing actions are accepted here: `flatten`, cancels, and market orders that
 *    reduce the position without flipping it (exempt from the risk limits, like `flatten`); any
 *    other order is refused (`halted`). They reach the exchange after the order-entry latency and
 *    meet the book as the data has it then (the book keeps replaying, unseen, when the data goes on
 *    past the strategy's last event), or the last book when the data is exhausted. Their fills are
 *    booked (portfolio, report) but not shown to the strategy (no handler runs after `onEnd`).
 *
 * Every handler is optional. Handlers are called with the SAME context object every time.
 *
 * ## Rules (per-event code)
 * Handlers run per event: they must not allocate (no closures, arrays, objects or strings per
 * call). Every record handed to a handler (`TradeView`, `BarView`, `FillView`) is REUSED by the
 * engine: copy the numbers you need, never keep the record.
 * V8 (Node) boxes a non-integer double — or an integer beyond ±2^30, like a fixed-point price or
 * a time in ns — passed to or returned from a call it does not inline: one heap allocation per
 * value. Whether it inlines depends on how much it already inlined into the same function, so a
 * handler that updates many features cannot count on it. Hence the register forms: read prices
 * from `bestBids`/`bestAsks`/`positions` and `book(inst)` (whose touch reads are registers), quote
 * through `quotePrices` + `quoteAt`, keep doubles in fields between your own methods, and split a
 * long handler into small methods that take no double argument. Two more traps: a `NaN` written as
 * the global `NaN` in a conditional (`c ? x : NaN`) makes the result a boxed value — write
 * `Number.NaN`; and a branch never taken during warm-up can force boxing of the doubles live across
 * it in a hot loop.
 *
 * ## Numbers
 * - Prices across this interface are FIXED-POINT integers in the instrument's scale (events.ts):
 *   `currency = fixed * info.priceScale`. To turn a currency price into an order price use
 *   `ctx.toFixed(inst, currencyPrice)`, which rounds to the NEAREST tick (`info.tickSize`; ties
 *   away from zero) — or build prices from the book and ticks: `ctx.bestAsk(inst) + 2 * ctx.tick(inst)`.
 *   An order price that is not a multiple of the tick size is refused (reason `bad_order`).
 * - Quantities are positive integers (contracts/shares); sides are `Side.Bid` (1, buy) and
 *   `Side.Ask` (-1, sell). Times are integer ns since the run's time base (events.ts).
 *
 * ## Orders
 * Every order call returns an integer order reference (> 0), or 0 when the pre-trade risk manager
 * refused it (the reason is in `ctx.lastRefusal`, and counted in the report). References are never
 * reused within a run; a reference to a finished order is harmless (cancel is then a no-op).
 * Order records come from a fixed pool: sending allocates nothing.
 * An order reaches the simulated exchange after the order-entry latency and meets the book as it is
 * THEN; acknowledgements and fills reach the strategy after the response latency.
 */
import type { BookView } from "../book/view.js";
import type { InstrumentInfo, Side } from "../events.js";
import type { RiskLimits } from "../risk/limits.js";

/** Time in force of a limit order. */
export const enum TimeInForce {
  /** Rest until filled or cancelled. */
  Gtc = 0,
  /** Fill what is marketable now, cancel the rest. */
  Ioc = 1,
  /** Fill the whole quantity now or nothing. */
  Fok = 2,
}

/** Liquidity flag of a fill. */
export const enum Liquidity {
  /** The order rested in the book and was hit. */
  Maker = 0,
  /** The order took liquidity on arrival. */
  Taker = 1,
}

/** Refusal reasons (pre-trade risk, order validation, halts). Index into REFUSAL_NAMES. */
export const enum RefusalReason {
  None = 0,
  MaxPosition = 1,
  MaxOrderQty = 2,
  MaxOpenOrders = 3,
  MaxOrderRate = 4,
  PriceBand = 5,
  /** The kill switch fired (max_loss) or the run is over: no new orders. */
  Halted = 6,
  /** Post-only order that would cross the book (refused by the exchange simulator). */
  PostOnlyWouldCross = 7,
  /** Quantity not a positive integer, or price not finite / not on the tick grid. */
  BadOrder = 8,
  /** The order pool is exhausted (too many live orders). */
  PoolExhausted = 9,
  /** FOK order that could not be filled entirely on arrival. */
  FokUnfilled = 10,
}

/** Stable names of RefusalReason values, as they appear in reports. */
export const REFUSAL_NAMES: readonly string[] = [
  "none",
  "max_position",
  "max_order_qty",
  "max_open_orders",
  "max_order_rate",
  "price_band",
  "halted",
  "post_only_would_cross",
  "bad_order",
  "pool_exhausted",
  "fok_unfilled",
];

/** What `subscriptions()` returns: read once before `onStart`. */
export interface Subscriptions {
  /**
   * Periodic timers on EVENT time (strategy clock = exchange time + feed latency), in ns; timer id =
   * index in this array. A timer of period P fires at every multiple of P since the Unix epoch
   * (so `30s` fires at :00 and :30), once per multiple the clock passes — a quiet market fires
   * every missed tick in order when the next event arrives.
   */
  timersNs?: readonly number[];
  /**
   * Bars the strategy wants (`on bar(es, 5m)`), per instrument handle and length in ns. On bar data
   * (EventKind.Bar) bars of a matching length are passed through; on tick data the engine builds
   * them from trades, aligned to multiples of the length since the Unix epoch; a bar with no trade
   * is not emitted.
   */
  bars?: ReadonlyArray<{ instrument: number; lenNs: number }>;
}

/** What `subscriptions(info)` may look at: the resolved instruments (handle order). */
export interface StrategyInit {
  readonly instruments: readonly InstrumentInfo[];
  /** The run's random seed (`--seed`), for strategies that draw random numbers deterministically. */
  readonly seed: number;
}

/** A trade print, reused per call (see "Rules"). */
export interface TradeView {
  /** Fixed-point trade price. */
  readonly price: number;
  readonly size: number;
  /** Aggressor side: Bid = buyer-initiated, Ask = seller-initiated, None = unknown. */
  readonly aggressor: Side;
  /** Exchange time of the trade (ns). */
  readonly ts: number;
}

/** An OHLCV bar, reused per call. Prices fixed point. */
export interface BarView {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Bar start (ns since the time base); the bar covers [start, start + lenNs). */
  readonly start: number;
}

/** A fill (or an order's final state) as the strategy learns it, reused per call. */
export interface FillView {
  /** The order reference the order call returned. */
  readonly ref: number;
  readonly instrument: number;
  /** Side of OUR order: Bid = we bought. */
  readonly side: Side;
  /** Fixed-point fill price. */
  readonly price: number;
  /** Quantity filled by this fill (> 0). */
  readonly qty: number;
  /** Fee of this fill in account currency (negative = rebate). */
  readonly fee: number;
  readonly liquidity: Liquidity;
  /** Exchange time of the fill (ns); the strategy sees it at ts + response latency. */
  readonly ts: number;
  /** Quantity of the order still open after this fill. */
  readonly remaining: number;
}

/**
 * The context every handler receives (one object for the whole run). Read methods answer from the
 * strategy's point of view: fills not yet delivered (response latency) are not in `position`.
 */
export interface StrategyContext {
  /** Strategy clock: exchange time of the current event + feed latency (ns since the time base). */
  readonly time: number;
  /** Absolute time of time 0, ns since the Unix epoch. */
  readonly timeBase: bigint;
  /** Number of instrument handles. */
  readonly instrumentCount: number;
  /** Instrument facts (symbol, scale, tick size, multiplier) of a handle. */
  info(inst: number): InstrumentInfo;
  /** The instrument's book, as of the event being handled. */
  book(inst: number): BookView;
  /** Best bid / ask (fixed point; NaN when that side is empty). */
  bestBid(inst: number): number;
  bestAsk(inst: number): number;
  /**
   * Fast views for per-event code, indexed by instrument handle (read, never write): best bid / ask
   * after the last book change (NaN when empty) and the strategy-view position. Reading an element
   * costs no call; V8 boxes a double returned from a call it does not inline (a heap allocation),
   * so hot handlers should prefer these to `bestBid(inst)` / `position(inst)`.
   */
  readonly bestBids: Float64Array;
  readonly bestAsks: Float64Array;
  readonly positions: Float64Array;
  /** The tick size in fixed-point units (1 when the data does not say). */
  tick(inst: number): number;
  /** Currency price → fixed point, rounded to the nearest tick (ties away from zero). */
  toFixed(inst: number, currencyPrice: number): number;
  /** Fixed point → currency (for features and display). */
  toCurrency(inst: number, fixedPrice: number): number;

  /** Net position in lots (+ long, - short), from the fills delivered so far. */
  position(inst: number): number;
  /**
   * Worst-case position if every open order on `side` fills: for Bid, position + open buy qty; for
   * Ask, position − open sell qty (DESIGN.md "exposure(i, side)").
   */
  exposure(inst: number, side: Side): number;
  /** Number of open orders (sent, not yet known to be done) on an instrument; -1 = all. */
  openOrders(inst: number): number;
  /** Remaining (unfilled) quantity of an order, 0 when it is done or unknown. */
  orderRemaining(ref: number): number;
  /** Realized + unrealized P&L net of fees (account currency), all instruments. */
  pnl(): number;
  /** Reason of the last refused order call (RefusalReason.None after an accepted one). */
  readonly lastRefusal: RefusalReason;

  /** Market buy/sell `qty`. */
  buy(inst: number, qty: number): number;
  sell(inst: number, qty: number): number;
  /**
   * Limit order on `side` at fixed-point `price`. `tif` GTC/IOC/FOK; `postOnly` refuses the order
   * (PostOnlyWouldCross) when it would take liquidity on arrival.
   */
  limit(inst: number, side: Side, qty: number, price: number, tif: TimeInForce, postOnly: boolean): number;
  /** Passive GTC limits at the price (DESIGN.md `bid`/`ask`): post-only limit buy / sell. */
  bid(inst: number, price: number, qty: number): number;
  ask(inst: number, price: number, qty: number): number;
  /**
   * Stop order: triggers when a trade prints at or through `stopPrice` (buy: trade ≥ stop, sell:
   * trade ≤ stop); then becomes a market order, or a GTC limit at `limitPrice` when it is finite.
   */
  stop(inst: number, side: Side, qty: number, stopPrice: number, limitPrice: number): number;
  /**
   * Keeps ONE two-sided quote per instrument: sends the sides that are missing, modifies only a
   * side whose price or size changed, leaves an unchanged side alone (keeping its queue place).
   * A NaN price or a size 0 cancels that side. Returns the bid side's reference (or the ask's when
   * there is no bid), 0 when a side was refused.
   */
  quote(inst: number, bidPrice: number, askPrice: number, size: number): number;
  /**
   * `quote` for per-event code: the bid price in `quotePrices[0]`, the ask price in
   * `quotePrices[1]` (write both, then call). Same behaviour and result as `quote`. Why: V8 boxes a
   * double passed to a call it does not inline (one heap allocation per price), and a strategy that
   * re-quotes on most events would allocate through `quote` whenever the call is not inlined;
   * `quoteAt` takes integers only.
   */
  quoteAt(inst: number, size: number): number;
  /**
   * `quoteAt` with currency prices in `quotePrices` (as a strategy's features give them): each is
   * first rounded to the nearest tick exactly as `toFixed` rounds it, in place, then quoted. The
   * compiled strategies use it: `quoteAt(inst, size)` after two `toFixed` calls would pass and
   * return four doubles across calls V8 may not inline (one heap allocation each).
   */
  quoteAtCurrency(inst: number, size: number): number;
  /**
   * `limit` with its price in currency in `orderPrices[0]`, rounded in place to the nearest tick
   * exactly as `toFixed` rounds it (for per-event code: no double crosses the call). `bid`/`ask` are
   * `limitAtCurrency(inst, ±1, qty, TimeInForce.Gtc, true)`.
   */
  limitAtCurrency(inst: number, side: Side, qty: number, tif: TimeInForce, postOnly: boolean): number;
  /** The price register of `limitAtCurrency`: [0] the limit price, in currency. */
  readonly orderPrices: Float64Array;
  /** The price registers of `quoteAt`: [0] bid, [1] ask (fixed point; NaN cancels that side). */
  readonly quotePrices: Float64Array;
  /**
   * Modifies a resting order's price and/or quantity (total, not remaining). A price change or a
   * quantity increase loses queue priority; a decrease keeps it. Returns the same ref, or 0 when
   * refused or the order is done.
   */
  modify(ref: number, price: number, qty: number): number;
  /** Cancels an order (never blocked by risk). */
  cancel(ref: number): void;
  /** Cancels every open order of an instrument on one side (`cancel(es, buy)`). Never blocked. */
  cancelSide(inst: number, side: Side): void;
  /**
   * Quantity queued ahead of our resting order on `side` (the one nearest the touch), as the queue
   * model estimates it; NaN when none rests there. `book.queue_position` reads it.
   */
  queueAhead(inst: number, side: Side): number;
  /** Cancels every open order of an instrument (-1 = all instruments). Never blocked. */
  cancelAll(inst: number): void;
  /**
   * Cancels the instrument's open orders and sends market orders closing the position, split into
   * children of at most max_order_qty. Never blocked by risk (the order rate included).
   */
  flatten(inst: number): void;
  /** Appends `value` to the user series `seriesId` at the current time (shown in the report). */
  record(seriesId: number, value: number): void;
  /** Declares a user series name once (in onStart); returns its id for `record`. */
  series(name: string): number;
  /** A log line (kept in the report; not for per-event use — it formats strings). */
  log(message: string): void;
}

/**
 * A strategy: what `.algo` code compiles to and what a hand-written TS module default-exports (as a
 * class with a no-argument constructor, or a factory `(params) => Strategy`). Every handler is
 * optional; see the file comment for the call order.
 */
export interface Strategy {
  /** Symbols traded, in handle order; `["*"]` = every instrument in the data. */
  readonly instruments: readonly string[];
  /**
   * The strategy's `risk { ... }` block in run-time units (compiled strategies emit it). The runtime
   * risk manager checks every order against it; `EngineOptions.risk` overrides it when given.
   */
  readonly risk?: RiskLimits;
  /** Timers and bars, read once before onStart. */
  subscriptions?(init: StrategyInit): Subscriptions;
  onStart?(ctx: StrategyContext): void;
  onBook?(ctx: StrategyContext, inst: number): void;
  onTrade?(ctx: StrategyContext, inst: number, trade: TradeView): void;
  onBar?(ctx: StrategyContext, inst: number, barLenNs: number, bar: BarView): void;
  onFill?(ctx: StrategyContext, fill: FillView): void;
  onTimer?(ctx: StrategyContext, timerId: number): void;
  onEnd?(ctx: StrategyContext): void;
  /**
   * True once every feature the strategy needs is warm (compiled strategies: all `ready(...)`). The
   * engine asks after each handler until it answers true; metrics start there (the warm-up is
   * excluded). Absent = ready from the first event.
   */
  isReady?(): boolean;
}

/** What a strategy module may default-export: a class, or a factory taking the run's parameters. */
export type StrategyExport =
  | (new (params: Record<string, number | string | boolean>) => Strategy)
  | ((params: Record<string, number | string | boolean>) => Strategy);
