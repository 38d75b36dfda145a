/**
 * Bar accessors (see meta.ts beside this file). PER-EVENT CODE: `onBar` stores one number and
 * allocates nothing.
 */
import type { InstrumentInfo } from "../../runtime/events.js";

/** Shared state of the bar-field accessors: the last value and whether a bar has been seen. */
abstract class BarField {
  /** The field of the most recent bar; NaN before the first bar. */
  value = Number.NaN;
  /** True once a bar has been seen. */
  ready = false;
  /** Bars needed before `ready`. */
  readonly warmup = 1;
  /** The instrument whose bars are read. */
  readonly inst: InstrumentInfo;

  constructor(inst: InstrumentInfo) {
    this.inst = inst;
  }

  /** Back to the state before the first bar. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** `bar.open(inst)`: opening price of the most recent bar (currency units). */
export class BarOpen extends BarField {
  /** Receives one bar; prices in currency units. */
  onBar(open: number, _high: number, _low: number, _close: number, _volume: number, _ts: number): void {
    this.value = open;
    this.ready = true;
  }
}

/** `bar.high(inst)`: highest price of the most recent bar (currency units). */
export class BarHigh extends BarField {
  /** Receives one bar; prices in currency units. */
  onBar(_open: number, high: number, _low: number, _close: number, _volume: number, _ts: number): void {
    this.value = high;
    this.ready = true;
  }
}

/** `bar.low(inst)`: lowest price of the most recent bar (currency units). */
export class BarLow extends BarField {
  /** Receives one bar; prices in currency units. */
  onBar(_open: number, _high: number, low: number, _close: number, _volume: number, _ts: number): void {
    this.value = low;
    this.ready = true;
  }
}

/** `bar.close(inst)`: closing price of the most recent bar (currency units). */
export class BarClose extends BarField {
  /** Receives one bar; prices in currency units. */
  onBar(_open: number, _high: number, _low: number, close: number, _volume: number, _ts: number): void {
    this.value = close;
    this.ready = true;
  }
}

/** `bar.volume(inst)`: traded volume of the most recent bar. */
export class BarVolume extends BarField {
  /** Receives one bar. */
  onBar(_open: number, _high: number, _low: number, _close: number, volume: number, _ts: number): void {
    this.value = volume;
    this.ready = true;
  }
}
