/**
 * The instrument table every reader keeps: maps a source instrument id (DBN instrument_id, or a
 * symbol for sources without ids) to the dense index carried in MarketEvent.instrument.
 *
 * Indices are assigned on first sight (the first record that names the instrument, or the first
 * `indexForSymbol` lookup), not for every symbol the metadata lists: a definition file can map
 * tens of thousands of symbols while its records touch two, and books are kept per dense index.
 * Lookups on the per-event path (`indexForSource`) hit a one-entry cache first and allocate
 * nothing once the instrument is known.
 */
import type { InstrumentInfo } from "../events.js";

/** Dense instrument registry shared by a reader and its consumers. */
export class InstrumentTable {
  /** Instruments in index order (the EventSource's `instruments`). */
  readonly list: InstrumentInfo[] = [];
  private readonly bySource = new Map<number, number>();
  /** Symbols known from metadata / symbol-mapping records, by source id (not yet indexed). */
  private readonly knownSymbols = new Map<number, string>();
  private readonly symbolToSource = new Map<string, number>();
  private lastSource = -1;
  private lastIndex = -1;

  constructor(
    /** Price scale of every instrument this table creates (1e-9 for DBN). */
    readonly priceScale: number,
  ) {}

  /** Records that `sourceId` is called `symbol` (metadata mapping); does not assign an index. */
  learnSymbol(sourceId: number, symbol: string): void {
    this.knownSymbols.set(sourceId, symbol);
    this.symbolToSource.set(symbol, sourceId);
    const idx = this.bySource.get(sourceId);
    if (idx !== undefined) this.list[idx].symbol = symbol;
  }

  /** Dense index for a source id, creating the instrument on first sight. PER-EVENT: no allocation when known. */
  indexForSource(sourceId: number): number {
    if (sourceId === this.lastSource) return this.lastIndex;
    let idx = this.bySource.get(sourceId);
    if (idx === undefined) idx = this.create(sourceId);
    this.lastSource = sourceId;
    this.lastIndex = idx;
    return idx;
  }

  /** Dense index of a symbol known from the metadata (assigned now if needed), or -1. */
  indexForSymbol(symbol: string): number {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].symbol === symbol) return i;
    const src = this.symbolToSource.get(symbol);
    return src === undefined ? -1 : this.indexForSource(src);
  }

  /** Symbol known for a source id (metadata or definition), or undefined. */
  symbolOf(sourceId: number): string | undefined {
    const idx = this.bySource.get(sourceId);
    return idx !== undefined ? this.list[idx].symbol : this.knownSymbols.get(sourceId);
  }

  /** Every (source id, symbol) pair the metadata named, in insertion order. */
  knownMappings(): Array<{ sourceId: number; symbol: string }> {
    const out: Array<{ sourceId: number; symbol: string }> = [];
    for (const [sourceId, symbol] of this.knownSymbols) out.push({ sourceId, symbol });
    return out;
  }

  /** Instrument at a dense index. */
  get(index: number): InstrumentInfo {
    return this.list[index];
  }

  private create(sourceId: number): number {
    const index = this.list.length;
    this.list.push({
      index,
      symbol: this.knownSymbols.get(sourceId) ?? String(sourceId),
      sourceId,
      priceScale: this.priceScale,
      tickSize: 0,
      multiplier: 1,
    });
    this.bySource.set(sourceId, index);
    return index;
  }
}
