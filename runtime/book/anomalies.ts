/**
 * Counters for inconsistent market data seen by a book. PER-EVENT CODE: `note()` runs inside the
 * book's apply path and must not allocate; it writes into preallocated typed arrays only.
 */

/** Kinds of inconsistency a book detects; the replay always continues after one. */
export const enum AnomalyKind {
  /** Cancel/Delete of an order id the book does not hold. */
  UnknownCancel = 0,
  /** Execute of an order id the book does not hold. */
  UnknownExecute = 1,
  /** Modify of an order id the book does not hold (the order is then added). */
  UnknownModify = 2,
  /** Add of an order id already resting (the old order is replaced). */
  DuplicateAdd = 3,
  /** A cancel/execute larger than the order's remaining size (the order is removed). */
  NegativeSize = 4,
  /** Best bid above best ask after an event. */
  Crossed = 5,
  /** Best bid equal to best ask after an event. */
  Locked = 6,
  /** An order or level event with side None, or a price that is not a finite number. */
  BadField = 7,
  /** L2: a level update for a depth outside the book's window. */
  BadDepth = 8,
}

/** Number of anomaly kinds (size of the counter arrays). */
export const ANOMALY_KINDS = 9;

/** Human-readable names of the anomaly kinds, indexed by AnomalyKind. */
export const ANOMALY_NAMES: readonly string[] = [
  "unknown-id-cancel",
  "unknown-id-execute",
  "unknown-id-modify",
  "duplicate-add",
  "negative-size",
  "crossed",
  "locked",
  "bad-field",
  "bad-depth",
];

/** Per-kind counts with the sequence number and timestamp of the first offending event. */
export class AnomalyCounters {
  /** Count per AnomalyKind. */
  readonly count = new Float64Array(ANOMALY_KINDS);
  /** Sequence of the first event of each kind (NaN when none). */
  readonly firstSequence = new Float64Array(ANOMALY_KINDS).fill(Number.NaN);
  /** Timestamp (ns since the time base) of the first event of each kind (NaN when none). */
  readonly firstTs = new Float64Array(ANOMALY_KINDS).fill(Number.NaN);

  /** Records one anomaly of `kind` at the event (sequence, ts). */
  note(kind: AnomalyKind, sequence: number, ts: number): void {
    if (this.count[kind] === 0) {
      this.firstSequence[kind] = sequence;
      this.firstTs[kind] = ts;
    }
    this.count[kind]++;
  }

  /** Total anomalies of all kinds. */
  total(): number {
    let t = 0;
    for (let k = 0; k < ANOMALY_KINDS; k++) t += this.count[k];
    return t;
  }

  /** Adds another counter set into this one (keeping the earliest first-event by sequence). */
  merge(other: AnomalyCounters): void {
    for (let k = 0; k < ANOMALY_KINDS; k++) {
      if (other.count[k] === 0) continue;
      if (this.count[k] === 0 || other.firstSequence[k] < this.firstSequence[k]) {
        this.firstSequence[k] = other.firstSequence[k];
        this.firstTs[k] = other.firstTs[k];
      }
      this.count[k] += other.count[k];
    }
  }

  /** Zeroes every counter. */
  reset(): void {
    this.count.fill(0);
    this.firstSequence.fill(Number.NaN);
    this.firstTs.fill(Number.NaN);
  }

  /** A plain summary of the non-zero kinds (for reports; allocates, not per event). */
  summary(): Array<{ kind: string; count: number; firstSequence: number; firstTs: number }> {
    const out: Array<{ kind: string; count: number; firstSequence: number; firstTs: number }> = [];
    for (let k = 0; k < ANOMALY_KINDS; k++) {
      if (this.count[k] > 0) {
        out.push({ kind: ANOMALY_NAMES[k], count: this.count[k], firstSequence: this.firstSequence[k], firstTs: this.firstTs[k] });
      }
    }
    return out;
  }
}
