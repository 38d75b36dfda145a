/**
 * Long-run numerical stability: a rolling variance after 10M updates of a drifting, price-like
 * series stays within 1e-9 (relative) of the exact two-pass variance of its window.
 */
import { describe, expect, it } from "vitest";
import { Stdev, Variance, VarianceTime } from "../../stdlib/index.js";
import { Rng } from "./streams.js";
import { variance } from "./naive.js";

describe("long-run stability", () => {
  it("variance over 10M updates matches the exact window variance at checkpoints", () => {
    const n = 1000;
    const v = new Variance(n);
    const s = new Stdev(n, 1);
    const rng = new Rng(42);
    const ring = new Float64Array(n);
    let price = 5000;
    const worst: number[] = [];
    for (let i = 1; i <= 10_000_000; i++) {
      // A random walk in quarter ticks with occasional jumps, drifting far from where it started.
      price += (rng.int(5) - 2) * 0.25 + (rng.next() < 1e-4 ? 500 : 0);
      const x = price + rng.next() * 0.01;
      ring[i % n] = x;
      v.update(x);
      s.update(x);
      if (i % 2_500_000 === 0) {
        const exact = variance(Array.from(ring));
        worst.push(Math.abs(v.value - exact) / exact);
        expect(Math.abs(s.value - Math.sqrt((exact * n) / (n - 1))) / s.value).toBeLessThan(1e-9);
      }
    }
    expect(worst.length).toBe(4);
    for (const w of worst) expect(w).toBeLessThan(1e-9);
  });

  it("a duration-window variance stays exact over 2M updates", () => {
    const v = new VarianceTime(1e9);
    const rng = new Rng(7);
    const xs: number[] = [];
    const ts: number[] = [];
    let t = 0;
    let p = 1e6;
    for (let i = 0; i < 2_000_000; i++) {
      t += 1 + rng.int(2_000_000);
      p += rng.next() - 0.5;
      v.update(p, t);
      xs.push(p);
      ts.push(t);
    }
    const win = xs.filter((_, i) => ts[i] > t - 1e9);
    const exact = variance(win);
    expect(Math.abs(v.value - exact) / exact).toBeLessThan(1e-9);
  });
});
