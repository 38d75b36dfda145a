/**
 * The book a strategy sees through `ctx.book(inst)`: the instrument's L3 or L2 book behind a face
 * whose touch reads come from the engine's registers. PER-EVENT CODE: every method is one or two
 * property reads; nothing allocates.
 *
 * Why a face and not the book itself: a price is a fixed-point integer far outside V8's small
 * integers, so a `bestBid()` that V8 does not inline returns it boxed (one heap number per call).
 * Whether V8 inlines a call depends on how much it already inlined into the same optimised
 * function — in a strategy's `onBook` that updates ten features, it often does not. The face's
 * `bestBid`/`bestAsk` read the engine's best bid / ask registers (updated right after every book
 * change) and are small enough that V8 always inlines them; so do the sizes at the touch (features
 * read them several times per event). The other level queries delegate to the book (sizes and
 * counts are small integers, which cross a call without being boxed).
 */
import type { BookView } from "../book/view.js";
import { Side } from "../events.js";

/** One instrument's book as the strategy sees it (see the file comment). */
export class BookFace implements BookView {
  /** Dense instrument index (the strategy's handle). */
  readonly instrument: number;
  private book: BookView;
  private readonly bids: Float64Array;
  private readonly asks: Float64Array;
  private readonly bidSizes: Float64Array;
  private readonly askSizes: Float64Array;

  /**
   * `bids`/`asks` are the engine's per-instrument best bid / ask registers (NaN when a side is
   * empty), `bidSizes`/`askSizes` the sizes there (0 when empty), all updated after each book change.
   */
  constructor(instrument: number, book: BookView, bids: Float64Array, asks: Float64Array, bidSizes: Float64Array, askSizes: Float64Array) {
    this.instrument = instrument;
    this.book = book;
    this.bids = bids;
    this.asks = asks;
    this.bidSizes = bidSizes;
    this.askSizes = askSizes;
  }

  /** Points the face at the instrument's book (created at its first book event). */
  attach(book: BookView): void {
    this.book = book;
  }

  /** Best bid (fixed point), NaN when the bid side is empty. */
  bestBid(): number {
    return this.bids[this.instrument];
  }

  /** Best ask (fixed point), NaN when the ask side is empty. */
  bestAsk(): number {
    return this.asks[this.instrument];
  }

  /** Number of non-empty levels on a side. */
  levels(side: Side): number {
    return this.book.levels(side);
  }

  /** Price of level i (0 = touch) on a side, NaN past the last level. */
  levelPrice(side: Side, i: number): number {
    return this.book.levelPrice(side, i);
  }

  /** Total visible size at level i on a side, 0 past the last level (the touch from the registers). */
  levelSize(side: Side, i: number): number {
    if (i === 0) return side === Side.Bid ? this.bidSizes[this.instrument] : side === Side.Ask ? this.askSizes[this.instrument] : 0;
    return this.book.levelSize(side, i);
  }

  /** Number of orders at level i on a side. */
  levelCount(side: Side, i: number): number {
    return this.book.levelCount(side, i);
  }

  /** Visible size at an exact price on a side. */
  sizeAtPrice(side: Side, price: number): number {
    return this.book.sizeAtPrice(side, price);
  }

  /** Event time of the last change applied to the book. */
  lastUpdateTs(): number {
    return this.book.lastUpdateTs();
  }
}
