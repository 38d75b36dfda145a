/**
 * The event queue behind every time-window operator of book/ and flow/. PER-EVENT CODE: push and
 * dropOldest are O(1) and allocate nothing; the only allocation is `grow()`, which runs when a
 * window holds more events than ever before (the high-water mark rises), never in steady state.
 */

/** Default starting capacity (events) of a time window's ring. */
export const TIME_RING_INITIAL_CAPACITY = 1024;

/**
 * A FIFO of (ts, a, b) triples in three parallel Float64Arrays, power-of-two capacity, doubling
 * when full. The oldest entry is at index `head` (ts[head], a[head], b[head]); the k-th oldest at
 * (head + k) & mask.
 */
export class TimeRing {
  /** Event times (ns since the time base). */
  ts: Float64Array;
  /** First payload column. */
  a: Float64Array;
  /** Second payload column. */
  b: Float64Array;
  /** Index of the oldest entry. */
  head = 0;
  /** Number of entries held. */
  count = 0;
  /** capacity − 1 (capacity is a power of two). */
  mask: number;

  constructor(initialCapacity: number = TIME_RING_INITIAL_CAPACITY) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.ts = new Float64Array(cap);
    this.a = new Float64Array(cap);
    this.b = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Current capacity in entries. */
  get capacity(): number {
    return this.mask + 1;
  }

  /**
   * Appends an entry and returns its index; the caller writes ts[i], a[i], b[i]. (Callers write
   * the arrays themselves so no double crosses a call boundary: a call that V8 does not inline
   * would box it.)
   */
  reserve(): number {
    if (this.count > this.mask) this.grow();
    const i = (this.head + this.count) & this.mask;
    this.count++;
    return i;
  }

  /** Removes the oldest entry (the ring must not be empty). */
  dropOldest(): void {
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** Empties the ring, keeping its capacity. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Doubles the capacity, keeping the entries in order from index 0. */
  private grow(): void {
    const cap = this.mask + 1;
    const ts = new Float64Array(cap * 2);
    const a = new Float64Array(cap * 2);
    const b = new Float64Array(cap * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & this.mask;
      ts[k] = this.ts[i];
      a[k] = this.a[i];
      b[k] = this.b[i];
    }
    this.ts = ts;
    this.a = a;
    this.b = b;
    this.head = 0;
    this.mask = cap * 2 - 1;
  }
}
