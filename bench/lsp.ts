/**
 * Language-server latency and memory: a generated 2,000-line strategy is opened in the real
 * server (editor/server, in this process over a pair of in-memory streams, so the heap measured
 * is the server's plus a thin client), then:
 *   - didChange → publishDiagnostics latency over N edits (each waits for its own version; the
 *     server's throttle is 0 ms, so this is parse + check + analyses + conversion + JSON-RPC);
 *   - completion latency over N requests in a handler body;
 *   - heapUsed (after a forced GC) every 500 edits over M edits: stable = no growth trend.
 * Run: node --expose-gc --import tsx bench/lsp.ts [--edits 100] [--memory-edits 2000]
 */
import { PassThrough } from "node:stream";
import { performance } from "node:perf_hooks";
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
import { ProposedFeatures, createConnection } from "vscode-languageserver/node.js";
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

async function main(): Promise<void> {
  const edits = arg("edits", 100);
  const memoryEdits = arg("memory-edits", 2000);
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConn = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConn);
  const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const w = waiting.get(p.version ?? -1);
    if (w) {
      waiting.delete(p.version!);
      w(p);
    }
  });
  client.listen();
  await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 0 } });
  const text = bigStrategy(2000);
  const lineCount = text.split("\n").length;
  const uri = "file:///bench/big.algo";
  let version = 1;
  const opened = new Promise<PublishDiagnosticsParams>((r) => waiting.set(1, r));
  void client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "algo", version, text } });
  const first = await opened;
  const errors = first.diagnostics.filter((d) => d.severity === 1);
  if (errors.length > 0) throw new Error(`the generated strategy should have no errors: ${JSON.stringify(errors[0])}`);
  const bodyLine = text.split("\n").findIndex((l) => l.startsWith("  let v10 "));
  const digitAt = text.split("\n")[bodyLine]!.length - 1; // the multiplier: the file stays error-free

  // One edit: toggle a digit inside a let (keeps the file clean), wait for its diagnostics.
  const edit = async (): Promise<number> => {
    version++;
    const digit = String((version % 9) + 1);
    const done = new Promise<PublishDiagnosticsParams>((r) => waiting.set(version, r));
    const t0 = performance.now();
    void client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: bodyLine, character: digitAt }, end: { line: bodyLine, character: digitAt + 1 } }, text: digit }],
    });
    await done;
    return performance.now() - t0;
  };

  for (let i = 0; i < 10; i++) await edit(); // warm-up
  const diag: number[] = [];
  for (let i = 0; i < edits; i++) diag.push(await edit());
  const comp: number[] = [];
  for (let i = 0; i < edits; i++) {
    const t0 = performance.now();
    await client.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: bodyLine, character: 2 } });
    comp.push(performance.now() - t0);
  }
  const heap: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 1; i <= memoryEdits; i++) {
    await edit();
    if (i % 500 === 0) {
      gc?.();
      heap.push(process.memoryUsage().heapUsed / 1e6);
    }
  }
  console.log(`file: ${lineCount} lines, ${first.diagnostics.length} warnings (unused features/lets); edits timed: ${edits}; memory edits: ${memoryEdits}${gc ? "" : " (no --expose-gc: heap not collected first)"}`);
  console.log(`didChange → publishDiagnostics: p50 ${pct(diag, 50).toFixed(1)} ms, p95 ${pct(diag, 95).toFixed(1)} ms, max ${Math.max(...diag).toFixed(1)} ms`);
  console.log(`completion: p50 ${pct(comp, 50).toFixed(1)} ms, p95 ${pct(comp, 95).toFixed(1)} ms`);
  console.log(`heapUsed after GC every 500 edits (MB): ${heap.map((h) => h.toFixed(1)).join(", ")}`);
  client.dispose();
  serverConn.dispose();
  process.exit(0);
}

if (process.argv[1]?.endsWith("lsp.ts")) await main();
