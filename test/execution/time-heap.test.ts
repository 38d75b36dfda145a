// The simulator's time heap against a naive stable sort: items come out by time, ties in the order
// they were pushed (FIFO), for random interleavings of pushes and pops with many equal times.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TimeHeap } from "../../runtime/execution/time-heap.js";

describe("TimeHeap", () => {
  it("pops by time, ties first-in first-out, like a stable sort (random pushes and pops)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(-1)), { maxLength: 300 }),
        (ops) => {
          const h = new TimeHeap(2); // small: grows on the way
          const naive: Array<{ t: number; seq: number; payload: number }> = [];
          let seq = 0;
          for (const op of ops) {
            if (op >= 0) {
              h.push(op, seq);
              naive.push({ t: op, seq, payload: seq });
              seq++;
            } else {
              naive.sort((a, b) => a.t - b.t || a.seq - b.seq);
              const want = naive.length > 0 ? naive.shift()!.payload : -1;
              expect(h.pop()).toBe(want);
            }
            naive.sort((a, b) => a.t - b.t || a.seq - b.seq);
            expect(h.size).toBe(naive.length);
            expect(h.headTime[0]).toBe(naive.length > 0 ? naive[0].t : Number.POSITIVE_INFINITY);
          }
          while (naive.length > 0) expect(h.pop()).toBe(naive.shift()!.payload);
          expect(h.pop()).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
