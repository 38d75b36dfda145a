/**
 * `algo lsp --stdio` as a process: a client that closes stdin without the `exit` notification ends
 * the server with LSP's exit codes — 0 after a shutdown request, 1 without one (never a crash code).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/shared-data.js";

const ALGO = join(REPO_ROOT, "bin/algo.js");

function frame(msg: object): string {
  const body = JSON.stringify(msg);
  return `Content-Length: ${Buffer.byteLength(body, "utf8")}\r\n\r\n${body}`;
}

/** Runs the server, writes the messages, waits for `waitFor` responses (by id), closes stdin; the exit code. */
function run(messages: object[], waitFor: number[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [ALGO, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const pending = new Set(waitFor);
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error(`no exit; output: ${out}`));
    }, 30_000);
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      for (const id of [...pending]) if (out.includes(`"id":${id},`) || out.includes(`"id":${id}}`)) pending.delete(id);
      if (pending.size === 0) p.stdin.end();
    });
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    for (const m of messages) p.stdin.write(frame(m));
    if (waitFor.length === 0) p.stdin.end();
  });
}

describe("algo lsp exit codes", () => {
  it("stdin closed at once: exit 1", async () => {
    expect((await run([], [])).code).toBe(1);
  });

  it("initialize + shutdown, then stdin closed: exit 0", async () => {
    const r = await run(
      [
        { jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } },
        { jsonrpc: "2.0", method: "initialized", params: {} },
        { jsonrpc: "2.0", id: 2, method: "shutdown" },
      ],
      [1, 2],
    );
    expect(r.out).toContain('"capabilities"');
    expect(r.code).toBe(0);
  });

  it("initialize only, then stdin closed: exit 1", async () => {
    const r = await run([{ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } }], [1]);
    expect(r.code).toBe(1);
  });
});
