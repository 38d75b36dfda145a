/**
 * Bars built from trade prints, per (instrument, length) subscription. PER-EVENT CODE: `onPrint`
 * and `nextClose` run per trade / per event; state lives in typed arrays, nothing allocates.
 *
 * A bar of length L covers [start, start + L) with start a multiple of L since the Unix epoch
 * (`alignOffset` = timeBase mod L folds the run's time base in). A bar closes when an event at or
 * after its end is seen; a bar with no trade is never emitted.
 *
 * Bar data (OHLCV records) of a shorter length that divides L is folded into the L bars the same
 * way (`on bar(es, 5m)` on 1-minute data): open of the first, high/low over all, close of the
 * last, volumes summed. A subscription is fed by whichever comes first, prints or data bars, and
 * ignores the other kind (trades and bars of one instrument would count the volume twice).
 */
import type { MarketEvent } from "../events.js";
import type { BarView } from "./strategy.js";

/** The reused bar record handed to `onBar`. */
export class BarRecord implements BarView {
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  start = 0;
}

/** All bar subscriptions of a run. */
export class BarBuilders {
  readonly count: number;
  readonly inst: Int32Array;
  readonly len: Float64Array;
  private readonly offset: Float64Array;
  /** Start of the open bar (NaN when no trade yet). */
  private readonly start: Float64Array;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly l: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  /** What feeds each subscription: 0 nothing yet, 1 trade prints, 2 shorter data bars. */
  private readonly feed: Uint8Array;
  /** The data bar length feeding each subscription (the first seen; 0 = none yet). */
  private readonly feedLen: Float64Array;
  /** End time of the last data bar folded into each subscription (a bar is folded once). */
  private readonly lastFold: Float64Array;
  /** [0] = the earliest end of an open bar (Infinity when none); read per event instead of a call. */
  readonly minEnd = new Float64Array([Number.POSITIVE_INFINITY]);

  constructor(subs: ReadonlyArray<{ instrument: number; lenNs: number }>, timeBase: bigint) {
    const n = subs.length;
    this.count = n;
    this.inst = new Int32Array(n);
    this.len = new Float64Array(n);
    this.offset = new Float64Array(n);
    this.start = new Float64Array(n).fill(Number.NaN);
    this.o = new Float64Array(n);
    this.h = new Float64Array(n);
    this.l = new Float64Array(n);
    this.c = new Float64Array(n);
    this.v = new Float64Array(n);
    this.feed = new Uint8Array(n);
    this.feedLen = new Float64Array(n);
    this.lastFold = new Float64Array(n).fill(Number.NaN);
    for (let j = 0; j < n; j++) {
      const { instrument, lenNs } = subs[j];
      if (!Number.isInteger(lenNs) || lenNs <= 0) throw new RangeError(`bar length must be a positive integer of ns, got ${lenNs}`);
      this.inst[j] = instrument;
      this.len[j] = lenNs;
      this.offset[j] = Number(((timeBase % BigInt(lenNs)) + BigInt(lenNs)) % BigInt(lenNs));
    }
  }

  /**
   * Adds a trade print (the event's ts, price, size) to every open bar of the instrument (call after
   * closing due bars). Takes the event record, not its numbers: no double crosses the call.
   */
  onPrintEvent(inst: number, ev: MarketEvent): void {
    const ts = ev.ts;
    const price = ev.price;
    const size = ev.size;
    for (let j = 0; j < this.count; j++) {
      if (this.inst[j] !== inst || this.feed[j] === 2) continue;
      this.feed[j] = 1;
      const L = this.len[j];
      const off = this.offset[j];
      const s = Math.floor((ts + off) / L) * L - off;
      if (this.start[j] !== s) {
        this.start[j] = s;
        this.o[j] = price;
        this.h[j] = price;
        this.l[j] = price;
        this.v[j] = 0;
      }
      if (price > this.h[j]) this.h[j] = price;
      if (price < this.l[j]) this.l[j] = price;
      this.c[j] = price;
      this.v[j] += size;
      const end = s + L;
      if (end < this.minEnd[0]) this.minEnd[0] = end;
    }
  }

  /**
   * Folds a data bar (an OHLCV record: `ev.ts` its end, `ev.aux` its length) into every bar of the
   * instrument whose length is a multiple of it. Call it before closing due bars, so that the last
   * short bar of a window closes it at once. Returns true when the bar opens a new window of a
   * subscription whose previous window is still open: that subscription is left alone; call again
   * once due bars are closed (a bar already folded is not folded twice). Equal lengths are passed
   * through by the engine, not folded; one data bar length feeds a subscription (the first seen).
   */
  onBarEvent(inst: number, ev: MarketEvent): boolean {
    const len = ev.aux;
    if (!(len > 0)) return false;
    const barStart = ev.ts - len;
    let pending = false;
    for (let j = 0; j < this.count; j++) {
      if (this.inst[j] !== inst || this.feed[j] === 1 || this.lastFold[j] === ev.ts) continue;
      const L = this.len[j];
      if (L <= len || L % len !== 0 || (this.feedLen[j] !== 0 && this.feedLen[j] !== len)) continue;
      const off = this.offset[j];
      const s = Math.floor((barStart + off) / L) * L - off;
      const open = this.start[j];
      if (open === open && open !== s) {
        pending = true;
        continue;
      }
      this.feed[j] = 2;
      this.feedLen[j] = len;
      this.lastFold[j] = ev.ts;
      if (open !== s) {
        this.start[j] = s;
        this.o[j] = ev.open;
        this.h[j] = ev.high;
        this.l[j] = ev.low;
        this.v[j] = 0;
      }
      if (ev.high > this.h[j]) this.h[j] = ev.high;
      if (ev.low < this.l[j]) this.l[j] = ev.low;
      this.c[j] = ev.close;
      this.v[j] += ev.volume;
      const end = s + L;
      if (end < this.minEnd[0]) this.minEnd[0] = end;
    }
    return pending;
  }

  /** Index of an open bar whose end is ≤ ts (the earliest such end), or -1. */
  dueBefore(ts: number): number {
    let best = -1;
    let bestEnd = Number.POSITIVE_INFINITY;
    for (let j = 0; j < this.count; j++) {
      const s = this.start[j];
      if (s !== s) continue;
      const end = s + this.len[j];
      if (end <= ts && end < bestEnd) {
        best = j;
        bestEnd = end;
      }
    }
    return best;
  }

  /** End time of bar j's open bar. */
  endOf(j: number): number {
    return this.start[j] + this.len[j];
  }

  /** Copies bar j into `out` and marks it emitted (the next print opens a new bar). */
  take(j: number, out: BarRecord): void {
    out.open = this.o[j];
    out.high = this.h[j];
    out.low = this.l[j];
    out.close = this.c[j];
    out.volume = this.v[j];
    out.start = this.start[j];
    this.start[j] = Number.NaN;
    let m = Number.POSITIVE_INFINITY;
    for (let k = 0; k < this.count; k++) {
      const st = this.start[k];
      if (st === st && st + this.len[k] < m) m = st + this.len[k];
    }
    this.minEnd[0] = m;
  }

  /** Subscription index for (inst, len), or -1 (bar data pass-through). */
  find(inst: number, len: number): number {
    for (let j = 0; j < this.count; j++) if (this.inst[j] === inst && this.len[j] === len) return j;
    return -1;
  }
}

/** Periodic timers on the strategy clock, aligned to multiples of their period since the epoch. */
export class Timers {
  readonly count: number;
  readonly period: Float64Array;
  /** Next fire time per timer (ns since the time base). */
  readonly next: Float64Array;
  /** [0] = the earliest next fire time (Infinity when none); read per event instead of a call. */
  readonly minNext = new Float64Array([Number.POSITIVE_INFINITY]);
  private readonly offset: Float64Array;

  constructor(periodsNs: readonly number[], timeBase: bigint) {
    const n = periodsNs.length;
    this.count = n;
    this.period = new Float64Array(n);
    this.next = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.offset = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const p = periodsNs[j];
      if (!Number.isInteger(p) || p <= 0) throw new RangeError(`timer period must be a positive integer of ns, got ${p}`);
      this.period[j] = p;
      this.offset[j] = Number(((timeBase % BigInt(p)) + BigInt(p)) % BigInt(p));
    }
  }

  /** Arms every timer at the first multiple of its period strictly after `t`. */
  start(t: number): void {
    for (let j = 0; j < this.count; j++) {
      const p = this.period[j];
      const off = this.offset[j];
      this.next[j] = (Math.floor((t + off) / p) + 1) * p - off;
    }
    this.refresh();
  }

  /** Moves timer j to its next period and updates minNext. */
  advance(j: number): void {
    this.next[j] += this.period[j];
    this.refresh();
  }

  private refresh(): void {
    let m = Number.POSITIVE_INFINITY;
    for (let j = 0; j < this.count; j++) if (this.next[j] < m) m = this.next[j];
    this.minNext[0] = m;
  }

  /** The timer due earliest at or before `t` (ties: lower id), or -1. */
  due(t: number): number {
    let best = -1;
    let bt = Number.POSITIVE_INFINITY;
    for (let j = 0; j < this.count; j++) {
      const x = this.next[j];
      if (x <= t && x < bt) {
        best = j;
        bt = x;
      }
    }
    return best;
  }
}
