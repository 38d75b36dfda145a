/**
 * PER-EVENT CODE: push() and query() run on every update. They must not allocate, use closures or
 * iterators, and no double crosses a call boundary (stdlib/core/index.ts, "Doubles and V8"):
 * values are handed over and answered in fields, the recursive helpers take node ids only.
 *
 * OrderStatisticSums: the last n values of a series in a treap (a binary search tree ordered by
 * (value, slot), balanced by random priorities: expected depth O(log n)) whose nodes are the ring
 * slots, each node holding the size and the sum of its subtree. `query()` answers, for a
 * threshold t, how many values are <= t and their sum in O(log n) — e.g. the mean absolute
 * deviation sum |x - t| = (total - below) - t (n - c) + (t c - below) without visiting the window.
 *
 * Exactness: sums hold x - K for a shift K (the window's mean, re-chosen every n pushes and
 * whenever the window holds one repeated value, so a flat window sums to exactly 0), and every
 * subtree sum is recomputed from its two children on each path change (never adjusted by
 * add/subtract), so rounding error does not drift: it stays within a few ulps times the tree depth
 * of sums of |x - K|. Re-centring is O(n) every n pushes: amortized O(1).
 */
import { checkCount } from "./capacity.js";

/** Order-statistic sums over a count window (see the file comment). */
export class OrderStatisticSums {
  /** Window length. */
  readonly windowCount: number;
  /** Values in the window. */
  count = 0;
  /** True once the window holds n values. */
  full = false;
  /** The shift K; `total` and `belowSum` are sums of x - K. */
  shift = 0;
  /** Sum of x - K over the window (the root's subtree sum). */
  total = 0;
  /** query() input: the threshold t (an absolute value, not shifted). */
  threshold = Number.NaN;
  /** query() results: the number of values <= threshold, and the sum of their x - K. */
  belowCount = 0;
  belowSum = 0;

  private readonly keys: Float64Array;
  private readonly vals: Float64Array;
  private readonly sums: Float64Array;
  private readonly sizes: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly prio: Int32Array;
  private root = -1;
  private head = 0;
  private pushes = 0;
  private lastX = Number.NaN;
  private run = 0;
  private rng = 0x9e3779b9 | 0;
  /** push()'s argument. */
  private inX = Number.NaN;
  /** The node being inserted or removed (by the recursive helpers). */
  private target = -1;
  /** split() results: the roots of the (< target) and (>= target) parts. */
  private splitLo = -1;
  private splitHi = -1;

  /** The last n values. */
  constructor(n: number) {
    this.windowCount = checkCount("window", n);
    this.keys = new Float64Array(n);
    this.vals = new Float64Array(n);
    this.sums = new Float64Array(n);
    this.sizes = new Int32Array(n);
    this.left = new Int32Array(n);
    this.right = new Int32Array(n);
    this.prio = new Int32Array(n);
  }

  /** Adds x (not NaN) as the newest value, removing the oldest once the window is full. */
  push(x: number): void {
    this.inX = x;
    this.step();
  }

  private step(): void {
    const x = this.inX;
    const n = this.windowCount;
    let slot: number;
    if (this.count === n) {
      slot = this.head;
      this.head = this.head + 1 === n ? 0 : this.head + 1;
      this.target = slot;
      this.root = this.remove(this.root);
      this.count--;
    } else {
      slot = (this.head + this.count) % n;
    }
    let r = this.rng;
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    this.rng = r;
    this.keys[slot] = x;
    this.vals[slot] = x - this.shift;
    this.prio[slot] = r;
    this.left[slot] = -1;
    this.right[slot] = -1;
    this.sizes[slot] = 1;
    this.sums[slot] = this.vals[slot];
    this.target = slot;
    this.split(this.root);
    this.root = this.merge(this.merge(this.splitLo, slot), this.splitHi);
    this.total = this.sums[this.root];
    this.count++;
    this.full = this.count === n;
    if (x === this.lastX) this.run++;
    else {
      this.lastX = x;
      this.run = 1;
    }
    // Re-centre every n pushes on the mean, and at once on a window of one repeated value.
    if (++this.pushes >= n || (this.run >= this.count && (x !== this.shift || this.total !== 0))) this.recentre();
  }

  /** Sets belowCount / belowSum for the values <= threshold. O(log n). */
  query(): void {
    const t = this.threshold;
    let node = this.root;
    let c = 0;
    let s = 0;
    while (node >= 0) {
      if (this.keys[node] <= t) {
        const l = this.left[node];
        if (l >= 0) {
          c += this.sizes[l];
          s += this.sums[l];
        }
        c++;
        s += this.vals[node];
        node = this.right[node];
      } else {
        node = this.left[node];
      }
    }
    this.belowCount = c;
    this.belowSum = s;
  }

  /** Empties the window. */
  reset(): void {
    this.root = -1;
    this.count = 0;
    this.head = 0;
    this.full = false;
    this.shift = 0;
    this.total = 0;
    this.pushes = 0;
    this.lastX = Number.NaN;
    this.run = 0;
  }

  /** Shifts every value by the window's mean (or onto the repeated value) and recomputes the sums. */
  private recentre(): void {
    this.pushes = 0;
    const n = this.windowCount;
    let k: number;
    if (this.run >= this.count) k = this.lastX;
    else {
      let m = 0;
      for (let i = 0; i < this.count; i++) m += this.keys[(this.head + i) % n];
      k = m / this.count;
    }
    this.shift = k;
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) % n;
      this.vals[j] = this.keys[j] - k;
    }
    this.resum(this.root);
    this.total = this.root >= 0 ? this.sums[this.root] : 0;
  }

  /** Recomputes size and sum of every node under t (children first). */
  private resum(t: number): void {
    if (t < 0) return;
    this.resum(this.left[t]);
    this.resum(this.right[t]);
    this.pull(t);
  }

  /** Size and sum of t from its children. */
  private pull(t: number): void {
    const l = this.left[t];
    const r = this.right[t];
    let c = 1;
    let s = this.vals[t];
    if (l >= 0) {
      c += this.sizes[l];
      s = this.sums[l] + s;
    }
    if (r >= 0) {
      c += this.sizes[r];
      s += this.sums[r];
    }
    this.sizes[t] = c;
    this.sums[t] = s;
  }

  /** True when node a orders before node b: by value, then by slot. */
  private before(a: number, b: number): boolean {
    const ka = this.keys[a];
    const kb = this.keys[b];
    return ka < kb || (ka === kb && a < b);
  }

  /** Splits t into the nodes before `target` (splitLo) and the others (splitHi). */
  private split(t: number): void {
    if (t < 0) {
      this.splitLo = -1;
      this.splitHi = -1;
      return;
    }
    if (this.before(t, this.target)) {
      this.split(this.right[t]);
      this.right[t] = this.splitLo;
      this.pull(t);
      this.splitLo = t;
    } else {
      this.split(this.left[t]);
      this.left[t] = this.splitHi;
      this.pull(t);
      this.splitHi = t;
    }
  }

  /** Joins two treaps whose nodes of a all order before those of b; returns the root. */
  private merge(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    if (this.prio[a] > this.prio[b]) {
      this.right[a] = this.merge(this.right[a], b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]);
    this.pull(b);
    return b;
  }

  /** Removes node `target` from the treap rooted at t; returns the new root. */
  private remove(t: number): number {
    if (t === this.target) return this.merge(this.left[t], this.right[t]);
    if (this.before(this.target, t)) this.left[t] = this.remove(this.left[t]);
    else this.right[t] = this.remove(this.right[t]);
    this.pull(t);
    return t;
  }
}
