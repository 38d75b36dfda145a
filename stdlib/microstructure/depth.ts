/**
 * Multi-level book operators (book.imbalance, book.pressure, book.depth). PER-EVENT CODE: `update`
 * is O(levels) over BookView reads; it must not allocate (weights are precomputed in a typed array).
 */
import { Side, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";
import { BookOperator } from "./top-of-book.js";

function checkLevels(levels: number): number {
  if (!Number.isInteger(levels) || levels < 1) {
    throw new RangeError(`levels must be an integer >= 1, got ${levels}`);
  }
  return levels;
}

/** `book.imbalance(inst, levels)`: (B − A) / (B + A) over the best `levels` of each side. */
export class BookImbalance extends BookOperator {
  /** Levels per side aggregated. */
  readonly levels: number;

  constructor(inst: InstrumentInfo, levels = 1) {
    super(inst);
    this.levels = checkLevels(levels);
  }

  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    let b = 0;
    let a = 0;
    const nb = Math.min(this.levels, book.levels(Side.Bid));
    const na = Math.min(this.levels, book.levels(Side.Ask));
    for (let i = 0; i < nb; i++) b += book.levelSize(Side.Bid, i);
    for (let i = 0; i < na; i++) a += book.levelSize(Side.Ask, i);
    this.value = (b - a) / (b + a);
    this.ready = true;
  }
}

/** `book.pressure(inst, levels)`: imbalance with harmonic level weights 1/(i+1). */
export class BookPressure extends BookOperator {
  /** Levels per side aggregated. */
  readonly levels: number;
  private readonly weights: Float64Array;

  constructor(inst: InstrumentInfo, levels = 5) {
    super(inst);
    this.levels = checkLevels(levels);
    this.weights = new Float64Array(this.levels);
    for (let i = 0; i < this.levels; i++) this.weights[i] = 1 / (i + 1);
  }

  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    let b = 0;
    let a = 0;
    const w = this.weights;
    const nb = Math.min(this.levels, book.levels(Side.Bid));
    const na = Math.min(this.levels, book.levels(Side.Ask));
    for (let i = 0; i < nb; i++) b += w[i] * book.levelSize(Side.Bid, i);
    for (let i = 0; i < na; i++) a += w[i] * book.levelSize(Side.Ask, i);
    this.value = (b - a) / (b + a);
    this.ready = true;
  }
}

/** `book.depth(inst, levels, side)`: visible quantity in the best `levels` of one or both sides. */
export class BookDepth extends BookOperator {
  /** Levels per side aggregated. */
  readonly levels: number;
  /** 1 bid, −1 ask, 0 both. */
  readonly side: Side;

  constructor(inst: InstrumentInfo, levels = 5, side: Side = Side.None) {
    super(inst);
    this.levels = checkLevels(levels);
    if (side !== Side.Bid && side !== Side.Ask && side !== Side.None) {
      throw new RangeError(`side must be 1 (bid), -1 (ask) or 0 (both), got ${side}`);
    }
    this.side = side;
  }

  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    let total = 0;
    if (this.side !== Side.Ask) {
      const nb = Math.min(this.levels, book.levels(Side.Bid));
      for (let i = 0; i < nb; i++) total += book.levelSize(Side.Bid, i);
    }
    if (this.side !== Side.Bid) {
      const na = Math.min(this.levels, book.levels(Side.Ask));
      for (let i = 0; i < na; i++) total += book.levelSize(Side.Ask, i);
    }
    this.value = total;
    this.ready = true;
  }
}
