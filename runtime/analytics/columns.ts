/**
 * Growable Float64 columns for the run recorder. PER-EVENT CODE: `push` writes into a pre-sized
 * typed array and only allocates when the capacity doubles (rarely, amortised O(1)); no closures,
 * no per-call objects.
 */

/** A column of doubles that grows by doubling. `data` is valid for indices < `length`. */
export class F64Column {
  data: Float64Array;
  length = 0;

  constructor(initialCapacity: number) {
    this.data = new Float64Array(Math.max(16, Math.ceil(initialCapacity)));
  }

  /** Appends one value (allocates only when the capacity doubles). */
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Makes room for at least `capacity` values, keeping the contents. */
  grow(capacity: number): void {
    let next = this.data.length * 2;
    while (next < capacity) next *= 2;
    const bigger = new Float64Array(next);
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }

  /** A view of the filled part (allocates a view object: not for per-event use). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** A fixed-width table of doubles (one row = `width` values) that grows by doubling. */
export class F64Rows {
  data: Float64Array;
  rows = 0;

  constructor(
    readonly width: number,
    initialRows: number,
  ) {
    this.data = new Float64Array(Math.max(1, width) * Math.max(16, Math.ceil(initialRows)));
  }

  /** Returns the offset of a new row at the end (allocates only when the capacity doubles). */
  appendRow(): number {
    const w = this.width;
    if ((this.rows + 1) * w > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data.subarray(0, this.rows * w));
      this.data = bigger;
    }
    return this.rows++ * w;
  }
}
