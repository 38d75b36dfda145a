/**
 * Check-only benchmark: the front end's check (names, types, units, lints; no analyses) of the
 * generated strategies of bench/check.ts, timed apart from the parse. Each timed run checks a tree
 * parsed just before it, outside the timing (a tree belongs to one checked program). Reports CPU
 * time (process.cpuUsage; the machine is shared), the GCs that started inside the timed checks,
 * the growth between sizes, and a digest of the diagnostics and tables, so two versions of the
 * checker can be compared for identical output.
 *
 *   node bench/run.mjs check-only [--sizes 1000,10000,100000] [--runs 7]
 *
 * With --expose-gc, a full collection runs before each timed check (the parse's garbage is not
 * charged to the check).
 */
import { createHash } from "node:crypto";
import { PerformanceObserver } from "node:perf_hooks";
import { parse, type ParseResult } from "../grammar/index.js";
import { buildCheckedProgram, memoryHost, type CheckedProgram } from "../compiler/index.js";
import { strategyOfLines } from "./strategy-gen.js";


function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Checks `text` with the tree `tree` (parsed beforehand) instead of parsing it. */
function checkParsed(text: string, tree: ParseResult): CheckedProgram {
  return buildCheckedProgram([{ path: "bench.algo", text }], memoryHost({}), () => tree);
}

/** A digest of what the check produced: diagnostics and the sizes of every table. */
function digest(p: CheckedProgram): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(p.diagnostics));
  h.update(`${p.symbols.size}/${p.calls.size}/${p.constants.size}/${p.handlers.size}/${p.fnCalls.size}`);
  return h.digest("hex").slice(0, 12);
}

const gcs: Array<{ start: number; kind: number }> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ["gc"] });

const fullGc = (globalThis as { gc?: () => void }).gc;
const sizes = arg("--sizes", "1000,10000,100000").split(",").map(Number);
const runs = Number(arg("--runs", "7"));
console.log(`node ${process.version}, ${new Date().toISOString()}, gc before each check: ${fullGc ? "yes" : "no"}`);
console.log("| lines | check CPU ms (median) | min | lines/s (CPU) | GCs per check (minor / major) | diagnostics | digest |");
console.log("|---|---|---|---|---|---|---|");
let prev: { lines: number; cpu: number } | undefined;
for (const lines of sizes) {
  const text = strategyOfLines(lines);
  const actual = text.split("\n").length;
  const first = checkParsed(text, parse(text, 0));
  const firstError = first.diagnostics.find((d) => d.severity === "error");
  if (firstError) throw new Error(`generated file has an error: ${firstError.code} ${firstError.message}`);
  const sum = digest(first);
  for (let i = 0; i < Math.max(2, Math.min(10, Math.floor(100_000 / lines))); i++) checkParsed(text, parse(text, 0));
  const cpu: number[] = [];
  const windows: Array<[number, number]> = [];
  for (let i = 0; i < runs; i++) {
    const tree = parse(text, 0);
    fullGc?.();
    const from = performance.now();
    const c0 = process.cpuUsage();
    const p = checkParsed(text, tree);
    const c = process.cpuUsage(c0);
    windows.push([from, performance.now()]);
    cpu.push((c.user + c.system) / 1000);
    if (digest(p) !== sum) throw new Error("the check's output changed between runs");
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  let minor = 0;
  let major = 0;
  for (const g of gcs) {
    if (!windows.some(([a, b]) => g.start >= a && g.start <= b)) continue;
    if (g.kind === 1) minor++;
    else major++;
  }
  gcs.length = 0;
  const c = median(cpu);
  console.log(`| ${actual} | ${c.toFixed(1)} | ${Math.min(...cpu).toFixed(1)} | ${Math.round((actual / c) * 1000).toLocaleString("en-US")} | ${(minor / runs).toFixed(1)} / ${(major / runs).toFixed(1)} | ${first.diagnostics.length} | ${sum} |`);
  if (prev) console.log(`growth ${prev.lines}→${actual} lines: CPU ×${(c / prev.cpu).toFixed(2)} for ×${(actual / prev.lines).toFixed(1)} lines`);
  prev = { lines: actual, cpu: c };
}
