/**
 * Language-server latency and memory: a generated 2,000-line strategy is opened in the real
 * server (editor/server, started by this file in a child process on stdio, as an editor runs it;
 * the child also answers `bench/stats` — heap after a forced GC, CPU time, GC count — and reports
 * when a version's diagnostics are complete), then:
 *   - didChange → publishDiagnostics latency over N edits (each waits for its own version; the
 *     server's throttle is 0 ms): the first publish of the version, and the moment its diagnostics
 *     are complete (analyses included; the server's observer hook — see editor/server/server.ts);
 *   - completion latency over N requests in a handler body on a quiet document, and over N
 *     requests sent right after an edit (without waiting for its diagnostics): the round trip
 *     and the time the server's handler took (the observer's `requestHandled`);
 *   - the server's heapUsed after a forced GC every `--heap-every` edits over M edits;
 *   - with `--phases`: the CPU time of each phase of one check of the same text (parse, front end,
 *     each analysis, conversion to LSP diagnostics, JSON serialisation), median of 20 runs, in
 *     this process.
 * The server's CPU time (process.cpuUsage) and GC count are given for the timed edits (the wall
 * clock is noisy on a shared machine).
 * Run: node bench/run.mjs lsp [--edits 100] [--memory-edits 2000] [--heap-every 500] [--phases] [--progress]
 *      [--budget MS] (the server's diagnosticsBudgetMs; a large value publishes everything in one step)
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PerformanceObserver, performance } from "node:perf_hooks";
import {
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node.js";
import type { Connection } from "vscode-languageserver/node.js";
import { checkProgram, registeredAnalyses, type Diagnostic } from "../compiler/index.js";
import { parse } from "../grammar/index.js";
import { documentDiagnostics } from "../editor/server/convert.js";
import { startServer } from "../editor/server/server.js";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

/** A clean strategy of about `lines` lines: many features and a long handler. */
export function bigStrategy(lines: number): string {
  const out = [
    'strategy Big "generated for the language-server benchmark"',
    "",
    'instrument es = "ESZ4"',
    "",
    "param size: qty = 1 in [1, 2]",
    "",
    "risk {",
    "  max_position    = 4",
    "  max_order_qty   = 2",
    "  max_open_orders = 2",
    "  max_order_rate  = 5 per 1s",
    "  max_loss        = 20_000",
    "  price_band      = 6 ticks",
    "}",
    "",
    "features {",
    "  mid = book.mid(es)",
  ];
  const nFeatures = Math.floor((lines - 40) * 0.6);
  for (let i = 0; i < nFeatures; i++) out.push(`  f${i} = ema(mid, ${10 + (i % 50)})`);
  out.push("}", "", "on book(es) when ready(f0) and ready(book.best_ask(es)) {");
  const rest = lines - out.length - 6;
  for (let i = 0; i < rest; i++) out.push(`  let v${i} = mid * ${(i % 7) + 1}`);
  out.push("  if f0 > mid and exposure(es, buy) + size <= 4 {", "    buy(es, size, limit: book.best_ask(es), tif: ioc)", "  }", "}", "");
  return out.join("\n");
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function latency(xs: number[]): string {
  if (xs.length === 0) return "(none timed)";
  return `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** CPU time of each phase of one check of `text`, median of `runs` runs after 3 warm-up runs. */
function phases(text: string, runs: number): void {
  const times = new Map<string, number[]>();
  const timed = <T>(name: string, fn: () => T): T => {
    const t0 = process.cpuUsage();
    const r = fn();
    const list = times.get(name) ?? [];
    list.push(cpuMs(t0));
    times.set(name, list);
    return r;
  };
  const path = "/bench/big.algo";
  for (let i = 0; i < runs + 3; i++) {
    if (i === 3) times.clear();
    timed("parse (lex + parser → AST)", () => parse(text, 0));
    const front = timed("front end (parse + names, types, units, lints)", () => checkProgram([{ path, text }], { analyses: [] }));
    const extra: Diagnostic[] = [];
    for (const a of registeredAnalyses()) extra.push(...timed(`analysis: ${a.name}`, () => a.run(front)));
    const all = [...front.diagnostics, ...extra];
    const file = front.files[0]!;
    const lsp = timed(`conversion of ${all.length} diagnostics to LSP`, () => documentDiagnostics({ uri: "file:///bench/big.algo", version: 1, program: front, file, keys: new Set() }, all));
    timed("JSON serialisation of the publish", () => JSON.stringify({ jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: { uri: "file:///bench/big.algo", version: 1, diagnostics: lsp } }));
    timed("checkProgram (front end + analyses)", () => checkProgram([{ path, text }]));
  }
  console.log(`phases of one check (CPU ms, median of ${runs} runs after 3 warm-up runs):`);
  for (const [name, list] of times) console.log(`  ${name.padEnd(50)} ${pct(list, 50).toFixed(1).padStart(7)} (min ${Math.min(...list).toFixed(1)})`);
}

/** The server side: the real server on stdio, plus the benchmark's own requests and notifications. */
function serverChild(): void {
  let gcs = 0;
  new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ["gc"] });
  const gc = (globalThis as { gc?: () => void }).gc;
  let conn: Connection | undefined;
  conn = startServer({ input: process.stdin, output: process.stdout }, {
    diagnosticsComplete: (uri, version) => void conn?.sendNotification("bench/complete", { uri, version }),
    requestHandled: (method, ms) => void conn?.sendNotification("bench/request", { method, ms }),
    diagnosticsPublished: (uri, version, sinceChange, checking) => void conn?.sendNotification("bench/published", { uri, version, sinceChange, checking }),
  });
  conn.onRequest("bench/stats", (p: { collect: boolean }) => {
    if (p.collect) gc?.();
    const cpu = process.cpuUsage();
    return { heapUsed: process.memoryUsage().heapUsed, cpuMs: (cpu.user + cpu.system) / 1000, gcs, collected: gc !== undefined };
  });
}

interface ServerStats {
  heapUsed: number;
  cpuMs: number;
  gcs: number;
  collected: boolean;
}

/** A server child process opened on the big strategy, and the client operations the benchmark times. */
interface Session {
  /** Diagnostics of version 1 (the open). */
  first: PublishDiagnosticsParams;
  lines: string[];
  /** The let line whose multiplier digit the edits toggle, and a cursor in its expression. */
  bodyLine: number;
  afterEquals: number;
  /** One edit (toggles the digit, the file stays clean); resolves with the time to the first publish of its version and to its complete diagnostics. */
  edit(during?: () => Promise<void>): Promise<{ first: number; complete: number }>;
  /** Completion round trip at a position (ms). */
  complete(line: number, character: number): Promise<number>;
  /** The server-side handling times (ms) of the completion requests so far (taken and cleared). */
  takeHandled(): number[];
  /** Per first publish so far (taken and cleared): ms in the server from the change to the publish written, and of the check alone. */
  takePublished(): { sinceChange: number[]; checking: number[] };
  stats(collect: boolean): Promise<ServerStats>;
  publishes(): number;
  close(): void;
}

async function openSession(text: string, initializationOptions: object): Promise<Session> {
  // The server runs in its own process, as under an editor: the client's clock is not stopped
  // while the server works, and the heap measured is the server's alone.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--server-child"], { stdio: ["pipe", "pipe", "inherit"] });
  const client = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<number, () => void>();
  const completeWaiters = new Map<number, () => void>();
  let publishes = 0;
  let opened: (p: PublishDiagnosticsParams) => void = () => undefined;
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    publishes++;
    const w = waiting.get(p.version ?? -1);
    if (w) {
      waiting.delete(p.version!);
      w();
    }
    if (p.version === 1) opened(p);
  });
  client.onNotification("bench/complete", (p: { version: number }) => {
    const w = completeWaiters.get(p.version);
    if (w) {
      completeWaiters.delete(p.version);
      w();
    }
  });
  let handled: number[] = [];
  let published = { sinceChange: [] as number[], checking: [] as number[] };
  client.onNotification("bench/published", (p: { sinceChange: number; checking: number }) => {
    published.sinceChange.push(p.sinceChange);
    published.checking.push(p.checking);
  });
  client.onNotification("bench/request", (p: { method: string; ms: number }) => {
    if (p.method === "completion") handled.push(p.ms);
  });
  client.listen();
  await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, initializationOptions });
  const lines = text.split("\n");
  const uri = "file:///bench/big.algo";
  let version = 1;
  const openedP = new Promise<PublishDiagnosticsParams>((r) => (opened = r));
  void client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "algo", version, text } });
  const first = await openedP;
  const errors = first.diagnostics.filter((d) => d.severity === 1);
  if (errors.length > 0) throw new Error(`the generated strategy should have no errors: ${JSON.stringify(errors[0])}`);
  const bodyLine = lines.findIndex((l) => l.startsWith("  let v10 "));
  const digitAt = lines[bodyLine]!.length - 1; // the multiplier: the file stays error-free
  return {
    first,
    lines,
    bodyLine,
    afterEquals: lines[bodyLine]!.indexOf("= ") + 2,
    edit(during) {
      version++;
      const v = version;
      const digit = String((v % 9) + 1);
      const t0 = performance.now();
      const published = new Promise<number>((r) => waiting.set(v, () => r(performance.now() - t0)));
      const completed = new Promise<number>((r) => completeWaiters.set(v, () => r(performance.now() - t0)));
      void client.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: v },
        contentChanges: [{ range: { start: { line: bodyLine, character: digitAt }, end: { line: bodyLine, character: digitAt + 1 } }, text: digit }],
      });
      return Promise.all([published, completed, during ? during() : undefined]).then(([f, c]) => ({ first: f, complete: c }));
    },
    async complete(line, character) {
      const t0 = performance.now();
      await client.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } });
      return performance.now() - t0;
    },
    takeHandled() {
      const out = handled;
      handled = [];
      return out;
    },
    takePublished() {
      const out = published;
      published = { sinceChange: [], checking: [] };
      return out;
    },
    stats: (collect) => client.sendRequest("bench/stats", { collect }),
    publishes: () => publishes,
    close() {
      client.dispose();
      child.kill();
    },
  };
}

async function main(): Promise<void> {
  const edits = arg("edits", 100);
  const memoryEdits = arg("memory-edits", 2000);
  const heapEvery = arg("heap-every", 500);
  const text = bigStrategy(2000);
  if (process.argv.includes("--phases")) phases(text, 20);

  const budget = arg("budget", -1); // the server's diagnosticsBudgetMs (default: its own)
  const s = await openSession(text, budget >= 0 ? { debounceMs: 0, diagnosticsBudgetMs: budget } : { debounceMs: 0 });
  for (let i = 0; i < 10; i++) await s.edit(); // warm-up
  const before = await s.stats(false);
  s.takePublished();
  const firstMs: number[] = [];
  const completeMs: number[] = [];
  for (let i = 0; i < edits; i++) {
    const r = await s.edit();
    firstMs.push(r.first);
    completeMs.push(r.complete);
  }
  const after = await s.stats(false);
  const inServer = s.takePublished();

  s.takeHandled();
  const quiet: number[] = [];
  for (let i = 0; i < edits; i++) quiet.push(await s.complete(s.bodyLine, 2));
  const quietHandled = s.takeHandled();
  // Completion sent right after the edit, without waiting for its diagnostics: with the throttle
  // at 0 the check may start before the request arrives; with the default (150 ms) it does not.
  const afterEdit = async (session: Session): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < edits; i++) await session.edit(async () => void out.push(await session.complete(session.bodyLine, session.afterEquals)));
    return out;
  };
  const afterEdit0 = await afterEdit(s);
  const afterEdit0Handled = s.takeHandled();
  const d = await openSession(text, {});
  for (let i = 0; i < 10; i++) await d.edit();
  d.takeHandled();
  const afterEditDefault = await afterEdit(d);
  const afterEditDefaultHandled = d.takeHandled();
  d.close();

  const heap: string[] = [];
  const heapNow = async (): Promise<string> => ((await s.stats(true)).heapUsed / 1e6).toFixed(1);
  heap.push(`0: ${await heapNow()}`);
  const mem0 = await s.stats(false);
  const memWall0 = performance.now();
  for (let i = 1; i <= memoryEdits; i++) {
    await s.edit();
    if (i % heapEvery === 0) {
      heap.push(`${i}: ${await heapNow()}`);
      if (process.argv.includes("--progress")) console.error(`${new Date().toISOString()} ${heap.at(-1)}`);
    }
  }
  const memWall = performance.now() - memWall0;
  const mem1 = await s.stats(false);
  console.log(`file: ${s.lines.length} lines, ${s.first.diagnostics.length} warnings (unused features/lets); edits timed: ${edits}; memory edits: ${memoryEdits}${before.collected ? "" : " (no --expose-gc: heap not collected first)"}`);
  console.log(`didChange → first publishDiagnostics: ${latency(firstMs)}`);
  console.log(`  of which in the server, change received → publish written: ${latency(inServer.sinceChange)}; the check alone (front end, conversion, write): ${latency(inServer.checking)}`);
  console.log(`didChange → diagnostics complete (analyses included): ${latency(completeMs)}`);
  console.log(`server per timed edit: ${((after.cpuMs - before.cpuMs) / edits).toFixed(1)} ms CPU, ${after.gcs - before.gcs} GCs over ${edits} edits`);
  console.log(`completion, quiet document: round trip ${latency(quiet)}; in the server ${latency(quietHandled)}`);
  console.log(`completion sent right after didChange, throttle 0 ms: round trip ${latency(afterEdit0)}; in the server ${latency(afterEdit0Handled)}`);
  console.log(`completion sent right after didChange, default throttle (150 ms): round trip ${latency(afterEditDefault)}; in the server ${latency(afterEditDefaultHandled)}`);
  if (memoryEdits > 0) console.log(`memory edits: ${(memWall / memoryEdits).toFixed(1)} ms wall, ${((mem1.cpuMs - mem0.cpuMs) / memoryEdits).toFixed(1)} ms server CPU per edit`);
  console.log(`server heapUsed after GC (edits: MB): ${heap.join(", ")}; ${s.publishes()} publishes in all`);
  s.close();
  process.exit(0);
}

if (/[\\/]lsp\.(ts|mjs)$/.test(process.argv[1] ?? "")) {
  if (process.argv.includes("--server-child")) serverChild();
  else await main();
}
