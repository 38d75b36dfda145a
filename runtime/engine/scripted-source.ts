/**
 * An EventSource over events written by hand (tests, examples, small scenarios). Not for large
 * data: the events are plain objects; `next()` copies one into the reused MarketEvent.
 */
import { type EventKind, type EventSource, type InstrumentInfo, MarketEvent, type Side } from "../events.js";

/** One scripted event: the MarketEvent fields that matter for its kind. */
export interface ScriptedEvent {
  kind: EventKind;
  ts: number;
  instrument?: number;
  side?: Side;
  price?: number;
  size?: number;
  /** Order id (low half; the high half is 0). */
  id?: number;
  aggressor?: Side;
  flags?: number;
  depth?: number;
  count?: number;
  /** Bar fields. */
  open?: number;
  high?: number;
  low?: number;
  close?: number;
  volume?: number;
  aux?: number;
}

/** An EventSource replaying a fixed list of events. */
export class ScriptedSource implements EventSource {
  readonly event = new MarketEvent();
  private i = 0;

  constructor(
    readonly instruments: InstrumentInfo[],
    private readonly events: readonly ScriptedEvent[],
    readonly timeBase: bigint = 0n,
  ) {}

  next(): boolean {
    if (this.i >= this.events.length) return false;
    const s = this.events[this.i];
    const e = this.event;
    e.kind = s.kind;
    e.ts = s.ts;
    e.tsRecv = s.ts;
    e.sequence = this.i;
    e.instrument = s.instrument ?? 0;
    e.side = s.side ?? 0;
    e.price = s.price ?? 0;
    e.size = s.size ?? 0;
    e.orderIdHi = 0;
    e.orderIdLo = s.id ?? 0;
    e.aggressor = s.aggressor ?? 0;
    e.flags = s.flags ?? 0;
    e.depth = s.depth ?? 0;
    e.count = s.count ?? 0;
    e.open = s.open ?? 0;
    e.high = s.high ?? 0;
    e.low = s.low ?? 0;
    e.close = s.close ?? 0;
    e.volume = s.volume ?? 0;
    e.aux = s.aux ?? 0;
    this.i++;
    return true;
  }

  close(): void {
    this.i = this.events.length;
  }
}
