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

/** Where an old offset lies in the new text; offsets inside the replaced region go to its start
 * (`side` "start") or to the end of the inserted text (`side` "end"). */
export function mapOffset(r: EditRegion, offset: number, side: "start" | "end"): number {
  if (offset <= r.start) return offset;
  if (offset >= r.oldEnd) return offset + (r.newEnd - r.oldEnd);
  return side === "start" ? r.start : r.newEnd;
}

/** Where a new offset lies in the old text (the inverse of `mapOffset` outside the region). */
export function unmapOffset(r: EditRegion, offset: number): number {
  if (offset <= r.start) return offset;
  if (offset >= r.newEnd) return offset - (r.newEnd - r.oldEnd);
  return r.start;
}
