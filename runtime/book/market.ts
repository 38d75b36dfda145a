/**
 * The multi-instrument market: one book per instrument index, created on first sight. PER-EVENT
 * CODE: `apply` routes by `ev.instrument` through plain arrays and must not allocate except when an
 * instrument is seen for the first time (one book, once).
 *
 * Order events (Add/Cancel/Delete/Modify/Execute) go to the instrument's L3 book; price-level
 * events (LevelUpdate/LevelSnapshot) to its L2 book; Clear to both (when they exist). `view(i)`
 * answers the L3 book when the instrument has one, else its L2 book.
 */
import { EventKind, type MarketEvent } from "../events.js";
import { AnomalyCounters } from "./anomalies.js";
import { L2Book, type L2BookOptions } from "./l2.js";
import { L3Book, type L3BookOptions } from "./l3.js";
import type { BookView } from "./view.js";

/** Options for the books a Market creates. */
export interface MarketOptions {
  l3?: L3BookOptions;
  l2?: L2BookOptions;
}

/** One book per instrument, routed by instrument index. */
export class Market {
  private readonly l3: Array<L3Book | undefined> = [];
  private readonly l2: Array<L2Book | undefined> = [];
  /** 1 for instruments whose L3 book is maintained by its owner (see `adopt`). */
  private readonly adopted: number[] = [];
  private readonly options: MarketOptions;

  constructor(options: MarketOptions = {}) {
    this.options = options;
  }

  /** Applies one event to the book of its instrument (other kinds are ignored). */
  apply(ev: MarketEvent): void {
    const k = ev.kind;
    const i = ev.instrument;
    // Every read below stays in bounds (an out-of-bounds read would throw away the optimised code
    // at each new Market's first event, and re-warming it allocates).
    if (i >= this.adopted.length) this.reserve(i);
    if (k <= EventKind.Execute) {
      if (this.adopted[i] === 1) return;
      let b = this.l3[i];
      if (b === undefined) b = this.l3Book(i);
      b.apply(ev);
    } else if (k === EventKind.Clear) {
      // Clears the instrument's books that exist; creates none.
      const b3 = this.l3[i];
      if (b3 !== undefined && this.adopted[i] !== 1) b3.apply(ev);
      const b2 = this.l2[i];
      if (b2 !== undefined) b2.apply(ev);
    } else if (k === EventKind.Trade || k === EventKind.Fill || k === EventKind.NoAction) {
      // No book change; an existing L3 book still sees it (F_LAST closes an exchange event).
      const b3 = this.l3[i];
      if (b3 !== undefined && this.adopted[i] !== 1) b3.apply(ev);
    } else if (k === EventKind.LevelUpdate || k === EventKind.LevelSnapshot) {
      let b = this.l2[i];
      if (b === undefined) b = this.l2Book(i);
      b.apply(ev);
    }
  }

  /** Extends the per-instrument arrays to hold instrument index i (empty slots). */
  private reserve(i: number): void {
    while (this.l3.length <= i) this.l3.push(undefined);
    while (this.l2.length <= i) this.l2.push(undefined);
    while (this.adopted.length <= i) this.adopted.push(0);
  }

  /**
   * Uses an L3 book that its owner keeps up to date (e.g. `LobsterReplay.book`, seeded and
   * reconciled from LOBSTER's orderbook file): `view(instrument)` answers it, and `apply` no longer
   * applies order events of that instrument (the owner already did).
   */
  adopt(instrument: number, book: L3Book): void {
    this.reserve(instrument);
    this.l3[instrument] = book;
    this.adopted[instrument] = 1;
  }

  /** The L3 book of an instrument, created when absent. */
  l3Book(instrument: number): L3Book {
    let b = this.l3[instrument];
    if (b === undefined) {
      this.reserve(instrument);
      b = new L3Book(instrument, this.options.l3);
      this.l3[instrument] = b;
    }
    return b;
  }

  /** The L2 book of an instrument, created when absent. */
  l2Book(instrument: number): L2Book {
    let b = this.l2[instrument];
    if (b === undefined) {
      this.reserve(instrument);
      b = new L2Book(instrument, this.options.l2);
      this.l2[instrument] = b;
    }
    return b;
  }

  /** The book of an instrument (L3 when it has one, else L2), or undefined when never seen. */
  view(instrument: number): BookView | undefined {
    return this.l3[instrument] ?? this.l2[instrument];
  }

  /** Instrument indexes that have a book. */
  instruments(): number[] {
    const out: number[] = [];
    const n = Math.max(this.l3.length, this.l2.length);
    for (let i = 0; i < n; i++) if (this.l3[i] !== undefined || this.l2[i] !== undefined) out.push(i);
    return out;
  }

  /** Anomalies of every book, summed (first events: the earliest by sequence). */
  anomalies(): AnomalyCounters {
    const total = new AnomalyCounters();
    for (const b of this.l3) if (b !== undefined) total.merge(b.anomalies);
    for (const b of this.l2) if (b !== undefined) total.merge(b.anomalies);
    return total;
  }
}
