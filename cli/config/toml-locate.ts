/**
 * Finds the line of each key in a TOML text, so configuration errors can say "run.toml:12". A
 * line scanner, not a parser: smol-toml has already accepted the text; this only maps dotted key
 * paths (table headers, dotted keys, keys of one-line inline tables) to 1-based lines.
 */

/** Dotted key path → 1-based line where it is written. */
export type KeyLines = Map<string, number>;

function splitKey(raw: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < raw.length && (m = re.exec(raw)) !== null) {
    parts.push(m[1] ?? m[2] ?? m[3] ?? "");
    if (m[0].length === 0) break;
  }
  return parts;
}

/** Maps every key path in `text` to its line (later definitions win). */
export function locateTomlKeys(text: string): KeyLines {
  const lines = text.split(/\r?\n/);
  const out: KeyLines = new Map();
  let table: string[] = [];
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!;
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = splitKey(header[1]!);
      out.set(table.join("."), ln + 1);
      continue;
    }
    const kv = /^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\- ])+?)\s*=(.*)$/.exec(line);
    if (!kv) continue;
    const key = [...table, ...splitKey(kv[1]!)];
    out.set(key.join("."), ln + 1);
    const rest = kv[2]!;
    const brace = rest.indexOf("{");
    if (brace >= 0) {
      const inner = /([A-Za-z0-9_-]+)\s*=/g;
      inner.lastIndex = brace;
      let m: RegExpExecArray | null;
      while ((m = inner.exec(rest)) !== null) out.set([...key, m[1]!].join("."), ln + 1);
    }
  }
  return out;
}
