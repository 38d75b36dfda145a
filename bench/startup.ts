/**
 * Start-up benchmark: cold `algo` processes, as a user runs them (`node bin/algo.js ...`, the
 * file `npx algo` runs). Each command is run N times as a fresh process, interleaved round-robin
 * with the others so that a change of machine load hits every row alike. Per command it reports
 * the median and minimum of:
 *   - wall ms: spawn to exit, measured by this process;
 *   - in-process ms: `performance.now()` at the child's exit (time since the child process
 *     started, as V8/Node count it), read by a tiny exit hook preloaded with `--import`;
 *   - CPU ms: the child's own `process.cpuUsage()` (user + system) at exit, from the same hook
 *     (the steadier figure on a shared machine);
 * and "ours" = median in-process ms − median in-process ms of `node -e 0` (Node's own start-up),
 * i.e. the share of a command's time that is algo's code and dependencies.
 *
 * Last, the same check in this process, warm (after 10 untimed runs): the language server's case
 * and what `algo check` would cost if Node and the modules were already loaded.
 *
 * `algo build` loads ts-morph, and `algo check` its own bundle (dist/fast.cjs), through a V8 code
 * cache (cli/code-cache.ts): each "first run" row clears the cache before every run (a user's very
 * first command, which also writes the cache), the others keep it (every later run; the install
 * writes both caches, scripts/build.mjs). The cache lives in a temporary ALGO_CACHE_DIR.
 * `check-all` adds a row per other example (their check uses the cache imbalance_maker's wrote).
 *
 * The hook costs about a millisecond in every row, the baseline included. Build dist/ first
 * (`npm run build`). One untimed round runs first, so the files are in the OS page cache.
 *
 *   node --import tsx bench/startup.ts [--runs 15] [--only baseline,help,check-first,check,check-all,build-first,build,warm]
 *     [--algo path/to/bin/algo.js]   (another build of the command, for before/after comparisons)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const runs = Number(opt("runs", "15"));
const only = opt("only", "baseline,help,check-first,check,check-all,build-first,build,warm").split(",");

const outDir = mkdtempSync(join(tmpdir(), "algo-startup-"));
const report = join(outDir, "report.json");
const cacheDir = join(outDir, "cache");
// Written by the child at exit: time since its process started and its own CPU time.
const hook = `data:text/javascript,${encodeURIComponent(
  `import { writeFileSync } from "node:fs";
   process.on("exit", () => { const u = process.cpuUsage();
     writeFileSync(${JSON.stringify(report)}, JSON.stringify({ ms: performance.now(), cpu: (u.user + u.system) / 1000 })); });`,
)}`;

interface Case {
  name: string;
  label: string;
  argv: string[];
  /** Expected exit code (the run is discarded and reported otherwise). */
  exit: number;
  /** Clear the code cache before each run. */
  clearCache?: boolean;
}
const algo = resolve(opt("algo", join(root, "bin/algo.js")));
const example = join(root, "examples/imbalance_maker.algo");
const cases: Case[] = [
  { name: "baseline", label: "`node -e 0` (Node itself)", argv: ["-e", "0"], exit: 0 },
  { name: "help", label: "`algo --help`", argv: [algo, "--help"], exit: 0 },
  {
    name: "check-first",
    label: "`algo check examples/imbalance_maker.algo`, first run (no code cache yet; writes it)",
    argv: [algo, "check", example],
    exit: 0,
    clearCache: true,
  },
  { name: "check", label: "`algo check examples/imbalance_maker.algo`", argv: [algo, "check", example], exit: 0 },
  // Every other example (check-all), with the code cache the rows above leave.
  ...readdirSync(join(root, "examples"))
    .filter((f) => f.endsWith(".algo") && f !== "imbalance_maker.algo")
    .sort()
    .map((f) => ({ name: `check-all:${f}`, label: `\`algo check examples/${f}\``, argv: [algo, "check", join(root, "examples", f)], exit: 0 })),
  {
    name: "build-first",
    label: "`algo build examples/imbalance_maker.algo -o DIR`, first run (no code cache yet; writes it)",
    argv: [algo, "build", example, "-o", join(outDir, "build")],
    exit: 0,
    clearCache: true,
  },
  { name: "build", label: "`algo build examples/imbalance_maker.algo -o DIR`, later runs (code cache)", argv: [algo, "build", example, "-o", join(outDir, "build")], exit: 0 },
].filter((c) => only.includes(c.name.split(":")[0]!));

interface Sample { wall: number; ms: number; cpu: number }
const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));

function runOnce(c: Case): Sample {
  if (c.clearCache) rmSync(cacheDir, { recursive: true, force: true });
  rmSync(report, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", hook, ...c.argv], {
    cwd: root,
    env: { ...process.env, ALGO_CACHE_DIR: cacheDir, ALGO_NO_CODE_CACHE: "", NO_COLOR: "1" },
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== c.exit) throw new Error(`${c.name}: exit ${r.status}\n${r.stderr}`);
  const { ms, cpu } = JSON.parse(readFileSync(report, "utf8")) as { ms: number; cpu: number };
  return { wall, ms, cpu };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const min = (xs: number[]): number => Math.min(...xs);

// One untimed round first (the OS page cache).
for (const c of cases) runOnce(c);
for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name)!.push(runOnce(c));
rmSync(outDir, { recursive: true, force: true });

const { loadavg } = await import("node:os");
const base = samples.get("baseline");
const baseMs = base ? median(base.map((s) => s.ms)) : NaN;
const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : "–");
console.log(`runs: ${runs} cold processes per command, interleaved`);
console.log(`node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log("");
console.log("| command | wall ms median (min) | in-process ms median (min) | CPU ms median (min) | ours: in-process − `node -e 0` |");
console.log("|---|---|---|---|---|");
for (const c of cases) {
  const s = samples.get(c.name)!;
  const w = s.map((x) => x.wall), m = s.map((x) => x.ms), u = s.map((x) => x.cpu);
  const ours = c.name === "baseline" ? "–" : f(median(m) - baseMs);
  console.log(`| ${c.label} | ${f(median(w))} (${f(min(w))}) | ${f(median(m))} (${f(min(m))}) | ${f(median(u))} (${f(min(u))}) | ${ours} |`);
}

// Warm, in this process: parse + check + analyses of the same file (sources via tsx).
if (only.includes("warm")) {
  const { checkProgram } = await import("../compiler/index.js");
  const text = readFileSync(example, "utf8");
  const once = (): void => {
    checkProgram([{ path: example, text }]);
  };
  for (let i = 0; i < 10; i++) once();
  const warmWall: number[] = [];
  const warmCpu: number[] = [];
  for (let i = 0; i < 30; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    once();
    warmWall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    warmCpu.push((c.user + c.system) / 1000);
  }
  const g = (x: number): string => x.toFixed(1);
  console.log(`| same check in-process, warm (median of 30 after 10) | ${g(median(warmWall))} (${g(min(warmWall))}) | – | ${g(median(warmCpu))} (${g(min(warmCpu))}) | – |`);
}
