/**
 * Synthetic market-by-order data: a deterministic, seeded EventSource for benchmarks, examples and
 * property tests. PER-EVENT CODE: `next()` allocates nothing — all state lives in typed arrays
 * (order pool, per-tick FIFO levels, an event queue).
 *
 * Model (one "action" per step, all its events share one timestamp; the last carries F_LAST):
 * - a latent fair price does a random walk (±1/2 tick steps);
 * - limit orders are placed near the touch on their own side, the distance from the fair price
 *   geometric (most at 0-2 ticks, a thin tail further out); a limit order that would cross the
 *   book is marketable instead: it trades against the opposite best level and does not rest, so
 *   the book is never crossed and the mid follows the fair price;
 * - cancels pick the farther of two random resting orders (far orders are cancelled more), 15%
 *   of them partial; modifies either shrink an order (keeps priority) or move it one tick away
 *   from the touch (loses priority);
 * - market orders hit the best opposite level front to back: one Trade print (aggressor set)
 *   then one Execute per resting order filled (the last possibly partial).
 * Proportions per step: add 46%, cancel 40%, modify 4%, market 10% (adds win when fewer than 200
 * orders rest, cancels when more than 3000). Order ids are unique (counter above 2^32, so both
 * u32 halves are exercised). Prices are DBN fixed point (1e-9): tick 0.25 by default.
 */
import { EventKind, MarketEvent, Side, type EventSource, type InstrumentInfo } from "../events.js";
import { utcMidnight } from "./dbn/metadata.js";

/** Options of the synthetic MBO generator. */
export interface SynthOptions {
  /** Number of events to produce. */
  events: number;
  /** PRNG seed (any 32-bit integer). */
  seed: number;
  /** Instrument symbol (default "SYNTH"). */
  symbol?: string;
  /** Start time, ns since the epoch (default 2024-01-02T14:30:00Z). */
  start?: bigint;
  /** Tick size in 1e-9 units (default 0.25 → 250_000_000). */
  tickSize?: number;
  /** Initial price in 1e-9 units (default 5000 → 5e12). */
  startPrice?: number;
  /** Mean gap between actions in ns (default 50 µs). */
  meanGapNs?: number;
}

const TICKS = 1 << 17;
const POOL = 1 << 16;
const QUEUE = 4096;
const MIN_LIVE = 200;
const MAX_LIVE = 3000;
const F_LAST = 128;
const NONE = -1;
const INV30 = 1 / (1 << 30);
/** 2^30: `rnd() < p * TWO30` is exactly `rnd() * INV30 < p` (scaling by a power of two is exact), without a double. */
const TWO30 = 1 << 30;

/** Deterministic synthetic MBO EventSource (in memory; `algo data synth` writes it as DBN). */
export class SynthMboSource implements EventSource {
  readonly event = new MarketEvent();
  /** Every action's events end with F_LAST (and so does the last event). */
  readonly groupsByLastFlag = true;
  readonly instruments: InstrumentInfo[];
  readonly timeBase: bigint;
  private readonly total: number;
  private emitted = 0;
  /**
   * xorshift32 state in a typed slot: an int32 outside V8's small-integer range (31 bits) stored
   * in an object field is a heap number — one allocation per draw.
   */
  private readonly state = new Int32Array(1);
  private readonly tick: number;
  private readonly meanGap: number;
  /** [0] = current time (ns since the base), [1] = latent fair price (ticks): doubles kept in a
   * typed array so updating them never boxes a number. */
  private readonly clock = new Float64Array(2);
  /** [0] = next order id (beyond 2^32: a double, kept in a typed slot so incrementing it never boxes). */
  private readonly nextId = new Float64Array(1);
  // order pool
  private readonly oTick = new Int32Array(POOL);
  private readonly oSize = new Int32Array(POOL);
  private readonly oSide = new Int8Array(POOL);
  private readonly oId = new Float64Array(POOL);
  private readonly oPrev = new Int32Array(POOL);
  private readonly oNext = new Int32Array(POOL);
  private readonly oLive = new Int32Array(POOL);
  private readonly free = new Int32Array(POOL);
  private freeN = POOL;
  private readonly live = new Int32Array(POOL);
  private liveN = 0;
  // levels: index = tick (bids) or TICKS + tick (asks)
  private readonly lvHead = new Int32Array(2 * TICKS).fill(NONE);
  private readonly lvTail = new Int32Array(2 * TICKS).fill(NONE);
  private readonly lvSize = new Float64Array(2 * TICKS);
  private bestBid = NONE;
  private bestAsk = TICKS;
  // event queue
  private readonly qKind = new Uint8Array(QUEUE);
  private readonly qSide = new Int8Array(QUEUE);
  private readonly qAggr = new Int8Array(QUEUE);
  private readonly qTick = new Int32Array(QUEUE);
  private readonly qSize = new Float64Array(QUEUE);
  private readonly qId = new Float64Array(QUEUE);
  private readonly qFlags = new Uint8Array(QUEUE);
  private qHead = 0;
  private qTail = 0;

  constructor(opts: SynthOptions) {
    this.total = Math.max(0, Math.floor(opts.events));
    this.state[0] = (opts.seed | 0) ^ 0x9e3779b9;
    const start = opts.start ?? 1_704_205_800_000_000_000n; // 2024-01-02T14:30:00Z
    this.timeBase = utcMidnight(start);
    this.clock[0] = Number(start - this.timeBase);
    this.tick = opts.tickSize ?? 250_000_000;
    this.meanGap = opts.meanGapNs ?? 50_000;
    this.clock[1] = Math.round((opts.startPrice ?? 5_000_000_000_000) / this.tick);
    if (!(this.clock[1] > 100 && this.clock[1] < TICKS - 100)) this.clock[1] = TICKS >> 2;
    this.nextId[0] = 4_294_967_296 * 1500 + ((opts.seed >>> 0) % 1000) * 1_000_000;
    for (let i = 0; i < POOL; i++) this.free[i] = POOL - 1 - i;
    this.instruments = [
      { index: 0, symbol: opts.symbol ?? "SYNTH", sourceId: 1, priceScale: 1e-9, tickSize: this.tick, multiplier: 1 },
    ];
  }

  next(): boolean {
    if (this.emitted >= this.total) return false;
    while (this.qHead === this.qTail) this.step();
    const i = this.qHead;
    this.qHead = (i + 1) & (QUEUE - 1);
    const ev = this.event;
    ev.kind = this.qKind[i];
    ev.instrument = 0;
    ev.ts = this.clock[0];
    ev.tsRecv = this.clock[0];
    ev.sequence = ++this.emitted;
    const id = this.qId[i];
    ev.orderIdHi = Math.floor(id / 4294967296);
    ev.orderIdLo = id >>> 0;
    ev.side = this.qSide[i] as Side;
    ev.aggressor = this.qAggr[i] as Side;
    ev.price = this.qTick[i] * this.tick;
    ev.size = this.qSize[i];
    ev.flags = this.emitted === this.total ? this.qFlags[i] | F_LAST : this.qFlags[i];
    ev.action = KIND_ACTION[ev.kind];
    return true;
  }

  close(): void {}

  // ------------------------------------------------------------------ model

  /** xorshift32, top 30 bits: always a small integer (a returned double would be boxed when the
   * call is not inlined); callers scale by INV30 to get [0, 1). */
  private rnd(): number {
    let x = this.state[0];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state[0] = x;
    return x >>> 2;
  }

  private step(): void {
    this.clock[0] += 1 + Math.floor(-Math.log(1 - (this.rnd() * INV30)) * this.meanGap);
    if (this.rnd() < 0.05 * TWO30) this.clock[1] += this.rnd() < 0.5 * TWO30 ? -0.5 : 0.5;
    if (this.clock[1] < 64) this.clock[1] = 64;
    if (this.clock[1] > TICKS - 64) this.clock[1] = TICKS - 64;
    const start = this.qTail;
    const r = this.rnd();
    if (this.liveN < MIN_LIVE || this.freeN < 64) {
      if (this.liveN < MIN_LIVE) this.addLimit();
      else this.cancelOne();
    } else if (this.liveN > MAX_LIVE) this.cancelOne();
    else if (r < 0.46 * TWO30) this.addLimit();
    else if (r < 0.86 * TWO30) this.cancelOne();
    else if (r < 0.9 * TWO30) this.modifyOne();
    else this.marketOrder(this.rnd() < this.buyThreshold() ? Side.Bid : Side.Ask, this.sizeDraw(4));
    if (this.qTail !== start) this.qFlags[(this.qTail - 1) & (QUEUE - 1)] |= F_LAST;
  }

  /** P(buy) of a market order, in units of 2^-30 (an integer, see `rnd`). */
  private buyThreshold(): number {
    if (this.bestBid === NONE || this.bestAsk === TICKS) return 1 << 29;
    const mid = (this.bestBid + this.bestAsk) / 2;
    let p = 0.5 + (this.clock[1] - mid) * 0.15;
    p = p < 0.2 ? 0.2 : p > 0.8 ? 0.8 : p;
    return Math.floor(p * (1 << 30));
  }

  private sizeDraw(mean: number): number {
    return 1 + Math.floor(-Math.log(1 - (this.rnd() * INV30)) * mean);
  }

  /** Geometric draw with success probability p = pUnits / 2^30 (integer argument: no boxing). */
  private geometric(pUnits: number): number {
    let d = 0;
    while (d < 40 && this.rnd() > pUnits) d++;
    return d;
  }

  private addLimit(): void {
    const side = this.rnd() < 0.5 * TWO30 ? Side.Bid : Side.Ask;
    const d = this.geometric(375809638); // p = 0.35
    const size = this.sizeDraw(3);
    let t: number;
    if (side === Side.Bid) {
      t = Math.floor(this.clock[1] - 0.25) - d;
      if (t >= this.bestAsk) {
        this.marketOrder(Side.Bid, size);
        return;
      }
    } else {
      t = Math.floor(this.clock[1] + 0.25) + 1 + d;
      if (t <= this.bestBid) {
        this.marketOrder(Side.Ask, size);
        return;
      }
    }
    if (t < 1 || t > TICKS - 2) return;
    const slot = this.free[--this.freeN];
    this.oTick[slot] = t;
    this.oSize[slot] = size;
    this.oSide[slot] = side;
    this.oId[slot] = this.nextId[0]++;
    this.oLive[slot] = this.liveN;
    this.live[this.liveN++] = slot;
    this.linkTail(slot);
    this.push(EventKind.Add, side, Side.None, t, size, slot);
  }

  private cancelOne(): void {
    if (this.liveN === 0) return;
    const a = this.live[((this.rnd() * this.liveN) / TWO30) | 0];
    const b = this.live[((this.rnd() * this.liveN) / TWO30) | 0];
    // |tick - fair| by hand: Math.abs of a double may run as a builtin returning a heap number.
    const da = this.oTick[a] - this.clock[1];
    const db = this.oTick[b] - this.clock[1];
    const slot = (da < 0 ? -da : da) >= (db < 0 ? -db : db) ? a : b;
    const size = this.oSize[slot];
    if (size > 1 && this.rnd() < 0.15 * TWO30) {
      const cut = 1 + ((this.rnd() * (size - 1)) / TWO30) | 0;
      this.oSize[slot] = size - cut;
      this.lvSize[this.level(slot)] -= cut;
      this.push(EventKind.Cancel, this.oSide[slot], Side.None, this.oTick[slot], cut, slot);
      return;
    }
    this.push(EventKind.Cancel, this.oSide[slot], Side.None, this.oTick[slot], size, slot);
    this.removeOrder(slot);
  }

  private modifyOne(): void {
    if (this.liveN === 0) return;
    const slot = this.live[((this.rnd() * this.liveN) / TWO30) | 0];
    const size = this.oSize[slot];
    const side = this.oSide[slot];
    if (size > 1 && this.rnd() < 0.6 * TWO30) {
      const ns = 1 + ((this.rnd() * (size - 1)) / TWO30) | 0;
      this.oSize[slot] = ns;
      this.lvSize[this.level(slot)] -= size - ns;
      this.push(EventKind.Modify, side, Side.None, this.oTick[slot], ns, slot);
      return;
    }
    const nt = this.oTick[slot] - side; // bid moves down, ask moves up: away from the touch
    if (nt < 1 || nt > TICKS - 2) return;
    this.unlink(slot);
    this.oTick[slot] = nt;
    this.linkTail(slot);
    this.push(EventKind.Modify, side, Side.None, nt, size, slot);
  }

  /** A marketable order of `size` on `side` (aggressor) against the best opposite level only. */
  private marketOrder(side: Side, size: number): void {
    const t = side === Side.Bid ? this.bestAsk : this.bestBid;
    if (t === NONE || t === TICKS) return;
    const lv = side === Side.Bid ? TICKS + t : t;
    const fill = Math.min(size, this.lvSize[lv]);
    this.push(EventKind.Trade, side, side, t, fill, NONE);
    let left = fill;
    while (left > 0 && this.queueRoom() > 2) {
      const slot = this.lvHead[lv];
      const os = this.oSize[slot];
      const x = os <= left ? os : left;
      this.push(EventKind.Execute, this.oSide[slot], side, t, x, slot);
      left -= x;
      if (x === os) this.removeOrder(slot);
      else {
        this.oSize[slot] = os - x;
        this.lvSize[lv] -= x;
      }
    }
  }

  private queueRoom(): number {
    return QUEUE - ((this.qTail - this.qHead) & (QUEUE - 1));
  }

  private level(slot: number): number {
    return this.oSide[slot] === Side.Bid ? this.oTick[slot] : TICKS + this.oTick[slot];
  }

  private linkTail(slot: number): void {
    const lv = this.level(slot);
    const tail = this.lvTail[lv];
    this.oPrev[slot] = tail;
    this.oNext[slot] = NONE;
    if (tail === NONE) this.lvHead[lv] = slot;
    else this.oNext[tail] = slot;
    this.lvTail[lv] = slot;
    this.lvSize[lv] += this.oSize[slot];
    const t = this.oTick[slot];
    if (this.oSide[slot] === Side.Bid) {
      if (t > this.bestBid) this.bestBid = t;
    } else if (t < this.bestAsk) this.bestAsk = t;
  }

  private unlink(slot: number): void {
    const lv = this.level(slot);
    const p = this.oPrev[slot];
    const n = this.oNext[slot];
    if (p === NONE) this.lvHead[lv] = n;
    else this.oNext[p] = n;
    if (n === NONE) this.lvTail[lv] = p;
    else this.oPrev[n] = p;
    this.lvSize[lv] -= this.oSize[slot];
    if (this.lvHead[lv] === NONE) {
      this.lvSize[lv] = 0;
      const t = this.oTick[slot];
      if (this.oSide[slot] === Side.Bid) {
        if (t === this.bestBid) {
          let b = t - 1;
          while (b >= 0 && this.lvHead[b] === NONE) b--;
          this.bestBid = b;
        }
      } else if (t === this.bestAsk) {
        let a = t + 1;
        while (a < TICKS && this.lvHead[TICKS + a] === NONE) a++;
        this.bestAsk = a;
      }
    }
  }

  private removeOrder(slot: number): void {
    this.unlink(slot);
    const pos = this.oLive[slot];
    const last = this.live[--this.liveN];
    this.live[pos] = last;
    this.oLive[last] = pos;
    this.free[this.freeN++] = slot;
  }

  /** Queues an event; `slot` names the order (NONE: no order id). Only small integers cross this call:
   * a double argument (the 2^32+ ids) would be boxed on every call that is not inlined. */
  private push(kind: EventKind, side: number, aggr: number, tick: number, size: number, slot: number): void {
    const i = this.qTail;
    this.qKind[i] = kind;
    this.qSide[i] = side;
    this.qAggr[i] = aggr;
    this.qTick[i] = tick;
    this.qSize[i] = size;
    this.qId[i] = slot === NONE ? 0 : this.oId[slot];
    this.qFlags[i] = 0;
    this.qTail = (i + 1) & (QUEUE - 1);
  }
}

/** DBN action char code per EventKind (for `event.action`). */
const KIND_ACTION = new Uint8Array(32);
KIND_ACTION[EventKind.Add] = 65;
KIND_ACTION[EventKind.Cancel] = 67;
KIND_ACTION[EventKind.Modify] = 77;
KIND_ACTION[EventKind.Trade] = 84;
KIND_ACTION[EventKind.Execute] = 70;

/** Creates the synthetic MBO source. */
export function openSynth(opts: SynthOptions): SynthMboSource {
  return new SynthMboSource(opts);
}
