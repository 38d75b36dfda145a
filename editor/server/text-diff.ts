/**
 * The one region in which two versions of a text differ (common prefix and suffix stripped), and
 * the mapping of offsets and spans of the old text onto the new one. The server uses it to carry a
 * previous version's analysis diagnostics onto a new version until the analyses have run again, and
 * to decide whether an older analysis still answers a completion request.
 */

/** `old.slice(start, oldEnd)` was replaced by `text.slice(start, newEnd)`; the rest is equal. */
export interface EditRegion {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The single region in which `before` and `after` differ (an empty region when they are equal). */
export function editRegion(before: string, after: string): EditRegion {
  const n = Math.min(before.length, after.length);
  let start = 0;
  while (start < n && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

/**
 * Where an old offset lies in the new text. A span's start (`side` "start") stays with the
 * character it points at: text inserted just before it pushes it along, and a start inside the
 * replaced text goes to the replacement's start. A span's end (exclusive) stays with the character
 * before it: text inserted just after it does not move it, and an end inside the replaced text
 * goes to the replacement's end.
 */
export function mapOffset(r: EditRegion, offset: number, side: "start" | "end"): number {
  const shift = r.newEnd - r.oldEnd;
  if (side === "start") {
    if (offset < r.start) return offset;
    return offset >= r.oldEnd ? offset + shift : r.start;
  }
  if (offset <= r.start) return offset;
  return offset >= r.oldEnd ? offset + shift : r.newEnd;
}
