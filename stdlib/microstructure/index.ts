/** Operator classes of this category (see meta.ts beside this file). */
export {
  BookOperator,
  BookBestBid,
  BookBestAsk,
  BookBidSize,
  BookAskSize,
  BookMid,
  BookMicroprice,
  BookSpread,
  BookSpreadBps,
} from "./top-of-book.js";
export { BookImbalance, BookPressure, BookDepth } from "./depth.js";
export { BookMidChangeRate, BookMidChangeRateTime } from "./mid-change-rate.js";
export { OfiState, OrderFlowImbalance, OrderFlowImbalanceTime } from "./ofi.js";
export { BookQueuePosition, NO_OWN_ORDERS, type OwnOrderQueue } from "./queue-position.js";
