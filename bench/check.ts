/**
 * Check benchmark: parse + check (names, types, units, lints; the back end's analyses excluded)
 * of generated strategies of about 1k / 10k / 100k lines, timed after warm-up. Reports wall and
 * CPU time (process.cpuUsage; the machine is shared, CPU is the steadier figure), the lexer (`lex`,
 * as `parse` runs it: typed arrays, no token objects) and
 * parse shares (parse = lex + the parser building the AST), the GCs per parse + check, and the growth between
 * sizes. Every generated file must check without errors (unused-feature
 * warnings are expected: most generated features are never read).
 *
 *   node bench/run.mjs check [--sizes 1000,10000,100000] [--runs 5]
 */
import { PerformanceObserver } from "node:perf_hooks";
import { parse } from "../grammar/index.js";
import { lex } from "../grammar/lexer.js";
import { checkProgram } from "../compiler/index.js";
import { strategyOfLines } from "./strategy-gen.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function cpuMs(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** Start times and kinds of garbage collections, as the observer delivers them. */
const gcs: Array<{ start: number; kind: number }> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ["gc"] });

const sizes = arg("--sizes", "1000,10000,100000").split(",").map(Number);
const runs = Number(arg("--runs", "5"));
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log("| lines | lex CPU ms | parse CPU ms | parse + check wall ms | parse + check CPU ms | lines/s (CPU) | GCs per parse + check (minor / major) |");
console.log("|---|---|---|---|---|---|---|");
let prev: { lines: number; cpu: number } | undefined;
for (const lines of sizes) {
  const text = strategyOfLines(lines);
  const actual = text.split("\n").length;
  const run = () => checkProgram([{ path: "bench.algo", text }], { analyses: [] });
  const first = run();
  const firstError = first.diagnostics.find((d) => d.severity === "error");
  if (firstError) throw new Error(`generated file has an error: ${firstError.code} ${firstError.message}`);
  for (let i = 0; i < Math.max(2, Math.min(10, Math.floor(100_000 / lines))); i++) run();
  const lexCpu: number[] = [];
  const parseCpu: number[] = [];
  const wall: number[] = [];
  const cpu: number[] = [];
  const windows: Array<[number, number]> = [];
  for (let i = 0; i < runs; i++) {
    lexCpu.push(cpuMs(() => lex(text, 0)).cpu);
    parseCpu.push(cpuMs(() => parse(text, 0)).cpu);
  }
  for (let i = 0; i < runs; i++) {
    const from = performance.now();
    const t = cpuMs(run);
    windows.push([from, performance.now()]);
    wall.push(t.wall);
    cpu.push(t.cpu);
  }
  // GC entries arrive asynchronously: let the observer deliver them, then count those that
  // started inside a timed parse + check (kind 1 = scavenge, 2/4 = mark-compact / incremental).
  await new Promise((resolve) => setTimeout(resolve, 20));
  let minor = 0;
  let major = 0;
  for (const g of gcs) {
    if (!windows.some(([a, b]) => g.start >= a && g.start <= b)) continue;
    if (g.kind === 1) minor++;
    else major++;
  }
  const c = median(cpu);
  console.log(`| ${actual} | ${median(lexCpu).toFixed(1)} | ${median(parseCpu).toFixed(1)} | ${median(wall).toFixed(1)} | ${c.toFixed(1)} | ${Math.round((actual / c) * 1000).toLocaleString("en-US")} | ${(minor / runs).toFixed(1)} / ${(major / runs).toFixed(1)} |`);
  if (prev) console.log(`growth ${prev.lines}→${actual} lines: CPU ×${(c / prev.cpu).toFixed(2)} for ×${(actual / prev.lines).toFixed(1)} lines`);
  prev = { lines: actual, cpu: c };
}
