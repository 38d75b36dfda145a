// The VS Code extension (editor/vscode): its manifest is consistent (every file it names exists,
// the grammar's scope, the settings the client reads, the @types/vscode / engines rule vsce
// enforces), and — when `npm run package:vscode` has been run (it needs the npm registry and
// ~30 s, so the suite does not run it) — the bundled client loads and the .vsix holds exactly the
// extension's runtime files with this manifest. Those two checks skip with a visible reason when
// the build is absent.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const EXT = join(import.meta.dirname, "..", "..", "editor", "vscode");
const manifest = JSON.parse(readFileSync(join(EXT, "package.json"), "utf8")) as {
  name: string;
  publisher: string;
  version: string;
  main: string;
  engines: { vscode: string };
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  contributes: {
    languages: Array<{ id: string; extensions: string[]; configuration: string }>;
    grammars: Array<{ language: string; scopeName: string; path: string }>;
    configuration: { properties: Record<string, unknown> };
  };
};

/** The files of a zip archive (the .vsix format) by name. */
function unzip(buf: Buffer): Map<string, Buffer> {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip file");
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error("bad zip central directory");
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const local = buf.readUInt32LE(at + 42);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return out;
}

/** The lowest version a `^1.82.0`-style range allows, as a comparable number. */
function minVersion(range: string): number {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(range);
  if (!m) throw new Error(`no version in ${range}`);
  return Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]);
}

describe("VS Code extension manifest", () => {
  it("names files that exist and a grammar whose scope matches", () => {
    expect(manifest.name).toBe("algo-lang");
    expect(manifest.publisher).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(manifest.main).toBe("./out/extension.js");
    const lang = manifest.contributes.languages.find((l) => l.id === "algo")!;
    expect(lang.extensions).toEqual([".algo"]);
    expect(existsSync(join(EXT, lang.configuration))).toBe(true);
    const comments = JSON.parse(readFileSync(join(EXT, lang.configuration), "utf8")).comments;
    expect(comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    const grammar = manifest.contributes.grammars.find((g) => g.language === "algo")!;
    expect(JSON.parse(readFileSync(join(EXT, grammar.path), "utf8")).scopeName).toBe(grammar.scopeName);
  });

  it("contributes every setting the client reads, and keeps @types/vscode within engines.vscode (vsce refuses otherwise)", () => {
    const source = readFileSync(join(EXT, "src", "extension.ts"), "utf8");
    const read = [...source.matchAll(/getConfiguration\("algo"\)\.get<[^>]+>\("([^"]+)"\)/g)].map((m) => `algo.${m[1]}`);
    expect(read.length).toBeGreaterThan(0);
    for (const key of read) expect(Object.keys(manifest.contributes.configuration.properties)).toContain(key);
    expect(minVersion(manifest.devDependencies["@types/vscode"]!)).toBeLessThanOrEqual(minVersion(manifest.engines.vscode));
    // The client is bundled at prepublish (vsce runs it): the package ships no node_modules.
    expect(manifest.scripts["vscode:prepublish"]).toBeDefined();
    const ignored = readFileSync(join(EXT, ".vscodeignore"), "utf8").split("\n");
    for (const p of ["src/**", "node_modules/**"]) expect(ignored).toContain(p);
  });

  const bundle = join(EXT, "out", "extension.js");
  it.skipIf(!existsSync(bundle))("bundles a client that loads with only `vscode` external (needs `npm run package:vscode`)", () => {
    const require = createRequire(bundle);
    const Module = require("node:module") as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = Module._load;
    const requested: string[] = [];
    Module._load = (request: string, ...rest: unknown[]) => {
      if (request === "vscode") {
        requested.push(request);
        // Every name is a class (the client extends CompletionItem, CodeLens, ... at load time).
        return new Proxy({}, { get: () => class {} });
      }
      return load(request, ...rest);
    };
    try {
      const ext = require(bundle) as { activate?: unknown; deactivate?: unknown };
      expect(typeof ext.activate).toBe("function");
      expect(typeof ext.deactivate).toBe("function");
    } finally {
      Module._load = load;
    }
    expect(requested).toContain("vscode");
  });

  const vsix = existsSync(EXT) ? readdirSync(EXT).find((f) => f === `${manifest.name}-${manifest.version}.vsix`) : undefined;
  if (!vsix) console.warn(`[vsix absent] editor/vscode/${manifest.name}-${manifest.version}.vsix not found: run \`npm run package:vscode\` to check the package's contents`);
  it.skipIf(!vsix)("packages exactly the extension's runtime files with this manifest (needs `npm run package:vscode`)", () => {
    const files = unzip(readFileSync(join(EXT, vsix!)));
    expect([...files.keys()].sort()).toEqual([
      "[Content_Types].xml",
      "extension.vsixmanifest",
      "extension/language-configuration.json",
      "extension/out/extension.js",
      "extension/package.json",
      "extension/readme.md",
      "extension/syntaxes/algo.tmLanguage.json",
    ]);
    expect(JSON.parse(files.get("extension/package.json")!.toString("utf8"))).toEqual(manifest);
    const vsixManifest = files.get("extension.vsixmanifest")!.toString("utf8");
    expect(vsixManifest).toContain(`Id="${manifest.name}"`);
    expect(vsixManifest).toContain(`Version="${manifest.version}"`);
    expect(vsixManifest).toContain(`Publisher="${manifest.publisher}"`);
    expect(vsixManifest).toContain(`<Property Id="Microsoft.VisualStudio.Code.Engine" Value="${manifest.engines.vscode}" />`);
    expect(files.get("extension/syntaxes/algo.tmLanguage.json")!.equals(readFileSync(join(EXT, "syntaxes", "algo.tmLanguage.json")))).toBe(true);
  });
});
