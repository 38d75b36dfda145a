// The VS Code extension's TextMate grammar, run by the real engine (vscode-textmate +
// vscode-oniguruma) over every example: keywords, comments, strings, numbers and durations get
// their scopes, and every token the compiler's lexer reads as a keyword/number/string/duration
// is scoped accordingly by the grammar.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";
import { tokenize } from "../../grammar/lexer.js";
import { KEYWORDS } from "../../grammar/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(ROOT, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      if (scope !== "source.algo") return null;
      const path = join(ROOT, "editor", "vscode", "syntaxes", "algo.tmLanguage.json");
      return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
    },
  });
  grammar = (await registry.loadGrammar("source.algo"))!;
});

interface Tok {
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

/** Tokenises a whole text; offsets are into the text. */
function tm(text: string): Tok[] {
  const out: Tok[] = [];
  let state = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ start: offset + t.startIndex, end: offset + t.endIndex, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

function scopesAt(toks: Tok[], offset: number): string[] {
  return toks.find((t) => t.start <= offset && offset < t.end)?.scopes ?? [];
}

const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".algo")).sort();

describe("TextMate grammar", () => {
  it("finds the examples", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of EXAMPLES) {
    it(`scopes ${name} like the compiler's lexer`, () => {
      const text = readFileSync(join(ROOT, "examples", name), "utf8");
      const toks = tm(text);
      const lexed = tokenize(text, 0);
      let checked = 0;
      for (const c of lexed.comments) {
        for (const off of [c.span.start, c.span.end - 1]) expect(scopesAt(toks, off).some((s) => s.startsWith("comment."))).toBe(true);
        checked++;
      }
      for (const t of lexed.tokens) {
        const scopes = scopesAt(toks, t.startOffset).join(" ");
        const kind = t.tokenType.name;
        if (kind === "StringLiteral") expect(scopes, `${t.image} at ${t.startOffset}`).toContain("string.quoted.double.algo");
        else if (kind === "DurationLiteral") expect(scopes, `${t.image} at ${t.startOffset}`).toContain("constant.numeric.duration.algo");
        else if (kind === "NumberLiteral") expect(scopes, `${t.image} at ${t.startOffset}`).toMatch(/constant\.numeric\.algo/);
        else if (KEYWORDS.includes(t.image) && kind !== "Identifier") {
          // `instrument` is also a type name (`inst: instrument`), scoped as one there.
          const re = t.image === "instrument" ? /(storage\.type|support\.type\.primitive)\.[a-z.]*algo/ : /(keyword|storage\.type|constant\.language)\.[a-z.]*algo/;
          expect(scopes, `${t.image} at ${t.startOffset}`).toMatch(re);
        } else continue;
        checked++;
      }
      expect(checked).toBeGreaterThan(10);
    });
  }

  it("gives the expected scopes on a hand-written line set", () => {
    const text = [
      'strategy S "a \\"quoted\\" name" // trailing',
      "param size: qty = 2 in [1, 5]",
      "on bar(es, 5m) as b when ready(x) and not done {",
      "  buy(es, size, limit: book.best_ask(es) + 2 ticks, tif: ioc)",
      "}",
      "/* block",
      "   comment */ let y = 1_000.5e3",
    ].join("\n");
    const toks = tm(text);
    const at = (needle: string, k = 0): string => {
      let i = -1;
      for (let j = 0; j <= k; j++) i = text.indexOf(needle, i + 1);
      return scopesAt(toks, i).join(" ");
    };
    expect(at("strategy")).toContain("storage.type.strategy.algo");
    expect(at("S ")).toContain("entity.name.type.strategy.algo");
    expect(at("\\\"quoted")).toContain("constant.character.escape.algo");
    expect(at("// trailing")).toContain("comment.line.double-slash.algo");
    expect(at("qty")).toContain("support.type.primitive.algo");
    expect(at("5m")).toContain("constant.numeric.duration.algo");
    expect(at("2 in")).toContain("constant.numeric.algo");
    expect(at("on bar")).toContain("keyword.control.on.algo");
    expect(at("bar(")).toContain("support.type.event.algo");
    expect(at("and")).toContain("keyword.operator.logical.algo");
    expect(at("ready(")).toContain("entity.name.function.call.algo");
    expect(at("best_ask")).toContain("support.function.algo");
    expect(at("ticks")).toContain("keyword.other.algo");
    expect(at("ioc")).toContain("constant.language.algo");
    expect(at("comment */")).toContain("comment.block.algo");
    expect(at("let")).toContain("storage.type.algo");
    expect(at("1_000.5e3")).toContain("constant.numeric.algo");
    expect(at("+ 2")).toContain("keyword.operator.arithmetic.algo");
  });
});
