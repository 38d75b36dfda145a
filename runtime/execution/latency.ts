/**
 * Latency models: a fixed delay, or one drawn from a seeded distribution. PER-EVENT CODE:
 * `sample()` is called for every order message and every report; it allocates nothing.
 */
import { SeededRandom } from "./rng.js";

/** How one latency is described in configuration (all times in ns). */
export type LatencySpec =
  | { kind: "fixed"; ns: number }
  | { kind: "uniform"; minNs: number; maxNs: number }
  /** minNs plus an exponential tail with the given mean (queueing delay). */
  | { kind: "exponential"; minNs: number; meanNs: number }
  /** Normal(meanNs, sdNs) clamped to [minNs (default 0), maxNs (default none)]. */
  | { kind: "normal"; meanNs: number; sdNs: number; minNs?: number; maxNs?: number | null }
  /** Log-normal with the given median and log-space sigma, clamped to [minNs, maxNs]. */
  | { kind: "lognormal"; medianNs: number; sigma: number; minNs?: number; maxNs?: number | null };

/** The three latencies of a run (DESIGN: feed, order entry, response). */
export interface LatencyConfig {
  /** Exchange time → the strategy sees the event. */
  feed: LatencySpec;
  /** The strategy sends → the order reaches the exchange. */
  orderEntry: LatencySpec;
  /** The exchange acts → the strategy learns of it (acks, fills, cancels). */
  response: LatencySpec;
}

/** Zero latency everywhere (the default of a bare engine; the CLI's defaults are in cli/config). */
export const ZERO_LATENCY: LatencyConfig = {
  feed: { kind: "fixed", ns: 0 },
  orderEntry: { kind: "fixed", ns: 0 },
  response: { kind: "fixed", ns: 0 },
};

const KIND_FIXED = 0;
const KIND_UNIFORM = 1;
const KIND_EXPONENTIAL = 2;
const KIND_NORMAL = 3;
const KIND_LOGNORMAL = 4;

/** A latency sampler: integer nanoseconds, deterministic for a seed. */
export class LatencyModel {
  private readonly kind: number;
  private readonly a: number;
  private readonly b: number;
  private readonly c: number;
  private readonly cap: number;
  private spare = Number.NaN;

  constructor(
    readonly spec: LatencySpec,
    private readonly rng: SeededRandom,
  ) {
    let cap = Number.POSITIVE_INFINITY;
    switch (spec.kind) {
      case "fixed":
        this.kind = KIND_FIXED;
        this.a = spec.ns;
        this.b = 0;
        this.c = 0;
        break;
      case "uniform":
        this.kind = KIND_UNIFORM;
        this.a = spec.minNs;
        this.b = spec.maxNs;
        this.c = 0;
        break;
      case "exponential":
        this.kind = KIND_EXPONENTIAL;
        this.a = spec.minNs;
        this.b = spec.meanNs;
        this.c = 0;
        break;
      case "normal":
        this.kind = KIND_NORMAL;
        this.a = spec.meanNs;
        this.b = spec.sdNs;
        this.c = spec.minNs ?? 0;
        if (spec.maxNs !== undefined && spec.maxNs !== null) cap = spec.maxNs;
        break;
      case "lognormal":
        this.kind = KIND_LOGNORMAL;
        this.a = spec.medianNs;
        this.b = spec.sigma;
        this.c = spec.minNs ?? 0;
        if (spec.maxNs !== undefined && spec.maxNs !== null) cap = spec.maxNs;
        break;
      default:
        throw new Error(`unknown latency kind ${(spec as { kind: string }).kind}`);
    }
    for (const v of [this.a, this.b, this.c]) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`latency values must be finite and >= 0 (${describeLatency(spec)})`);
    }
    if (this.kind === KIND_UNIFORM && this.b < this.a) throw new RangeError(`uniform latency: maxNs < minNs`);
    if (cap < this.c) throw new RangeError(`latency maxNs < minNs`);
    this.cap = cap;
  }

  /** The constant latency of a fixed model, NaN otherwise (per-event code reads it, no call). */
  get fixedNs(): number {
    return this.kind === KIND_FIXED ? this.a : Number.NaN;
  }

  /** True when every sample is the same number (lets the engine keep FIFO order cheaply). */
  get isFixed(): boolean {
    return this.kind === KIND_FIXED;
  }

  /**
   * Draws one latency in integer ns (>= 0). Convenience form of `draw()` (per-order code calls
   * `draw()` and reads `out[0]`: a double returned by a call V8 does not inline is boxed).
   */
  sample(): number {
    this.draw();
    return this.out[0];
  }

  /** [0] = the latency drawn by the last `draw()`, integer ns. */
  readonly out = new Float64Array(1);

  /** Draws one latency into out[0]; the uniforms and normals inside travel through registers too. */
  draw(): void {
    const rng = this.rng;
    switch (this.kind) {
      case KIND_FIXED:
        this.out[0] = this.a;
        return;
      case KIND_UNIFORM:
        rng.draw();
        this.out[0] = Math.round(this.a + (this.b - this.a) * rng.u[0]);
        return;
      case KIND_EXPONENTIAL:
        rng.draw();
        this.out[0] = Math.round(this.a - this.b * Math.log(1 - rng.u[0]));
        return;
      default: {
        this.normal();
        const z = this.z[0];
        const x = this.kind === KIND_NORMAL ? Math.round(this.a + this.b * z) : Math.round(this.a * Math.exp(this.b * z));
        // Clamped without a branch: a draw below minNs is rare, and a branch first taken late in a
        // run has no type feedback (deoptimisation of the order path that inlined this).
        this.out[0] = Math.min(Math.max(x, this.c), this.cap);
      }
    }
  }

  /** [0] = the last standard normal drawn by normal(). */
  private readonly z = new Float64Array(1);

  /** A standard normal draw into z[0] (Box–Muller; the second value of each pair is kept for the next call). */
  private normal(): void {
    let z = this.spare;
    if (z === z) {
      this.spare = Number.NaN;
    } else {
      // Box–Muller: two normals per pair of uniforms; keep the second for the next call.
      const rng = this.rng;
      rng.draw();
      const u = 1 - rng.u[0];
      rng.draw();
      const v = rng.u[0];
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spare = r * Math.sin(2 * Math.PI * v);
    }
    this.z[0] = z;
  }
}

/** A one-line human description of a latency spec, for reports ("250us fixed"). */
export function describeLatency(spec: LatencySpec): string {
  switch (spec.kind) {
    case "fixed":
      return `${fmtNs(spec.ns)} fixed`;
    case "uniform":
      return `uniform(${fmtNs(spec.minNs)}..${fmtNs(spec.maxNs)})`;
    case "exponential":
      return `${fmtNs(spec.minNs)} + exponential(mean ${fmtNs(spec.meanNs)})`;
    case "normal":
      return `normal(mean ${fmtNs(spec.meanNs)}, sd ${fmtNs(spec.sdNs)}, min ${fmtNs(spec.minNs ?? 0)}${spec.maxNs != null ? `, max ${fmtNs(spec.maxNs)}` : ""})`;
    case "lognormal":
      return `lognormal(median ${fmtNs(spec.medianNs)}, sigma ${spec.sigma}, min ${fmtNs(spec.minNs ?? 0)}${spec.maxNs != null ? `, max ${fmtNs(spec.maxNs)}` : ""})`;
  }
}

/** Formats a duration in ns with the largest exact unit (ns, us, ms, s). */
export function fmtNs(ns: number): string {
  if (ns !== 0 && ns % 1e9 === 0) return `${ns / 1e9}s`;
  if (ns !== 0 && ns % 1e6 === 0) return `${ns / 1e6}ms`;
  if (ns !== 0 && ns % 1e3 === 0) return `${ns / 1e3}us`;
  return `${ns}ns`;
}
