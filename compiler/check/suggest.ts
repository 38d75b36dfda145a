/**
 * "Did you mean" suggestions: the closest candidate by edit distance (Damerau–Levenshtein,
 * optimal string alignment: insert, delete, substitute, swap two neighbours), within a limit that
 * grows with the name's length so short names only match near-misses.
 */

/** Edit distance between two strings (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows: two back (for transpositions), previous, current.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/** Largest distance accepted for a name of this length: 1 up to 4 chars, 2 up to 8, then 3. */
export function maxDistanceFor(name: string): number {
  return name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
}

/**
 * The best suggestion for `name` among `candidates`, or undefined. Ties go to the candidate met
 * first; a case-insensitive exact match always wins.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = maxDistanceFor(name);
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === name || c === "") continue;
    if (c.toLowerCase() === lower) return c;
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(name, c);
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
