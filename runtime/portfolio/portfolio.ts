/**
 * Positions, cash and P&L per instrument, exact in integers. PER-EVENT CODE: `applyFill` and
 * `mark` run per fill / per event; they allocate nothing (typed arrays; the FIFO lot ring grows by
 * doubling only when a position is built from more lots than ever before).
 *
 * Exactness (DESIGN.md "Numbers"): every amount is kept in an instrument's INTERNAL UNIT, which is
 * the tick size in fixed-point units when the data gives one (else 1 fixed-point unit). A fill
 * price p (fixed point, on the tick grid) becomes p / unit, an integer; cash = −Σ side·qty·p/unit
 * and lot costs are integers, so sums are exact while their magnitude stays below 2^53. Example: ES
 * at 6000.00 with tick 0.25 is 24,000 units; 2^53 / 24,000 ≈ 3.7e11 contracts of turnover before
 * exactness could be lost. If a price off the tick grid or a magnitude ≥ 2^53 ever occurs the
 * portfolio sets `inexact` (the report says so) and carries on in doubles. Conversion to currency
 * (× unit × priceScale × multiplier) happens only when a number is displayed. Fees are kept in
 * currency as doubles (bps fees are not integers in any unit).
 *
 * Realized P&L uses FIFO lots: closing quantity is matched against the oldest open lots.
 * Identity (tested): realized + unrealized = cash + position × mark, per instrument, exactly.
 */
import type { InstrumentInfo } from "../events.js";

const MAX_EXACT = 9007199254740991;

/** Per-instrument account of the simulated fills. */
/** One fill as applyFillRecord reads it (the engine's recorder FillRecord has these fields). */
export interface PortfolioFill {
  instrument: number;
  /** 1 buy, -1 sell. */
  side: number;
  qty: number;
  /** Fixed-point price. */
  price: number;
  /** Fee in currency (negative: rebate). */
  fee: number;
}

export class Portfolio {
  /** Number of instruments. */
  readonly count: number;
  /** Fixed-point units per internal unit (the tick size, or 1). */
  readonly unit: Float64Array;
  /** Currency per internal unit (unit × priceScale × multiplier). */
  readonly currencyPerUnit: Float64Array;
  /** Net position (lots, signed). */
  readonly position: Float64Array;
  /** Cash flow in internal units (sells add, buys subtract). */
  readonly cashUnits: Float64Array;
  /** Realized P&L in internal units (FIFO). */
  readonly realizedUnits: Float64Array;
  /** Σ lot price × signed lot qty of the open lots (internal units). */
  readonly openCostUnits: Float64Array;
  /** Last mark price (internal units; NaN before the first mark). */
  readonly markUnits: Float64Array;
  /** Fees paid (currency; rebates negative). */
  readonly fees: Float64Array;
  /** Traded quantity (lots) and number of fills. */
  readonly volume: Float64Array;
  readonly fillCount: Float64Array;
  /** True once any amount left the exact integer range or a price was off the unit grid. */
  inexact = false;

  // FIFO lot ring per instrument: price (units) and signed qty.
  private lotPrice: Float64Array[];
  private lotQty: Float64Array[];
  private readonly lotHead: Int32Array;
  private readonly lotCount: Int32Array;

  constructor(instruments: readonly InstrumentInfo[]) {
    const n = instruments.length;
    this.count = n;
    this.unit = new Float64Array(n);
    this.currencyPerUnit = new Float64Array(n);
    this.position = new Float64Array(n);
    this.cashUnits = new Float64Array(n);
    this.realizedUnits = new Float64Array(n);
    this.openCostUnits = new Float64Array(n);
    this.markUnits = new Float64Array(n).fill(Number.NaN);
    this.fees = new Float64Array(n);
    this.volume = new Float64Array(n);
    this.fillCount = new Float64Array(n);
    this.lotHead = new Int32Array(n);
    this.lotCount = new Int32Array(n);
    this.lotPrice = [];
    this.lotQty = [];
    for (let i = 0; i < n; i++) {
      const info = instruments[i];
      const u = info.tickSize > 0 ? info.tickSize : 1;
      this.unit[i] = u;
      this.currencyPerUnit[i] = u * info.priceScale * (info.multiplier > 0 ? info.multiplier : 1);
      this.lotPrice.push(new Float64Array(64));
      this.lotQty.push(new Float64Array(64));
    }
  }

  /**
   * Books one fill: `side` 1 buy / −1 sell, `qty` > 0, fixed-point `price`, `fee` in currency.
   * Returns the realized P&L of this fill in internal units.
   */
  applyFill(inst: number, side: number, qty: number, price: number, fee: number): number {
    const f = this.scratch;
    f.instrument = inst;
    f.side = side;
    f.qty = qty;
    f.price = price;
    f.fee = fee;
    this.applyFillRecord(f);
    return this.lastRealized[0];
  }

  private readonly scratch: PortfolioFill = { instrument: 0, side: 1, qty: 0, price: Number.NaN, fee: Number.NaN };
  /** [0] = realized P&L (internal units) of the last fill applied. */
  readonly lastRealized = new Float64Array(1);
  // [0] = the lot price pushLot adds (a register: no double crosses the call).
  private readonly lotIn = new Float64Array(1);

  /** applyFill from a record (the per-fill form: no double crosses a call); realized P&L in lastRealized[0]. */
  applyFillRecord(f: PortfolioFill): void {
    const inst = f.instrument;
    const side = f.side;
    const qty = f.qty;
    const fee = f.fee;
    const u = f.price / this.unit[inst];
    if (u !== Math.round(u)) this.inexact = true;
    const signed = side * qty;
    this.cashUnits[inst] -= signed * u;
    this.fees[inst] += fee;
    this.volume[inst] += qty;
    this.fillCount[inst]++;
    let realized = 0;
    let rest = signed;
    const pos = this.position[inst];
    if (pos !== 0 && Math.sign(pos) !== Math.sign(signed)) {
      // Close against the oldest lots first.
      const prices = this.lotPrice[inst];
      const qtys = this.lotQty[inst];
      const cap = prices.length;
      while (rest !== 0 && this.lotCount[inst] > 0) {
        const h = this.lotHead[inst];
        const lq = qtys[h];
        const closeQty = Math.abs(rest) < Math.abs(lq) ? -rest : lq; // signed like the lot
        realized += (u - prices[h]) * closeQty;
        this.openCostUnits[inst] -= prices[h] * closeQty;
        qtys[h] = lq - closeQty;
        rest += closeQty;
        if (qtys[h] === 0) {
          this.lotHead[inst] = (h + 1) & (cap - 1);
          this.lotCount[inst]--;
        }
      }
    }
    if (rest !== 0) {
      this.lotIn[0] = u;
      this.pushLot(inst, rest);
    }
    this.position[inst] = pos + signed;
    this.realizedUnits[inst] += realized;
    if (
      Math.abs(this.cashUnits[inst]) > MAX_EXACT ||
      Math.abs(this.openCostUnits[inst]) > MAX_EXACT ||
      Math.abs(this.realizedUnits[inst]) > MAX_EXACT
    ) {
      this.inexact = true;
    }
    this.lastRealized[0] = realized;
  }

  /** Sets the mark price (fixed point) used for unrealized P&L; NaN is ignored. */
  mark(inst: number, price: number): void {
    if (price === price) this.markUnits[inst] = price / this.unit[inst];
  }

  /** Unrealized P&L in internal units (0 when flat or never marked). */
  unrealizedUnits(inst: number): number {
    const pos = this.position[inst];
    if (pos === 0) return 0;
    const m = this.markUnits[inst];
    if (m !== m) return 0;
    return pos * m - this.openCostUnits[inst];
  }

  /** Realized P&L of an instrument in currency (before fees). */
  realized(inst: number): number {
    return this.realizedUnits[inst] * this.currencyPerUnit[inst];
  }

  /** Unrealized P&L of an instrument in currency. */
  unrealized(inst: number): number {
    return this.unrealizedUnits(inst) * this.currencyPerUnit[inst];
  }

  /** Net P&L of an instrument: realized + unrealized − fees (currency). */
  net(inst: number): number {
    return (this.realizedUnits[inst] + this.unrealizedUnits(inst)) * this.currencyPerUnit[inst] - this.fees[inst];
  }

  /** Net P&L over all instruments (currency). */
  totalNet(): number {
    let s = 0;
    for (let i = 0; i < this.count; i++) s += this.net(i);
    return s;
  }

  /** out[0] = totalNet(), written rather than returned (per-event callers: no boxed double). */
  readonly netOut = new Float64Array(1);

  /** Computes totalNet() into `netOut[0]`. */
  computeTotalNet(): void {
    let s = 0;
    for (let i = 0; i < this.count; i++) {
      let u = this.realizedUnits[i];
      const pos = this.position[i];
      const m = this.markUnits[i];
      if (pos !== 0 && m === m) u += pos * m - this.openCostUnits[i];
      s += u * this.currencyPerUnit[i] - this.fees[i];
    }
    this.netOut[0] = s;
  }

  /** Total fees over all instruments (currency). */
  totalFees(): number {
    let s = 0;
    for (let i = 0; i < this.count; i++) s += this.fees[i];
    return s;
  }

  /** Gross exposure: Σ |position| × mark in currency. */
  grossExposure(): number {
    let s = 0;
    for (let i = 0; i < this.count; i++) {
      const m = this.markUnits[i];
      if (m === m) s += Math.abs(this.position[i] * m) * this.currencyPerUnit[i];
    }
    return s;
  }

  /** Opens a lot of `signedQty` at the price in lotIn[0]. */
  private pushLot(inst: number, signedQty: number): void {
    const u = this.lotIn[0];
    let prices = this.lotPrice[inst];
    let qtys = this.lotQty[inst];
    let cap = prices.length;
    if (this.lotCount[inst] === cap) {
      // Unroll the ring into arrays twice as large (rare: only when more lots are open than ever).
      const np = new Float64Array(cap * 2);
      const nq = new Float64Array(cap * 2);
      const h = this.lotHead[inst];
      for (let k = 0; k < cap; k++) {
        np[k] = prices[(h + k) & (cap - 1)];
        nq[k] = qtys[(h + k) & (cap - 1)];
      }
      this.lotPrice[inst] = prices = np;
      this.lotQty[inst] = qtys = nq;
      this.lotHead[inst] = 0;
      cap *= 2;
    }
    const t = (this.lotHead[inst] + this.lotCount[inst]) & (cap - 1);
    prices[t] = u;
    qtys[t] = signedQty;
    this.lotCount[inst]++;
    this.openCostUnits[inst] += u * signedQty;
  }
}
