/**
 * Risk analysis cost: `analyzeRisk` over every example strategy (front end run first, untimed),
 * cold (the first pass in a fresh process, as `algo check` runs it) and warm (median of 20 later
 * passes); CPU ms from process.cpuUsage, and the number of Fourier–Motzkin eliminations run vs
 * systems asked (the rest answered by the interval pre-check or the memo, compiler/analysis/linear.ts),
 * and how many independent parts of those were eliminated (the rest came from the part memo).
 *
 *   node --import tsx bench/risk.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkProgram, nodeHost } from "../compiler/index.js";
import { analyzeRisk } from "../compiler/analysis/risk.js";
import { solveStats } from "../compiler/analysis/linear.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const dir = join(root, "examples");
const files = readdirSync(dir).filter((f) => f.endsWith(".algo")).sort();
const programs = files.map((f) => checkProgram([{ path: join(dir, f), text: readFileSync(join(dir, f), "utf8") }], { host: nodeHost, analyses: [] }));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const pass = () => {
  const t0 = cpu();
  for (const p of programs) analyzeRisk(p);
  return cpu() - t0;
};
const s0 = { ...solveStats };
const cold = pass();
const asked = solveStats.asked - s0.asked;
const fm = solveStats.eliminations - s0.eliminations;
const parts = solveStats.parts - s0.parts;
const warm: number[] = [];
for (let i = 0; i < 20; i++) warm.push(pass());
warm.sort((a, b) => a - b);
console.log(`risk analysis of ${programs.length} examples: cold ${cold.toFixed(1)} ms CPU, warm median ${warm[10]!.toFixed(1)} ms CPU`);
console.log(`cold pass: ${asked} systems asked, ${fm} Fourier–Motzkin runs (${asked - fm} answered by the pre-check or the memo), ${parts} independent parts eliminated (the others from the part memo)`);
