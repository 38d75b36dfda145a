/**
 * Top-of-book operators (book.best_bid … book.spread_bps). PER-EVENT CODE: `update` reads a few
 * BookView fields and stores one number; it must not allocate, close over anything or loop.
 */
import { Side, unitsPerCurrency, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";

/** Shared state of the single-output book operators: value, readiness, the price scale. */
export abstract class BookOperator {
  /** The current value (see the operator's doc for NaN cases). */
  value = Number.NaN;
  /** True after the first book update. */
  ready = false;
  /** Book updates needed before `ready`. */
  readonly warmup: number = 1;
  /** Fixed-point price units per currency unit (prices are divided by it: exact decimals). */
  protected readonly units: number;
  /** The instrument whose book is read. */
  readonly inst: InstrumentInfo;

  constructor(inst: InstrumentInfo) {
    this.inst = inst;
    this.units = unitsPerCurrency(inst.priceScale);
  }

  /** Back to the state before the first update. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}

/** `book.best_bid(inst)`: best bid in currency units, NaN when the bid side is empty. */
export class BookBestBid extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    this.value = book.bestBid() / this.units;
    this.ready = true;
  }
}

/** `book.best_ask(inst)`: best ask in currency units, NaN when the ask side is empty. */
export class BookBestAsk extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    this.value = book.bestAsk() / this.units;
    this.ready = true;
  }
}

/** `book.bid_size(inst)`: quantity at the best bid, 0 when the side is empty. */
export class BookBidSize extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    this.value = book.levelSize(Side.Bid, 0);
    this.ready = true;
  }
}

/** `book.ask_size(inst)`: quantity at the best ask, 0 when the side is empty. */
export class BookAskSize extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    this.value = book.levelSize(Side.Ask, 0);
    this.ready = true;
  }
}

/** `book.mid(inst)`: (bid + ask) / 2 in currency units, NaN when a side is empty. */
export class BookMid extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    this.value = ((book.bestBid() + book.bestAsk()) * 0.5) / this.units;
    this.ready = true;
  }
}

/** `book.microprice(inst)`: size-weighted mid, leaning towards the thinner side. */
export class BookMicroprice extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const bs = book.levelSize(Side.Bid, 0);
    const as = book.levelSize(Side.Ask, 0);
    const total = bs + as;
    this.value =
      total > 0 ? (bid * as + ask * bs) / total / this.units : ((bid + ask) * 0.5) / this.units;
    this.ready = true;
  }
}

/** `book.spread(inst)`: ask − bid in currency units, NaN when a side is empty. */
export class BookSpread extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    this.value = (book.bestAsk() - book.bestBid()) / this.units;
    this.ready = true;
  }
}

/** `book.spread_bps(inst)`: 10⁴ · (ask − bid) / mid, NaN when a side is empty. */
export class BookSpreadBps extends BookOperator {
  /** Reads the book after a change (`ts` is not used: the value depends on the book only). */
  update(book: BookView, _ts = 0): void {
    const bid = book.bestBid();
    const ask = book.bestAsk();
    this.value = (2e4 * (ask - bid)) / (ask + bid);
    this.ready = true;
  }
}
