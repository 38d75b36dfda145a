// docs/config.md is the configuration reference: every key of the schema is documented there with
// its default, and the example file it shows is a valid configuration.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, loadBacktestConfig } from "../../cli/config/index.js";
import schema from "../../schemas/backtest-config.schema.json" with { type: "json" };

const ROOT = join(import.meta.dirname, "..", "..");
const DOC = readFileSync(join(ROOT, "docs", "config.md"), "utf8");

type Node = { properties?: Record<string, Node>; additionalProperties?: Node | boolean; $ref?: string };

function resolveRef(n: Node): Node {
  if (!n.$ref) return n;
  const name = n.$ref.replace("#/$defs/", "");
  return (schema.$defs as Record<string, Node>)[name]!;
}

/** Dotted keys of the schema's leaves: `latency.feed`, `instruments.<SYMBOL>.tick_size`, `params.<name>`. */
function leafKeys(n: Node, prefix: string, out: string[]): string[] {
  const node = resolveRef(n);
  if (node.properties) {
    for (const [k, child] of Object.entries(node.properties)) leafKeys(child, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (node.additionalProperties && typeof node.additionalProperties === "object" && (node.additionalProperties as Node).properties) {
    const placeholder = prefix === "instruments" ? "<SYMBOL>" : "<name>";
    // A per-symbol table documents its own keys, except a nested table like `fees` (one row).
    for (const k of Object.keys((node.additionalProperties as Node).properties!)) out.push(`${prefix}.${placeholder}.${k}`);
    return out;
  }
  if (node.additionalProperties && typeof node.additionalProperties === "object") {
    out.push(`${prefix}.${prefix === "instruments" ? "<SYMBOL>" : "<name>"}`);
    return out;
  }
  out.push(prefix);
  return out;
}

describe("docs/config.md", () => {
  const keys = leafKeys(schema as unknown as Node, "", []);

  it("documents every key of the schema in the key table", () => {
    expect(keys.length).toBeGreaterThan(15);
    const rows = DOC.split("\n").filter((l) => l.startsWith("| `"));
    const documented = new Set(rows.map((r) => /^\| `([^`]+)`/.exec(r)![1]));
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });

  it("states each built-in default as the code has it", () => {
    const flat: Array<[string, unknown]> = [];
    const walk = (v: unknown, p: string): void => {
      if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) for (const [k, c] of Object.entries(v)) walk(c, p ? `${p}.${k}` : k);
      else if (v !== null && !(typeof v === "object" && !Array.isArray(v))) flat.push([p, v]);
    };
    walk(CONFIG_DEFAULTS, "");
    for (const [key, value] of flat) {
      const row = DOC.split("\n").find((l) => l.startsWith(`| \`${key}\` `));
      expect(row, key).toBeDefined();
      const cells = row!.split(" | ");
      const shown = Array.isArray(value) ? JSON.stringify(value) : String(value);
      expect(cells[2], key).toBe(`\`${shown}\``);
    }
  });

  it("shows an example run.toml that loads without an error", () => {
    const toml = /```toml\n([\s\S]*?)```/.exec(DOC)![1]!;
    const dir = mkdtempSync(join(tmpdir(), "algo-config-doc-"));
    try {
      writeFileSync(join(dir, "run.toml"), toml);
      const c = loadBacktestConfig({ configPath: join(dir, "run.toml"), env: {} });
      expect(c.seed).toBe(7);
      expect(c.queueModel).toBe("l3");
      expect(c.params).toEqual({ size: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
