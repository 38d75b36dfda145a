/**
 * book.queue_position: the quantity ahead of our own resting order. PER-EVENT CODE: `update` makes
 * one interface call and stores one number; it must not allocate.
 */
import { Side, type InstrumentInfo } from "../../runtime/events.js";
import type { BookView } from "../../runtime/book/view.js";

/**
 * What book.queue_position reads: the execution simulator's view of our own resting orders. The
 * engine implements it (its queue model) and hands it to the operator.
 */
export interface OwnOrderQueue {
  /**
   * Quantity resting ahead of our order on `side` of instrument `instrument` (dense index) at its
   * price level, as the queue model estimates it; NaN when we have no resting order there. With
   * several own orders on a side, the one closest to the touch.
   */
  queueAhead(instrument: number, side: Side): number;
}

/** An OwnOrderQueue with no orders: every answer is NaN. */
export const NO_OWN_ORDERS: OwnOrderQueue = {
  queueAhead(): number {
    return Number.NaN;
  },
};

/** `book.queue_position(inst, side)`: quantity ahead of our resting order on one side. */
export class BookQueuePosition {
  /** Quantity ahead of our order; NaN when there is none. */
  value = Number.NaN;
  /** True after the first book update. */
  ready = false;
  /** Book updates needed before ready. */
  readonly warmup = 1;
  /** The instrument whose queue is read. */
  readonly inst: InstrumentInfo;
  /** Side of our resting order (1 bid, −1 ask). */
  readonly side: Side;
  private queue: OwnOrderQueue;

  /** `queue` is supplied by the engine after the ctorArgs from the metadata. */
  constructor(inst: InstrumentInfo, side: Side = Side.Bid, queue: OwnOrderQueue = NO_OWN_ORDERS) {
    if (side !== Side.Bid && side !== Side.Ask) {
      throw new RangeError(`side must be 1 (bid) or -1 (ask), got ${side}`);
    }
    this.inst = inst;
    this.side = side;
    this.queue = queue;
  }

  /** Connects the execution simulator's queue model (when it was not passed to the constructor). */
  attachQueue(queue: OwnOrderQueue): void {
    this.queue = queue;
  }

  /** Reads the queue after a book change. */
  update(_book: BookView, _ts = 0): void {
    this.value = this.queue.queueAhead(this.inst.index, this.side);
    this.ready = true;
  }

  /** Back to the state before the first update. */
  reset(): void {
    this.value = Number.NaN;
    this.ready = false;
  }
}
