/**
 * An EventSource replaying events held in memory as typed-array columns: the stream of another
 * source is read once up front, then `next()` copies one row into the reused MarketEvent. For
 * benchmarks and repeated runs (a parameter sweep replays the same day many times) where decoding
 * or generating the data must not be measured or repeated. PER-EVENT CODE: `next()` allocates
 * nothing. Level snapshots and bar fields are not kept: use it for MBO, trade and status streams.
 */
import { type EventKind, type EventSource, type InstrumentInfo, MarketEvent, type Side } from "../events.js";

const F_LAST = 128;

/** A replayable in-memory copy of an event stream. */
export class MemoryEventSource implements EventSource {
  readonly event = new MarketEvent();
  readonly instruments: InstrumentInfo[];
  readonly timeBase: bigint;
  /** Number of events held. */
  readonly length: number;
  /** As the copied source (EventSource.groupsByLastFlag). */
  readonly groupsByLastFlag: boolean;
  private readonly kind: Uint8Array;
  private readonly inst: Uint16Array;
  private readonly side: Int8Array;
  private readonly aggr: Int8Array;
  private readonly flags: Uint8Array;
  private readonly price: Float64Array;
  private readonly size: Float64Array;
  private readonly ts: Float64Array;
  private readonly idHi: Uint32Array;
  private readonly idLo: Uint32Array;
  private i = 0;

  /** Reads `src` to its end (at most `limit` events) and keeps the events; closes `src`. */
  constructor(src: EventSource, limit = Number.MAX_SAFE_INTEGER) {
    const cols = { kind: [] as number[], inst: [] as number[], side: [] as number[], aggr: [] as number[], flags: [] as number[], price: [] as number[], size: [] as number[], ts: [] as number[], hi: [] as number[], lo: [] as number[] };
    const e = src.event;
    let n = 0;
    while (n < limit && src.next()) {
      cols.kind.push(e.kind);
      cols.inst.push(e.instrument);
      cols.side.push(e.side);
      cols.aggr.push(e.aggressor);
      cols.flags.push(e.flags);
      cols.price.push(e.price);
      cols.size.push(e.size);
      cols.ts.push(e.ts);
      cols.hi.push(e.orderIdHi);
      cols.lo.push(e.orderIdLo);
      n++;
    }
    this.groupsByLastFlag = src.groupsByLastFlag === true;
    // A copy cut short by `limit` still ends its last event group.
    if (this.groupsByLastFlag && n > 0) cols.flags[n - 1] |= F_LAST;
    this.instruments = src.instruments.slice();
    this.timeBase = src.timeBase;
    src.close();
    this.length = n;
    this.kind = Uint8Array.from(cols.kind);
    this.inst = Uint16Array.from(cols.inst);
    this.side = Int8Array.from(cols.side);
    this.aggr = Int8Array.from(cols.aggr);
    this.flags = Uint8Array.from(cols.flags);
    this.price = Float64Array.from(cols.price);
    this.size = Float64Array.from(cols.size);
    this.ts = Float64Array.from(cols.ts);
    this.idHi = Uint32Array.from(cols.hi);
    this.idLo = Uint32Array.from(cols.lo);
  }

  next(): boolean {
    const i = this.i;
    if (i >= this.length) return false;
    const e = this.event;
    e.kind = this.kind[i]! as EventKind;
    e.instrument = this.inst[i]!;
    e.side = this.side[i]! as Side;
    e.aggressor = this.aggr[i]! as Side;
    e.flags = this.flags[i]!;
    e.price = this.price[i]!;
    e.size = this.size[i]!;
    e.ts = this.ts[i]!;
    e.tsRecv = this.ts[i]!;
    e.sequence = i;
    e.orderIdHi = this.idHi[i]!;
    e.orderIdLo = this.idLo[i]!;
    this.i = i + 1;
    return true;
  }

  /** Starts the replay over from the first event. */
  rewind(): void {
    this.i = 0;
  }

  close(): void {}
}
