/**
 * A binary min-heap of integer payloads keyed by (time, sequence): the in-flight order queue and
 * the report queue. Ties on time are broken by the insertion sequence, so the order is total and
 * deterministic. PER-EVENT CODE: push/pop allocate nothing (arrays grow only by doubling, rarely).
 */

/** Min-heap of int32 payloads ordered by (time ascending, insertion order). */
export class TimeHeap {
  private time: Float64Array;
  private seq: Float64Array;
  private item: Int32Array;
  private n = 0;
  private counter = 0;
  /**
   * headTime[0] = time of the earliest item (Infinity when empty). Per-event callers read it instead
   * of calling peekTime(): a double returned from a call V8 does not inline is boxed (allocated).
   */
  readonly headTime = new Float64Array([Number.POSITIVE_INFINITY]);

  constructor(capacity = 256) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.item = new Int32Array(capacity);
  }

  /** Number of queued items. */
  get size(): number {
    return this.n;
  }

  /** Time of the earliest item (Infinity when empty). */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.time[0];
  }

  /** Payload of the earliest item (-1 when empty). */
  peek(): number {
    return this.n === 0 ? -1 : this.item[0];
  }

  /**
   * [0] = the time `pushIn` queues at. Per-event callers write it and call pushIn: a double passed
   * to a call V8 does not inline is boxed (allocated); a typed-array slot never is.
   */
  readonly inTime = new Float64Array(1);

  /** Queues `payload` at `time`. */
  push(time: number, payload: number): void {
    this.inTime[0] = time;
    this.pushIn(payload);
  }

  /** Queues `payload` at the time in inTime[0]. */
  pushIn(payload: number): void {
    const time = this.inTime[0];
    if (this.n === this.item.length) this.grow();
    let i = this.n++;
    const s = this.counter++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      // Every comparison evaluated (no short circuit): a tie of times is rare, and a comparison
      // first reached late in a run has no type feedback (a deoptimisation, then unoptimised,
      // allocating code for a while).
      const tp = this.time[p];
      const earlier = tp < time;
      const tie = tp === time;
      const seqFirst = this.seq[p] < s;
      if (earlier || (tie && seqFirst)) break;
      this.time[i] = this.time[p];
      this.seq[i] = this.seq[p];
      this.item[i] = this.item[p];
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.item[i] = payload;
    this.headTime[0] = this.time[0];
  }

  /** Removes and returns the earliest payload (-1 when empty). */
  pop(): number {
    if (this.n === 0) return -1;
    const top = this.item[0];
    const last = --this.n;
    if (last > 0) {
      const t = this.time[last];
      const s = this.seq[last];
      const it = this.item[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        let c = l;
        // Without a right child, l is compared with itself (never earlier). All comparisons are
        // evaluated, as in pushIn.
        const r = l + 1 < last ? l + 1 : l;
        const tr = this.time[r];
        const tl = this.time[l];
        const rEarlier = tr < tl;
        const rTie = tr === tl;
        const rSeqFirst = this.seq[r] < this.seq[l];
        if (rEarlier || (rTie && rSeqFirst)) c = r;
        const tc = this.time[c];
        const tEarlier = t < tc;
        const tTie = t === tc;
        const sFirst = s < this.seq[c];
        if (tEarlier || (tTie && sFirst)) break;
        this.time[i] = this.time[c];
        this.seq[i] = this.seq[c];
        this.item[i] = this.item[c];
        i = c;
      }
      this.time[i] = t;
      this.seq[i] = s;
      this.item[i] = it;
    }
    this.headTime[0] = this.n > 0 ? this.time[0] : Number.POSITIVE_INFINITY;
    return top;
  }

  /** Empties the heap. */
  clear(): void {
    this.n = 0;
    this.headTime[0] = Number.POSITIVE_INFINITY;
  }

  private grow(): void {
    const cap = this.item.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(cap);
    s.set(this.seq);
    this.seq = s;
    const it = new Int32Array(cap);
    it.set(this.item);
    this.item = it;
  }
}
