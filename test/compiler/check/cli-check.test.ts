/**
 * `algo check` and `algo explain` as a user runs them (spawns the built `node bin/algo.js`; the
 * build runs before `npm test`): exit codes, the summary line, one-line IO errors, JSON and SARIF.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./golden-support.js";

function algo(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, "bin/algo.js"), ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("algo check", () => {
  it("exits 0 on the clean examples and prints the summary", () => {
    const r = algo("check", "examples/zscore_reversion.algo", "examples/ema_cross.algo");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("no problems in 2 files\n");
    expect(r.code).toBe(0);
  });

  it("exits 0 with warnings only", () => {
    const dir = mkdtempSync(join(tmpdir(), "algo-check-"));
    const file = join(dir, "warn.algo");
    writeFileSync(file, 'strategy T "t"\ninstrument es = "ESZ4"\nparam size: qty = 1 in [1, 5]\nfeatures { mid = book.mid(es) }\non book(es) when ready(mid) { record("mid", mid) }\n');
    const r = algo("check", file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("warning[W0502]");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 warning in 1 file");
  });

  it("exits 1 with errors and prints the same text as the golden file", () => {
    const r = algo("check", "test/fixtures/diag/units/price-plus-qty.algo");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[E0301]: cannot add `price` and `qty`");
    expect(r.stdout).toContain(" --> test/fixtures/diag/units/price-plus-qty.algo:6:9");
    expect(r.stdout).not.toContain("\u001b[");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 error in 1 file");
  });

  it("exits 2 with one line per unusable input and prints nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "algo-check-"));
    const bin = join(dir, "data.algo");
    writeFileSync(bin, Buffer.from([0x73, 0x00, 0x01, 0x02]));
    const r = algo("check", "examples/ema_cross.algo", join(dir, "missing.algo"), dir, bin);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      `algo: ${join(dir, "missing.algo")}: no such file`,
      `algo: ${dir}: is a directory, not a .algo file`,
      `algo: ${bin}: binary file (NUL byte at offset 1), not .algo source text`,
    ]);
  });

  it("refuses an unknown format with exit 2", () => {
    const r = algo("check", "--format", "xml", "examples/ema_cross.algo");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown --format `xml`");
  });

  it("--format json prints one object per diagnostic", () => {
    const r = algo("check", "--format", "json", "test/fixtures/diag/names/unknown-function.algo");
    expect(r.code).toBe(1);
    const ds = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: "E0204", severity: "error", line: 5, column: 10, hint: "did you mean `ema`?" });
  });

  it("--format sarif prints a SARIF 2.1.0 log", () => {
    const r = algo("check", "--format", "sarif", "test/fixtures/diag/names/unknown-function.algo");
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results[0].ruleId).toBe("E0204");
  });
});

describe("algo explain", () => {
  it("prints the explanation of a code", () => {
    const r = algo("explain", "E0301");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^E0301 \(error, unit-mismatch\): cannot \{verb\} `\{left\}` and `\{right\}`\n\n/);
    expect(r.stdout).toContain("price + qty");
  });

  it("accepts lower case and explains lints", () => {
    const r = algo("explain", "w0501");
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("W0501 (warning, unused-feature)")).toBe(true);
  });

  it("exits 2 on an unknown code", () => {
    const r = algo("explain", "E0999");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^algo: unknown diagnostic code `E0999`/);
  });
});
