/**
 * Data-reader benchmarks (results in bench/RESULTS.md, "## Data readers"):
 *  1. synth: generating N synthetic MBO events in memory (runtime/data/synth.ts);
 *  2. dbn: decoding a DBN file on disk (the synthetic stream written once by the DBN writer to
 *     os.tmpdir()) — records/s, MB/s and garbage collections during the decode loop;
 *  3. dbn.zst: decoding the real CME ES MBO file (zstd) from ../shared/data, when present;
 *  4. csv: decoding a trades CSV of N/5 rows written to os.tmpdir().
 * Speeds use process CPU time (robust on the shared 2-core machine); GCs are counted with a
 * PerformanceObserver on 'gc' entries, only inside the timed loops.
 * Run: node bench/run.mjs data [--events N] [--seed S]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { openSynth } from "../runtime/data/synth.js";
import { DbnWriter } from "../runtime/data/dbn/writer.js";
import { openDbn } from "../runtime/data/dbn/reader.js";
import { openCsv } from "../runtime/data/csv/reader.js";
import { sharedData } from "../test/support/shared-data.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const N = Number(arg("--events", "5000000"));
const SEED = Number(arg("--seed", "42"));

let gcs = 0;
const obs = new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
});
obs.observe({ entryTypes: ["gc"] });
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
const fullGc = (globalThis as { gc?: () => void }).gc;

function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

async function timed(label: string, unit: string, bytes: number, run: () => number): Promise<void> {
  fullGc?.();
  await settle();
  gcs = 0;
  const t0 = process.cpuUsage();
  const n = run();
  const secs = cpuSeconds(t0);
  await settle();
  const mb = bytes > 0 ? `, ${(bytes / 1e6 / secs).toFixed(0)} MB/s` : "";
  console.log(`${label.padEnd(34)} ${n.toLocaleString("en-US").padStart(11)} ${unit} in ${secs.toFixed(3)} s CPU = ${((n / secs) / 1e6).toFixed(2)} M ${unit}/s${mb}, GCs during loop: ${gcs}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "algo-bench-data-"));
  try {
    await timed(`synth generate (${N / 1e6}M events)`, "events", 0, () => {
      const src = openSynth({ events: N, seed: SEED });
      let n = 0;
      let chk = 0;
      while (src.next()) {
        n++;
        chk = (chk + src.event.kind) | 0;
      }
      if (chk === -1) console.log(chk);
      return n;
    });

    const path = join(dir, "synth.dbn");
    const src = openSynth({ events: N, seed: SEED });
    const w = new DbnWriter(path, { schema: "mbo", timeBase: src.timeBase });
    while (src.next()) w.write(src.event, src.instruments);
    w.finish();
    const size = statSync(path).size;

    // Warm-up pass (JIT), then the measured pass.
    for (const label of ["dbn decode (warm-up)", "dbn decode"]) {
      const r = openDbn(path);
      await timed(`${label}, ${(size / 1e6).toFixed(0)} MB file`, "records", size, () => {
        let n = 0;
        let chk = 0;
        const ev = r.event;
        while (r.next()) {
          n++;
          chk = (chk + ev.kind + ev.side) | 0; // integer checksum: a double accumulator would box
        }
        if (chk === -1) console.log(chk);
        return n;
      });
      r.close();
    }

    const es = sharedData("dbn/nautilus_trader/esh4-glbx-mdp3-20231225.mbo.dbn.zst");
    if (es) {
      await timed("dbn.zst decode, real ES MBO x10", "records", 0, () => {
        let n = 0;
        for (let k = 0; k < 10; k++) {
          const r = openDbn(es);
          while (r.next()) n++;
          r.close();
        }
        return n;
      });
    }

    const rows = Math.max(1000, Math.floor(N / 5));
    const csvPath = join(dir, "trades.csv");
    const parts: string[] = ["timestamp,price,size,side,symbol"];
    for (let i = 0; i < rows; i++) {
      parts.push(`2024-01-02T14:30:${String(Math.floor(i / 1e6) % 60).padStart(2, "0")}.${String(i % 1e6).padStart(6, "0")}Z,${4800 + (i % 400) * 0.25},${1 + (i % 7)},${i % 2 ? "B" : "S"},ESH4`);
    }
    writeFileSync(csvPath, `${parts.join("\n")}\n`);
    const csvSize = statSync(csvPath).size;
    for (const label of ["csv trades decode (warm-up)", "csv trades decode"]) {
      const r = openCsv(csvPath);
      await timed(label, "rows", csvSize, () => {
        let n = 0;
        let chk = 0;
        while (r.next()) {
          n++;
          chk = (chk + r.event.size) | 0;
        }
        if (chk === -1) console.log(chk);
        return n;
      });
      r.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    obs.disconnect();
  }
}

await main();
