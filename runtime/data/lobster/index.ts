/**
 * LOBSTER data (message + orderbook CSV files, plain or .csv.gz): the reader as an EventSource and
 * the seeded, reconciled replay into an exact L3 book. See reader.ts for the column mapping and the
 * time convention (seconds after midnight US Eastern; timeBase = that midnight in UTC ns).
 */
import { LobsterSource, type LobsterOptions } from "./reader.js";

export {
  LobsterSource,
  type LobsterOptions,
  type LobsterName,
  parseLobsterName,
  isLobsterMessageFile,
  findLobsterOrderbook,
  localMidnightUtcNs,
  LOBSTER_EMPTY_ASK_PRICE,
  LOBSTER_EMPTY_BID_PRICE,
  LOBSTER_PRICE_SCALE,
} from "./reader.js";
export { LobsterReplay, ANON_ID_HI } from "./replay.js";
export { DataFormatError } from "./lines.js";
export { ByteSourceError, openByteSource, type ByteSource } from "./bytes.js";

/** Opens a LOBSTER message file (paired orderbook found by name unless given) as an EventSource. */
export function openLobster(messagePath: string, options: LobsterOptions = {}): LobsterSource {
  return new LobsterSource(messagePath, options);
}
