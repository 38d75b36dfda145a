// `algo fmt` keeps a file's line endings: CRLF files stay CRLF, LF files stay LF, and a formatted
// CRLF file is left untouched (no rewrite of every line on Windows checkouts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { dominantLineEnding, keepLineEndings, withLineEnding } from "../../grammar/line-endings.js";

const ALGO = new URL("../../bin/algo.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "algo-fmt-eol-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function algo(...args: string[]) {
  const r = spawnSync(process.execPath, [ALGO, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const UGLY = 'strategy S"x"\n// keep me\non start{log("a");log("b")}\n';
const PRETTY = 'strategy S "x"\n// keep me\non start {\n  log("a")\n  log("b")\n}\n';

describe("algo fmt line endings", () => {
  it("formats a CRLF file with CRLF line endings, and then leaves it alone", () => {
    const p = join(dir, "win.algo");
    writeFileSync(p, UGLY.replace(/\n/g, "\r\n"));
    expect(algo("fmt", "win.algo")).toEqual({ code: 0, stdout: "formatted win.algo\n", stderr: "" });
    expect(readFileSync(p, "utf8")).toBe(PRETTY.replace(/\n/g, "\r\n"));
    expect(algo("fmt", "--check", "win.algo")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("formats an LF file with LF line endings", () => {
    const p = join(dir, "unix.algo");
    writeFileSync(p, UGLY);
    expect(algo("fmt", "unix.algo").code).toBe(0);
    expect(readFileSync(p, "utf8")).toBe(PRETTY);
  });
});

describe("line-endings helpers", () => {
  it("the majority decides; a tie goes to CRLF; no line break is LF", () => {
    expect(dominantLineEnding("a\r\nb\r\nc\n")).toBe("\r\n");
    expect(dominantLineEnding("a\r\nb\nc\n")).toBe("\n");
    expect(dominantLineEnding("a\r\nb\n")).toBe("\r\n");
    expect(dominantLineEnding("abc")).toBe("\n");
  });

  it("rewrites every break and nothing else", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[^\r\n]*$/), { maxLength: 8 }), fc.boolean(), (lines, crlf) => {
        const lf = lines.join("\n");
        const eol = crlf ? "\r\n" : "\n";
        const out = withLineEnding(lf, eol);
        expect(out).toBe(lines.join(eol));
        expect(out.replace(/\r\n/g, "\n")).toBe(lf);
        expect(keepLineEndings(lines.join("\r\n") + "\r\n", lf)).toBe(lines.length > 0 ? lines.join("\r\n") : "");
      }),
    );
  });
});
