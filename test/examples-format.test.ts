// The shipped examples and the README's strategy are in `algo fmt` layout: what users copy is
// what the formatter writes.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSource } from "../grammar/index.js";

const ROOT = join(import.meta.dirname, "..");

describe("examples are formatted", () => {
  const files = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".algo")).sort();
  it("has examples", () => expect(files.length).toBeGreaterThan(3));
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(ROOT, "examples", f), "utf8");
      const r = formatSource(text);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.text).toBe(text);
    });
  }

  it("the README's strategy", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = /```algo\n([\s\S]*?)```/.exec(readme)![1]!;
    const r = formatSource(block);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.text).toBe(block);
  });
});
