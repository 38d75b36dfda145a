/**
 * A column store for feature rows (`algo features`): one Float64Array per column plus the time
 * column, grown by doubling. PER-EVENT CODE: `row()` copies numbers into typed arrays and allocates
 * only when a column doubles (amortised; pre-size with the expected row count to avoid even that).
 */

/** Rows of feature values, by column. */
export class FeatureTable {
  /** Event time of each row, ns since the time base. */
  ts: Float64Array;
  /** One array per column, same length as ts. */
  readonly columns: Float64Array[];
  length = 0;

  constructor(
    readonly names: readonly string[],
    /** Absolute time of ts = 0, ns since the Unix epoch. */
    public timeBase: bigint,
    capacity = 1 << 16,
  ) {
    this.ts = new Float64Array(capacity);
    this.columns = names.map(() => new Float64Array(capacity));
  }

  /** Appends one row (values are copied). */
  row(ts: number, values: Float64Array): void {
    if (this.length === this.ts.length) this.grow();
    const i = this.length++;
    this.ts[i] = ts;
    const cols = this.columns;
    for (let c = 0; c < cols.length; c++) cols[c]![i] = values[c]!;
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const t = new Float64Array(cap);
    t.set(this.ts);
    this.ts = t;
    for (let c = 0; c < this.columns.length; c++) {
      const n = new Float64Array(cap);
      n.set(this.columns[c]!);
      this.columns[c] = n;
    }
  }

  /** Absolute event times (ns since the Unix epoch) of the rows. */
  epochNanos(): BigInt64Array {
    const out = new BigInt64Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.timeBase + BigInt(this.ts[i]!);
    return out;
  }
}
