// `algo fmt` as a user runs it: spawns the built command (`npm run build` runs before `npm test`).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ALGO = new URL("../../bin/algo.js", import.meta.url).pathname;
const UGLY = 'strategy S"x"\non start{log("a");log("b")}\n';
const PRETTY = 'strategy S "x"\non start {\n  log("a")\n  log("b")\n}\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "algo-fmt-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function algo(...args: string[]) {
  const r = spawnSync(process.execPath, [ALGO, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("algo fmt", () => {
  it("rewrites a file in place, keeps its mode, leaves no temp file; a second run changes nothing", () => {
    const p = write("a.algo", UGLY);
    chmodSync(p, 0o640);
    const r = algo("fmt", "a.algo");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("formatted a.algo\n");
    expect(readFileSync(p, "utf8")).toBe(PRETTY);
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const again = algo("fmt", "a.algo");
    expect(again).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--check lists the files that would change, exits 1 and writes nothing", () => {
    write("ugly.algo", UGLY);
    write("pretty.algo", PRETTY);
    const r = algo("fmt", "--check", "ugly.algo", "pretty.algo");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("ugly.algo\n");
    expect(readFileSync(join(dir, "ugly.algo"), "utf8")).toBe(UGLY);
    expect(algo("fmt", "--check", "pretty.algo")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("syntax errors: printed as file:line:col: error[code], exit 1, nothing written", () => {
    const bad = write("bad.algo", "strategy S\nparam size qty = 2\n");
    const good = write("good.algo", UGLY);
    const r = algo("fmt", "bad.algo", "good.algo");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("bad.algo:2:12: error[E0101]: unexpected identifier `qty`; expected `=`\n");
    expect(readFileSync(bad, "utf8")).toBe("strategy S\nparam size qty = 2\n");
    expect(readFileSync(good, "utf8")).toBe(UGLY);
  });

  it("missing file, directory, binary and invalid UTF-8 input: one line each, exit 2, nothing written", () => {
    mkdirSync(join(dir, "sub"), { recursive: true });
    write("nul.algo", Buffer.from([0x76, 0x61, 0x72, 0x00, 0x31]));
    write("latin1.algo", Buffer.from([0x76, 0x61, 0x72, 0x20, 0xe9, 0x0a]));
    const good = write("fine.algo", UGLY);
    const r = algo("fmt", "missing.algo", "sub", "nul.algo", "latin1.algo", "fine.algo");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain("missing.algo");
    expect(lines[1]).toContain("sub");
    expect(lines[1]).toContain("directory");
    expect(lines[2]).toContain("nul.algo");
    expect(lines[3]).toContain("latin1.algo");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(good, "utf8")).toBe(UGLY);
  });

  it("no file argument is a usage error", () => {
    expect(algo("fmt").code).toBe(2);
  });
});
