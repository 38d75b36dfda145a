/**
 * flow.volume_profile: volume by price level (one level per tick) over the session or a rolling
 * window, with point of control and value area. PER-EVENT CODE: `onTrade` updates the table in
 * O(1) amortised (a rare re-centre is O(max_levels + window)) and the point of control in O(1)
 * unless a trade leaves its level (then one O(occupied span) rescan), then recomputes the value
 * area, O(its width), into plain fields (getters returning doubles would box when not inlined).
 * Nothing allocates after construction except a time window's ring growing at a new high-water
 * mark.
 *
 * Doubles and V8: a call that V8 does not inline boxes every non-integer double argument (one
 * heap allocation each). So the public update method here only stores its arguments in fields and
 * calls a zero-argument `step()`: the small method inlines into the caller's loop, and `step()`
 * needs no boxing whether or not it is inlined.
 */
import type { InstrumentInfo, Side } from "../../runtime/events.js";
import { TimeRing } from "./time-ring.js";
import { checkCount, checkDuration } from "./trades.js";

/** Tick used when the instrument does not say (currency units). */
export const DEFAULT_PROFILE_TICK = 0.01;

/**
 * The fixed table of `maxLevels` consecutive price buckets (bucket = round(price / tick)), with
 * loose bounds [lo, hi] on the occupied slots, and the lazily computed profile statistics.
 */
export class ProfileTable {
  /** Volume per slot; slot i holds bucket base + i. */
  readonly vol: Float64Array;
  /** Number of slots. */
  readonly maxLevels: number;
  /** Currency units per bucket. */
  readonly tick: number;
  /** Share of volume the value area must hold. */
  readonly valueArea: number;
  /** Absolute bucket of slot 0. */
  base = 0;
  /** Total volume in the table. */
  total = 0;
  /** Price levels dropped because the trades moved more than max_levels ticks away. */
  dropped = 0;
  /**
   * Arguments of add()/remove(), passed through fields: a call V8 does not inline would box a
   * double argument. `add` may move the bucket it was given only by re-centring, never changes it.
   */
  argBucket = Number.NaN;
  /** Size argument of add()/remove(). */
  argSize = Number.NaN;
  /** Set by `add` when it dropped levels (the owner must then forget their trades). */
  droppedLevels = false;
  private anchored = false;
  private lo = 0;
  private hi = -1;
  /** Slot of the point of control, kept up to date by `add` while `pocDirty` is false. */
  private pocSlot = -1;
  /** Set when a removal or a move may have changed the point of control: rescan in add(). */
  private pocDirty = false;
  /** Point of control price, after add() (NaN when empty). */
  pocPrice = Number.NaN;
  /** Volume at the point of control, after add() (NaN when empty). */
  pocVolume = Number.NaN;
  /** Upper edge of the value area, after add() (NaN when empty). */
  valueAreaHigh = Number.NaN;
  /** Lower edge of the value area, after add() (NaN when empty). */
  valueAreaLow = Number.NaN;

  constructor(inst: InstrumentInfo, maxLevels: number, valueArea: number) {
    if (!Number.isInteger(maxLevels) || maxLevels < 16) {
      throw new RangeError(`max_levels must be an integer >= 16, got ${maxLevels}`);
    }
    if (!(valueArea >= 0 && valueArea <= 1)) {
      throw new RangeError(`value_area must be in [0, 1], got ${valueArea}`);
    }
    const t = inst.tickSize * inst.priceScale;
    this.tick = t > 0 ? t : DEFAULT_PROFILE_TICK;
    this.maxLevels = maxLevels;
    this.valueArea = valueArea;
    this.vol = new Float64Array(maxLevels);
  }

  /** Bucket of a price (currency units). */
  bucketOf(price: number): number {
    return Math.round(price / this.tick);
  }

  /**
   * Adds argSize at bucket argBucket. When the bucket is outside the table
   * and the occupied levels cannot move to fit it, the table re-centres on it, drops the levels
   * that fall off and sets `droppedLevels`: the owner must then forget the trades at buckets
   * outside [base, base + maxLevels) (see `holds`).
   */
  add(): void {
    const bucket = this.argBucket;
    const size = this.argSize;
    const m = this.maxLevels;
    if (!this.anchored) {
      this.base = bucket - (m >> 1);
      this.anchored = true;
    }
    this.droppedLevels = false;
    if (bucket - this.base < 0 || bucket - this.base >= m) this.recentre(bucket);
    const slot = bucket - this.base;
    const v = this.vol;
    v[slot] += size;
    this.total += size;
    if (!this.pocDirty && v[slot] > 0) {
      const p = this.pocSlot;
      if (p < 0 || v[slot] > v[p] || (v[slot] === v[p] && slot < p)) this.pocSlot = slot;
    }
    if (slot < this.lo || this.lo > this.hi) this.lo = slot;
    if (slot > this.hi) this.hi = slot;
    // Then point of control and value area over the occupied span, written out here rather than
    // called: it makes add() larger than V8's inlining limit (460 bytecodes), so it always runs as
    // a function of its own and the per-trade methods that call it stay small enough to inline
    // into any caller (stdlib/core/index.ts, "Doubles and V8").
    this.tighten();
    const lo = this.lo;
    const hi = this.hi;
    if (lo > hi || !(this.total > 0)) {
      this.pocPrice = Number.NaN;
      this.pocVolume = Number.NaN;
      this.valueAreaHigh = Number.NaN;
      this.valueAreaLow = Number.NaN;
      this.pocSlot = -1;
      this.pocDirty = false;
      return;
    }
    let poc = this.pocSlot;
    if (this.pocDirty || poc < lo || poc > hi || !(v[poc] > 0)) {
      poc = lo;
      for (let i = lo + 1; i <= hi; i++) if (v[i] > v[poc]) poc = i;
      this.pocSlot = poc;
      this.pocDirty = false;
    }
    const target = this.valueArea * this.total;
    let acc = v[poc];
    let a = poc;
    let b = poc;
    while (acc < target) {
      let u = b + 1;
      while (u <= hi && v[u] <= 0) u++;
      let d = a - 1;
      while (d >= lo && v[d] <= 0) d--;
      const up = u <= hi ? v[u] : -1;
      const down = d >= lo ? v[d] : -1;
      if (up < 0 && down < 0) break;
      if (up >= down) {
        b = u;
        acc += up;
      } else {
        a = d;
        acc += down;
      }
    }
    const tick = this.tick;
    this.pocPrice = (this.base + poc) * tick;
    this.pocVolume = v[poc];
    this.valueAreaHigh = (this.base + b) * tick;
    this.valueAreaLow = (this.base + a) * tick;
  }

  /** True when an absolute bucket lies inside the table. */
  holds(bucket: number): boolean {
    const slot = bucket - this.base;
    return slot >= 0 && slot < this.maxLevels;
  }

  /** Removes argSize added before at argBucket; a NaN bucket marks a trade whose level was dropped. */
  remove(): void {
    const bucket = this.argBucket;
    const size = this.argSize;
    if (bucket !== bucket) return;
    const slot = bucket - this.base;
    if (slot < 0 || slot >= this.maxLevels) return;
    this.vol[slot] -= size;
    this.total -= size;
    if (slot === this.pocSlot) this.pocDirty = true;
  }

  /** Empties the table. */
  clear(): void {
    this.vol.fill(0);
    this.total = 0;
    this.dropped = 0;
    this.droppedLevels = false;
    this.pocSlot = -1;
    this.pocDirty = false;
    this.pocPrice = Number.NaN;
    this.pocVolume = Number.NaN;
    this.valueAreaHigh = Number.NaN;
    this.valueAreaLow = Number.NaN;
    this.anchored = false;
    this.lo = 0;
    this.hi = -1;
  }

  /** Shrinks [lo, hi] to the occupied slots. */
  private tighten(): void {
    const v = this.vol;
    while (this.lo <= this.hi && v[this.lo] <= 0) this.lo++;
    while (this.hi >= this.lo && v[this.hi] <= 0) this.hi--;
  }

  /**
   * Moves the table so that it holds `bucket`: keeping every occupied level when they fit in
   * max_levels ticks together with it, else centring on it and dropping the levels that fall off.
   */
  private recentre(bucket: number): void {
    const m = this.maxLevels;
    this.pocDirty = true;
    this.tighten();
    const v = this.vol;
    if (this.lo > this.hi) {
      v.fill(0);
      this.base = bucket - (m >> 1);
      this.lo = 0;
      this.hi = -1;
      return;
    }
    const newLo = Math.min(this.base + this.lo, bucket);
    const newHi = Math.max(this.base + this.hi, bucket);
    const span = newHi - newLo + 1;
    const newBase = span <= m ? newLo - ((m - span) >> 1) : bucket - (m >> 1);
    const shift = this.base - newBase;
    // Old slots [keepLo, keepHi] land inside the new table; the rest are dropped.
    const keepLo = Math.max(this.lo, -shift);
    const keepHi = Math.min(this.hi, m - 1 - shift);
    for (let i = this.lo; i <= this.hi; i++) {
      if ((i < keepLo || i > keepHi) && v[i] > 0) {
        this.total -= v[i];
        this.dropped++;
        this.droppedLevels = true;
      }
    }
    if (keepLo <= keepHi) {
      v.copyWithin(keepLo + shift, keepLo, keepHi + 1);
      v.fill(0, 0, keepLo + shift);
      v.fill(0, keepHi + shift + 1, m);
      this.lo = keepLo + shift;
      this.hi = keepHi + shift;
    } else {
      v.fill(0);
      this.lo = 0;
      this.hi = -1;
    }
    this.base = newBase;
  }
}

/** `flow.volume_profile(inst)` (window 0: session) or `flow.volume_profile(inst, n)`: last n trades. */
export class FlowVolumeProfile {
  /** True after max(1, window) trades. */
  ready = false;
  /** Trades needed before ready. */
  readonly warmup: number;
  /** Window length in trades (0: session). */
  readonly window: number;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;
  /** The price-level table (exposed for inspection: `dropped`, `tick`, `base`). */
  readonly table: ProfileTable;
  private readonly buckets: Float64Array;
  private readonly sizes: Float64Array;
  private seen = 0;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, window = 0, maxLevels = 4096, valueArea = 0.7) {
    this.inst = inst;
    this.window = window === 0 ? 0 : checkCount(window, 1);
    this.warmup = Math.max(1, this.window);
    this.table = new ProfileTable(inst, maxLevels, valueArea);
    this.buckets = new Float64Array(this.window);
    this.sizes = new Float64Array(this.window);
  }

  /** Point of control (price with the most volume; ties: the lower). NaN before ready. */
  poc = Number.NaN;
  /** Volume at the point of control. NaN before ready. */
  poc_volume = Number.NaN;
  /** Upper edge of the value area. NaN before ready. */
  value_area_high = Number.NaN;
  /** Lower edge of the value area. NaN before ready. */
  value_area_low = Number.NaN;

  /** Receives one trade. */
  onTrade(price: number, size: number, aggressor: Side, ts: number): void {
    this.inPrice = price;
    this.inSize = size;
    this.inAggressor = aggressor;
    this.inTs = ts;
    this.step();
  }

  /** The update proper, reading its inputs from fields (see the file comment). */
  private step(): void {
    const price = this.inPrice;
    const size = this.inSize;
    const t = this.table;
    const n = this.window;
    if (n > 0) {
      const slot = this.seen % n;
      if (this.seen >= n) {
        t.argBucket = this.buckets[slot];
        t.argSize = this.sizes[slot];
        t.remove();
      }
      const bucket = Math.round(price / t.tick);
      t.argBucket = bucket;
      t.argSize = size;
      t.add();
      this.buckets[slot] = bucket;
      this.sizes[slot] = size;
      if (t.droppedLevels) this.forgetDropped();
    } else {
      t.argBucket = Math.round(price / t.tick);
      t.argSize = size;
      t.add();
    }
    this.seen++;
    if (this.seen >= this.warmup) this.ready = true;
    if (this.ready) this.publish();
  }

  /**
   * Marks the window's trades whose level the table dropped (rare: a move of more than max_levels
   * ticks). A method of its own so that the per-trade path stays small enough for V8 to inline.
   */
  private forgetDropped(): void {
    const t = this.table;
    const b = this.buckets;
    const filled = Math.min(this.window, this.seen + 1);
    for (let i = 0; i < filled; i++) {
      const slot = b[i] - t.base;
      if (slot >= 0 && slot < t.maxLevels) continue;
      b[i] = Number.NaN;
    }
  }

  /** Copies the table's statistics into the output fields. */
  private publish(): void {
    const t = this.table;
    this.poc = t.pocPrice;
    this.poc_volume = t.pocVolume;
    this.value_area_high = t.valueAreaHigh;
    this.value_area_low = t.valueAreaLow;
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.ready = false;
    this.poc = Number.NaN;
    this.poc_volume = Number.NaN;
    this.value_area_high = Number.NaN;
    this.value_area_low = Number.NaN;
    this.table.clear();
    this.seen = 0;
  }
}

/** `flow.volume_profile(inst, T)`: profile of trades with ts in (now − T, now]. */
export class FlowVolumeProfileTime {
  /** True once T has elapsed since the first trade. */
  ready = false;
  /** Time windows have no count warm-up. */
  readonly warmup = 0;
  /** Window length in ns. */
  readonly window: number;
  /** The instrument whose trades are read. */
  readonly inst: InstrumentInfo;
  /** The price-level table (exposed for inspection: `dropped`, `tick`, `base`). */
  readonly table: ProfileTable;
  private readonly ring = new TimeRing();
  private firstTs = Number.NaN;

  private inPrice = Number.NaN;
  private inSize = Number.NaN;
  private inAggressor: Side = 0 as Side;
  private inTs = Number.NaN;

  constructor(inst: InstrumentInfo, windowNs: number, maxLevels = 4096, valueArea = 0.7) {
    this.inst = inst;
    this.window = checkDuration(windowNs);
    this.table = new ProfileTable(inst, maxLevels, valueArea);
  }

  /** Point of control (price with the most volume; ties: the lower). NaN before ready. */
  poc = Number.NaN;
  /** Volume at the point of control. NaN before ready. */
  poc_volume = Number.NaN;
  /** Upper edge of the value area. NaN before ready. */
  value_area_high = Number.NaN;
  /** Lower edge of the value area. NaN before ready. */
  value_area_low = Number.NaN;

  /** Receives one trade. */
  onTrade(price: number, size: number, aggressor: Side, ts: number): void {
    this.inPrice = price;
    this.inSize = size;
    this.inAggressor = aggressor;
    this.inTs = ts;
    this.step();
  }

  /** The update proper, reading its inputs from fields (see the file comment). */
  private step(): void {
    const price = this.inPrice;
    const size = this.inSize;
    const ts = this.inTs;
    if (this.firstTs !== this.firstTs) this.firstTs = ts;
    const t = this.table;
    const ring = this.ring;
    const cutoff = ts - this.window;
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) {
      t.argBucket = ring.a[ring.head];
      t.argSize = ring.b[ring.head];
      t.remove();
      ring.dropOldest();
    }
    const bucket = Math.round(price / t.tick);
    t.argBucket = bucket;
    t.argSize = size;
    t.add();
    const slot = ring.reserve();
    ring.ts[slot] = ts;
    ring.a[slot] = bucket;
    ring.b[slot] = size;
    if (t.droppedLevels) this.forgetDropped();
    if (!this.ready && ts - this.firstTs >= this.window) this.ready = true;
    if (this.ready) this.publish();
  }

  /** Marks the ring's trades whose level the table dropped (rare; see FlowVolumeProfile). */
  private forgetDropped(): void {
    const t = this.table;
    const ring = this.ring;
    const a = ring.a;
    for (let k = 0; k < ring.count; k++) {
      const i = (ring.head + k) & ring.mask;
      const slot = a[i] - t.base;
      if (slot >= 0 && slot < t.maxLevels) continue;
      a[i] = Number.NaN;
    }
  }

  /** Copies the table's statistics into the output fields. */
  private publish(): void {
    const t = this.table;
    this.poc = t.pocPrice;
    this.poc_volume = t.pocVolume;
    this.value_area_high = t.valueAreaHigh;
    this.value_area_low = t.valueAreaLow;
  }

  /** Back to the state before the first trade. */
  reset(): void {
    this.ready = false;
    this.poc = Number.NaN;
    this.poc_volume = Number.NaN;
    this.value_area_high = Number.NaN;
    this.value_area_low = Number.NaN;
    this.table.clear();
    this.ring.clear();
    this.firstTs = Number.NaN;
  }
}
