/**
 * Fee schedules: maker/taker, per contract and/or in basis points of notional. PER-EVENT CODE:
 * `feeOf` runs per fill and allocates nothing.
 */

/** One instrument's fees, in account currency. Negative values are rebates. */
export interface FeeSchedule {
  /** Currency per contract when our resting order is hit. */
  makerPerContract: number;
  /** Currency per contract when our order takes liquidity. */
  takerPerContract: number;
  /** Basis points of notional (price × qty × multiplier) when maker. */
  makerBps: number;
  /** Basis points of notional when taker. */
  takerBps: number;
}

/** No fees. */
export const NO_FEES: FeeSchedule = { makerPerContract: 0, takerPerContract: 0, makerBps: 0, takerBps: 0 };

/** Fee of one fill in currency: per-contract part + bps of |notional| (notional in currency). */
export function feeOf(s: FeeSchedule, maker: boolean, qty: number, notional: number): number {
  return maker
    ? s.makerPerContract * qty + (s.makerBps * Math.abs(notional)) / 10000
    : s.takerPerContract * qty + (s.takerBps * Math.abs(notional)) / 10000;
}

/** One-line description for reports ("maker -0.2/contract, taker 0.85/contract + 0.5bps"). */
export function describeFees(s: FeeSchedule): string {
  const part = (per: number, bps: number): string => {
    const xs: string[] = [];
    if (per !== 0) xs.push(`${per}/contract`);
    if (bps !== 0) xs.push(`${bps}bps`);
    return xs.length === 0 ? "0" : xs.join(" + ");
  };
  return `maker ${part(s.makerPerContract, s.makerBps)}, taker ${part(s.takerPerContract, s.takerBps)}`;
}
