/**
 * LOBSTER day replay into an exact L3 book, seeded and reconciled from the orderbook file.
 * PER-EVENT CODE: `step()` must not allocate (typed arrays and the reused event/row only).
 *
 * A LOBSTER day starts mid-state, and a level-N file only carries events that touch the top N
 * levels. So:
 * 1. Seeding: orderbook row 1 is the book AFTER message 1; the state before it is row 1 with
 *    message 1 undone (an add's size taken out, a cancel/delete/execution's size put back). Each
 *    seeded level becomes one anonymous order at the FRONT of its queue (it rested before the
 *    file began, so it has time priority), id = ANON_ID_HI | side bit | price.
 * 2. Messages: adds enter the book; a cancel/delete/execution of an id the book does not hold
 *    draws down the anonymous order at (side, price) (pre-open depth). A draw the anonymous depth
 *    cannot cover is counted in `unexplainedDraws` and taken from the level's queue front.
 * 3. Window entry: when the previous row showed N levels on a side, everything worse than its N-th
 *    price was invisible and may have changed unseen; a level of the new row beyond that price is
 *    taken from the orderbook row (the only source there is), counted in `levelsFromFile`
 *    (`levelsCorrected` when the book disagreed), and book levels there that the row does not
 *    show are dropped (`staleLevelsDropped`).
 * 4. Every other visible level is compared with the row; a difference is a real reconstruction
 *    error and is counted in `mismatchedRows` (first row in `firstMismatchRow`) — never patched.
 */
import { EventKind, type EventSource, type InstrumentInfo, type MarketEvent, Side } from "../../events.js";
import { L3Book } from "../../book/l3.js";
import { basename } from "node:path";
import { LOBSTER_EMPTY_ASK_PRICE, LOBSTER_EMPTY_BID_PRICE, type LobsterSource } from "./reader.js";
import { DataFormatError } from "./lines.js";

/** High-half marker of the synthetic ids of anonymous (pre-open or unseen) depth. */
export const ANON_ID_HI = 0xfff00000;

/**
 * Replays a LOBSTER source into an L3 book, reconciling with the paired orderbook rows. It is also
 * an EventSource (the underlying messages): a consumer that wants the exact book pulls events
 * with `next()` and reads `book`, which is already updated for the current event — register it
 * with `Market.adopt(instrument, replay.book)` so a Market does not apply the raw events twice.
 */
export class LobsterReplay implements EventSource {
  /** The reconstructed book. */
  readonly book: L3Book;
  /** Levels per side in the orderbook rows. */
  readonly levels: number;
  /** Messages applied. */
  messages = 0;
  /** Levels seeded from orderbook row 1. */
  seededLevels = 0;
  /** Levels that entered the visible window from beyond it and were taken from the orderbook row. */
  levelsFromFile = 0;
  /** Of those, how many disagreed with the book (depth that changed while invisible). */
  levelsCorrected = 0;
  /** Book levels beyond the old window that the new row does not show, dropped. */
  staleLevelsDropped = 0;
  /** Cancels/deletes/executions of ids never added, served by anonymous depth. */
  anonymousDraws = 0;
  /** Draws on unknown ids that the anonymous depth at that price could not cover. */
  unexplainedDraws = 0;
  /** Cancels/deletes/executions whose size disagreed with the book's copy of the order (repaired). */
  sizeRepairs = 0;
  /** Rows whose visible window (outside levels taken from the file) differed from the book. */
  mismatchedRows = 0;
  /** First row (1-based) with a mismatch, 0 when none. */
  firstMismatchRow = 0;

  private readonly prevHidden = new Uint8Array(2); // [bid, ask]: previous row showed N levels
  private readonly prevWorst = new Float64Array(2);
  private seeded = false;

  constructor(
    readonly source: LobsterSource,
    book?: L3Book,
  ) {
    if (source.levels === 0) {
      // Without the orderbook rows there is no seed (the day starts mid-state), no window entry and
      // no check: the "book" would be silently wrong. Refuse.
      const name = basename(source.messagePath);
      const i = name.lastIndexOf("_message_");
      const want = i >= 0 ? `${name.slice(0, i)}_orderbook_${name.slice(i + 9)}` : "TICKER_DATE_START_END_orderbook_N.csv";
      throw new DataFormatError(
        source.messagePath,
        1,
        1,
        `its paired orderbook file ${want.replace(/\.gz$/, "")}[.gz] in the same folder (or given explicitly, \`--lobster-book PATH\`): ` +
          "a LOBSTER day starts mid-state, so the book cannot be rebuilt from the messages alone",
      );
    }
    this.levels = source.levels;
    this.book = book ?? new L3Book(source.event.instrument, { orderCapacity: 1 << 16, levelCapacity: 4096 });
  }

  /** The current message (the source's reused record). */
  get event(): MarketEvent {
    return this.source.event;
  }

  /** The source's instrument table. */
  get instruments(): InstrumentInfo[] {
    return this.source.instruments;
  }

  /** The source's time base. */
  get timeBase(): bigint {
    return this.source.timeBase;
  }

  /** EventSource face of `step()`. */
  next(): boolean {
    return this.step();
  }

  /** Closes the source. */
  close(): void {
    this.source.close();
  }

  /** Reads and applies the next message; false at the end. */
  step(): boolean {
    const src = this.source;
    if (!src.next()) return false;
    const ev = src.event;
    if (!this.seeded) {
      this.seeded = true;
      if (this.levels > 0) this.seed(ev, src.bookRow);
    }
    this.applyMessage(ev);
    this.messages++;
    if (this.levels > 0) this.reconcile(src.bookRow, src.row);
    return true;
  }

  /** Applies one LOBSTER message to the book (unknown ids draw down anonymous depth). */
  applyMessage(ev: MarketEvent): void {
    const book = this.book;
    switch (ev.kind) {
      case EventKind.Add:
        book.add(ev.orderIdHi, ev.orderIdLo, ev.side, ev.price, ev.size, ev.sequence, ev.ts);
        break;
      case EventKind.Cancel:
      case EventKind.Delete:
      case EventKind.Execute:
        if (book.hasOrder(ev.orderIdHi, ev.orderIdLo)) {
          // The message's size is what left the level. When the book's copy of the order differs
          // (its level was resized from the file while invisible, and the cut fell on this order),
          // keep the level exact: the excess comes from the rest of the level, a shortfall stays as
          // anonymous depth.
          const have = book.orderSize(ev.orderIdHi, ev.orderIdLo);
          const m = ev.size;
          if (ev.kind === EventKind.Delete ? have !== m : m > have) {
            this.sizeRepairs++;
            book.delete(ev.orderIdHi, ev.orderIdLo, ev.sequence, ev.ts);
            if (m > have) this.drawDown(ev.side, ev.price, m - have);
            else this.setLevelSize(ev.side, ev.price, book.sizeAtPrice(ev.side, ev.price) + (have - m));
          } else if (ev.kind === EventKind.Delete) book.delete(ev.orderIdHi, ev.orderIdLo, ev.sequence, ev.ts);
          else if (ev.kind === EventKind.Cancel) book.cancel(ev.orderIdHi, ev.orderIdLo, m, ev.sequence, ev.ts);
          else book.execute(ev.orderIdHi, ev.orderIdLo, m, ev.sequence, ev.ts);
          book.checkCrossed(ev.sequence, ev.ts);
        } else {
          this.anonymousDraws++;
          this.drawDown(ev.side, ev.price, ev.size);
        }
        return;
      default:
        return;
    }
    book.checkCrossed(ev.sequence, ev.ts);
  }

  // Anonymous ids as int32 (Smi) values: the book reads id halves modulo 2^32, and a uint32 above
  // 2^31 returned from a call would be boxed.
  private anonLo(price: number): number {
    return price | 0;
  }

  private anonHi(side: Side, price: number): number {
    return ANON_ID_HI | (side === Side.Bid ? 0x80000 : 0) | Math.floor(price / 4294967296);
  }

  /** Takes `size` from the anonymous depth at (side, price), then from the queue front. */
  private drawDown(side: Side, price: number, size: number): void {
    const book = this.book;
    const hi = this.anonHi(side, price);
    const lo = this.anonLo(price);
    const anon = book.orderSize(hi, lo);
    if (anon >= size) {
      book.cancel(hi, lo, size);
      return;
    }
    this.unexplainedDraws++;
    if (anon > 0) book.delete(hi, lo);
    book.reduceAtPrice(side, price, size - anon);
  }

  /** Sets the size at (side, price) to `size`, adjusting the anonymous depth (front of queue). */
  private setLevelSize(side: Side, price: number, size: number): void {
    const book = this.book;
    const have = book.sizeAtPrice(side, price);
    if (size > have) {
      const hi = this.anonHi(side, price);
      const lo = this.anonLo(price);
      book.addFront(hi, lo, side, price, book.orderSize(hi, lo) + (size - have));
    } else if (size < have) {
      const hi = this.anonHi(side, price);
      const lo = this.anonLo(price);
      const anon = book.orderSize(hi, lo);
      const cut = have - size;
      if (anon > cut) book.cancel(hi, lo, cut);
      else {
        if (anon > 0) book.delete(hi, lo);
        if (cut > anon) book.reduceAtPrice(side, price, cut - anon);
      }
    }
  }

  private seed(ev: MarketEvent, row: Float64Array): void {
    const n = this.levels;
    for (let i = 0; i < n; i++) {
      const ap = row[4 * i];
      const as = row[4 * i + 1];
      const bp = row[4 * i + 2];
      const bs = row[4 * i + 3];
      if (ap !== LOBSTER_EMPTY_ASK_PRICE && as > 0) {
        this.setLevelSize(Side.Ask, ap, as);
        this.seededLevels++;
      }
      if (bp !== LOBSTER_EMPTY_BID_PRICE && bs > 0) {
        this.setLevelSize(Side.Bid, bp, bs);
        this.seededLevels++;
      }
    }
    // Undo message 1: the seeded book must be the state BEFORE it.
    const side = ev.side;
    if (side === Side.Bid || side === Side.Ask) {
      const have = this.book.sizeAtPrice(side, ev.price);
      if (ev.kind === EventKind.Add) this.setLevelSize(side, ev.price, Math.max(0, have - ev.size));
      else if (ev.kind === EventKind.Cancel || ev.kind === EventKind.Delete || ev.kind === EventKind.Execute) {
        this.setLevelSize(side, ev.price, have + ev.size);
      }
    }
    // The window before message 1: hidden beyond when row 1 showed N levels on the side, or the
    // seeded side holds N levels.
    for (let s = 0; s < 2; s++) {
      const sd = s === 0 ? Side.Bid : Side.Ask;
      const full = (s === 0 ? row[4 * (n - 1) + 2] !== LOBSTER_EMPTY_BID_PRICE : row[4 * (n - 1)] !== LOBSTER_EMPTY_ASK_PRICE) || this.book.levels(sd) >= n;
      this.prevHidden[s] = full ? 1 : 0;
      const lv = this.book.levels(sd);
      this.prevWorst[s] = lv === 0 ? Number.NaN : this.book.levelPrice(sd, Math.min(lv, n) - 1);
      if (full && lv === 0) this.prevHidden[s] = 0;
    }
  }

  private reconcile(row: Float64Array, rowNo: number): void {
    const n = this.levels;
    const book = this.book;
    let mismatch = false;
    for (let s = 0; s < 2; s++) {
      const side = s === 0 ? Side.Bid : Side.Ask;
      const pxOff = s === 0 ? 2 : 0;
      const empty = s === 0 ? LOBSTER_EMPTY_BID_PRICE : LOBSTER_EMPTY_ASK_PRICE;
      let rowCount = 0;
      while (rowCount < n && row[4 * rowCount + pxOff] !== empty) rowCount++;
      if (this.prevHidden[s] === 1) {
        const w = this.prevWorst[s];
        // Levels entering from beyond the previous window: taken from the file.
        for (let i = 0; i < rowCount; i++) {
          const p = row[4 * i + pxOff];
          if (side === Side.Bid ? p < w : p > w) {
            this.levelsFromFile++;
            const sz = row[4 * i + pxOff + 1];
            if (book.sizeAtPrice(side, p) !== sz) {
              this.levelsCorrected++;
              this.setLevelSize(side, p, sz);
            }
          }
        }
        // Book levels beyond the old window that the row does not show are stale.
        const limit = rowCount < n ? 1e9 : n;
        let i = 0;
        while (i < limit && i < book.levels(side)) {
          const bp = book.levelPrice(side, i);
          if (side === Side.Bid ? bp < w : bp > w) {
            const rp = i < rowCount ? row[4 * i + pxOff] : Number.NaN;
            if (bp !== rp) {
              book.clearLevel(side, bp);
              this.staleLevelsDropped++;
              continue;
            }
          }
          i++;
        }
      }
      // Compare the visible window.
      for (let i = 0; i < n; i++) {
        const rp = row[4 * i + pxOff];
        const rs = row[4 * i + pxOff + 1];
        if (i < rowCount) {
          if (book.levelPrice(side, i) !== rp || book.levelSize(side, i) !== rs) mismatch = true;
        } else if (book.levels(side) > i) {
          mismatch = true;
        }
      }
      this.prevHidden[s] = rowCount === n ? 1 : 0;
      this.prevWorst[s] = rowCount === 0 ? Number.NaN : row[4 * (rowCount - 1) + pxOff];
    }
    if (mismatch) {
      this.mismatchedRows++;
      if (this.firstMismatchRow === 0) this.firstMismatchRow = rowNo;
    }
  }
}
