// The published package must carry every file its "exports" conditions name, and every file
// those TypeScript sources import (the "types" conditions point at .ts sources). This follows the
// relative imports transitively and checks each one is covered by package.json "files".
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  files: string[];
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
};

// npm always packs package.json, the README and the licence, whatever "files" says.
const ALWAYS = new Set(["package.json", "README.md", "LICENSE"]);

function covered(rel: string): boolean {
  if (ALWAYS.has(rel)) return true;
  return pkg.files.some((f) => rel === f || rel.startsWith(f.replace(/\/$/, "") + "/"));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    let target = resolve(dirname(file), m[1]!);
    if (target.endsWith(".js") && !existsSync(target)) target = target.slice(0, -3) + ".ts";
    out.push(target);
  }
  return out;
}

describe("package.json files", () => {
  it("covers every exports target and the bin", () => {
    const targets: string[] = Object.values(pkg.bin);
    for (const v of Object.values(pkg.exports)) {
      if (typeof v === "string") targets.push(v);
      else targets.push(...Object.values(v));
    }
    for (const t of targets) {
      const rel = relative(root, resolve(root, t));
      expect(covered(rel), `${rel} is not in package.json "files"`).toBe(true);
    }
  });

  it("covers every source the types conditions import, transitively", () => {
    const seen = new Set<string>();
    const queue: string[] = [];
    for (const v of Object.values(pkg.exports)) {
      if (typeof v !== "string" && v.types) queue.push(resolve(root, v.types));
    }
    expect(queue.length).toBeGreaterThan(0);
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      expect(existsSync(f), `${relative(root, f)} is imported but does not exist`).toBe(true);
      const rel = relative(root, f);
      expect(covered(rel), `${rel} is imported by the published types but not in "files"`).toBe(true);
      if (f.endsWith(".ts")) queue.push(...importsOf(f));
    }
    expect(seen.size).toBeGreaterThan(20);
  });
});
