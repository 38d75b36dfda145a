/**
 * LOBSTER → self-contained MBO event stream, for `algo data convert` (LOBSTER → DBN).
 *
 * A LOBSTER day starts mid-state and a level-N file only carries events near the top of the book,
 * so the raw messages alone do not rebuild the book (cancels and executions of orders resting
 * before the file began name ids never added). The seeded, reconciled LobsterReplay
 * (runtime/data/lobster/replay.ts) does rebuild it; this source turns that replay back into plain
 * MBO events that any L3 book can apply without knowing LOBSTER:
 * - a message on a known id passes through (a delete carries the order's full remaining size);
 * - a draw (cancel / delete / execution) on an unknown id is rewritten to an anonymous order at
 *   (side, price) — id hi = 0xFFE00000 | side bit, lo = price — topped up first if it is short;
 * - after each message, every price level where a shadow L3 book fed with the emitted events
 *   differs from the replay's book is corrected with anonymous adds / cancels (the seed before
 *   the first message, depth that entered the visible window from beyond it, repairs).
 * Every event of one message carries the message's time; the last one carries F_LAST (128).
 *
 * PER-EVENT CODE: typed-array event queue; the level comparison walks both books' levels (all of
 * them after a message the replay had to repair, only the message's level otherwise).
 */
import { EventKind, MarketEvent, Side, type EventSource, type InstrumentInfo } from "../events.js";
import { L3Book } from "../book/l3.js";
import { LobsterReplay, openLobster, type LobsterOptions } from "./lobster/index.js";

const QUEUE = 1 << 14;
const F_LAST = 128;
/** High half of anonymous order ids (bit 0 = ask side). */
export const LOBSTER_ANON_HI = 0xffe00000;

/** MBO events of a LOBSTER day, seeded and reconciled (see the file comment). */
export class LobsterMboSource implements EventSource {
  readonly event = new MarketEvent();
  /** Every event group (a message, the seed, a reconciliation) ends with F_LAST. */
  readonly groupsByLastFlag = true;
  /** Anonymous-depth corrections emitted (adds + cancels). */
  corrections = 0;
  /** Draws on unknown ids rewritten to anonymous orders. */
  rewrittenDraws = 0;
  /** Messages read. */
  messages = 0;

  private readonly replay: LobsterReplay;
  private readonly shadow: L3Book;
  private readonly tmp = new MarketEvent();
  private readonly qKind = new Uint8Array(QUEUE);
  private readonly qSide = new Int8Array(QUEUE);
  private readonly qAggr = new Int8Array(QUEUE);
  private readonly qPrice = new Float64Array(QUEUE);
  private readonly qSize = new Float64Array(QUEUE);
  private readonly qIdHi = new Uint32Array(QUEUE);
  private readonly qIdLo = new Uint32Array(QUEUE);
  private readonly qFlags = new Uint8Array(QUEUE);
  private qHead = 0;
  private qTail = 0;
  private ts = 0;
  private seq = 0;
  private lastRepairs = -1;
  private readonly ordHi = new Uint32Array(4096);
  private readonly ordLo = new Uint32Array(4096);
  private readonly ordSz = new Float64Array(4096);

  constructor(messagePath: string, options: LobsterOptions = {}) {
    this.replay = new LobsterReplay(openLobster(messagePath, options));
    this.shadow = new L3Book(0, { orderCapacity: 1 << 16, levelCapacity: 4096 });
  }

  get instruments(): InstrumentInfo[] {
    return this.replay.instruments;
  }

  get timeBase(): bigint {
    return this.replay.timeBase;
  }

  next(): boolean {
    while (this.qHead === this.qTail) {
      if (!this.replay.step()) return false;
      this.messages++;
      this.translate();
    }
    const i = this.qHead;
    this.qHead = (i + 1) & (QUEUE - 1);
    const ev = this.event;
    ev.kind = this.qKind[i];
    ev.instrument = this.replay.event.instrument;
    ev.ts = this.ts;
    ev.tsRecv = this.ts;
    ev.sequence = ++this.seq;
    ev.side = this.qSide[i] as Side;
    ev.aggressor = this.qAggr[i] as Side;
    ev.price = this.qPrice[i];
    ev.size = this.qSize[i];
    ev.orderIdHi = this.qIdHi[i];
    ev.orderIdLo = this.qIdLo[i];
    ev.flags = this.qFlags[i];
    ev.action = 0;
    return true;
  }

  close(): void {
    this.replay.close();
  }

  /** Queues the events of the replay's current message (then the level corrections). */
  private translate(): void {
    const m = this.replay.event;
    const start = this.qTail;
    this.ts = m.ts;
    const side = m.side;
    const hi = m.orderIdHi;
    const lo = m.orderIdLo;
    switch (m.kind) {
      case EventKind.Add:
        this.emit(EventKind.Add, side, Side.None, m.price, m.size, hi, lo);
        break;
      case EventKind.Cancel:
      case EventKind.Delete:
      case EventKind.Execute: {
        const kind = m.kind === EventKind.Execute ? EventKind.Execute : EventKind.Cancel;
        if (this.shadow.hasOrder(hi, lo)) {
          const size = m.kind === EventKind.Delete ? this.shadow.orderSize(hi, lo) : m.size;
          this.emit(kind, side, m.aggressor, m.price, size, hi, lo);
        } else {
          const ahi = LOBSTER_ANON_HI | (side === Side.Ask ? 1 : 0);
          const alo = m.price >>> 0;
          const have = this.shadow.hasOrder(ahi, alo) ? this.shadow.orderSize(ahi, alo) : 0;
          if (have < m.size) this.setAnon(side, m.price, m.size);
          this.emit(kind, side, m.aggressor, m.price, m.size, ahi, alo);
          this.rewrittenDraws++;
        }
        break;
      }
      default:
        // trades (hidden executions) and status pass through; books ignore them
        this.emit(m.kind, side, m.aggressor, m.price, m.size, hi, lo);
    }
    const r = this.replay;
    const repairs = r.levelsFromFile + r.staleLevelsDropped + r.unexplainedDraws + r.sizeRepairs + r.seededLevels;
    if (repairs !== this.lastRepairs) {
      this.lastRepairs = repairs;
      this.reconcileAll();
    } else if (m.kind <= EventKind.Execute) {
      this.reconcileLevel(side, m.price);
    }
    if (this.qTail !== start) this.qFlags[(this.qTail - 1) & (QUEUE - 1)] |= F_LAST;
  }

  /** Queues an event and applies it to the shadow book. */
  private emit(kind: EventKind, side: Side, aggr: Side, price: number, size: number, hi: number, lo: number): void {
    const i = this.qTail;
    this.qKind[i] = kind;
    this.qSide[i] = side;
    this.qAggr[i] = aggr;
    this.qPrice[i] = price;
    this.qSize[i] = size;
    this.qIdHi[i] = hi;
    this.qIdLo[i] = lo;
    this.qFlags[i] = 0;
    this.qTail = (i + 1) & (QUEUE - 1);
    const t = this.tmp;
    t.kind = kind;
    t.side = side;
    t.price = price;
    t.size = size;
    t.orderIdHi = hi;
    t.orderIdLo = lo;
    t.flags = 0;
    t.ts = this.ts;
    this.shadow.apply(t);
  }

  /** Makes the anonymous order at (side, price) exactly `size` (adds, grows or shrinks it). */
  private setAnon(side: Side, price: number, size: number): void {
    const ahi = LOBSTER_ANON_HI | (side === Side.Ask ? 1 : 0);
    const alo = price >>> 0;
    const have = this.shadow.hasOrder(ahi, alo) ? this.shadow.orderSize(ahi, alo) : 0;
    if (have === size) return;
    this.corrections++;
    if (have === 0) this.emit(EventKind.Add, side, Side.None, price, size, ahi, alo);
    else if (size > have) this.emit(EventKind.Modify, side, Side.None, price, size, ahi, alo);
    else this.emit(EventKind.Cancel, side, Side.None, price, have - size, ahi, alo);
  }

  /** Brings the shadow's level at (side, price) to the replay book's size. */
  private reconcileLevel(side: Side, price: number): void {
    const want = this.replay.book.sizeAtPrice(side, price);
    const have = this.shadow.sizeAtPrice(side, price);
    if (want === have) return;
    const ahi = LOBSTER_ANON_HI | (side === Side.Ask ? 1 : 0);
    const alo = price >>> 0;
    const anon = this.shadow.hasOrder(ahi, alo) ? this.shadow.orderSize(ahi, alo) : 0;
    if (want > have) {
      this.setAnon(side, price, anon + (want - have));
      return;
    }
    let cut = have - want;
    if (anon > 0) {
      const x = Math.min(anon, cut);
      this.setAnon(side, price, anon - x);
      cut -= x;
    }
    // Not enough anonymous depth: take the rest from the front of the shadow's queue.
    while (cut > 0) {
      const lvl = this.levelIndex(side, price);
      if (lvl < 0) break;
      const n = this.shadow.levelOrders(side, lvl, this.ordHi, this.ordLo, this.ordSz);
      if (n === 0) break;
      const x = Math.min(this.ordSz[0], cut);
      this.corrections++;
      this.emit(EventKind.Cancel, side, Side.None, price, x, this.ordHi[0], this.ordLo[0]);
      cut -= x;
    }
  }

  private levelIndex(side: Side, price: number): number {
    const n = this.shadow.levels(side);
    for (let i = 0; i < n; i++) if (this.shadow.levelPrice(side, i) === price) return i;
    return -1;
  }

  /** Compares every level of both sides (after the replay seeded or repaired its book). */
  private reconcileAll(): void {
    for (let k = 0; k < 2; k++) {
      const side = k === 0 ? Side.Bid : Side.Ask;
      const truth = this.replay.book;
      // levels the replay holds
      const nt = truth.levels(side);
      for (let i = 0; i < nt; i++) this.reconcileLevel(side, truth.levelPrice(side, i));
      // levels only the shadow holds (walk from the back: reconciling removes them)
      for (let i = this.shadow.levels(side) - 1; i >= 0; i--) {
        const p = this.shadow.levelPrice(side, i);
        if (truth.sizeAtPrice(side, p) === 0) this.reconcileLevel(side, p);
      }
    }
  }
}
