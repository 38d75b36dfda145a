/**
 * Order books: the exact L3 (market-by-order) book, the L2 (market-by-price) book, the
 * multi-instrument Market, and the anomaly counters they share. All implement BookView.
 */
export type { BookView } from "./view.js";
export { L3Book, F_LAST, type L3BookOptions } from "./l3.js";
export { L2Book, type L2BookOptions } from "./l2.js";
export { Market, type MarketOptions } from "./market.js";
export { AnomalyCounters, AnomalyKind, ANOMALY_KINDS, ANOMALY_NAMES } from "./anomalies.js";
