/**
 * Line endings of formatted output. The formatter writes "\n"; a file written with Windows line
 * endings ("\r\n") must keep them, or formatting it would rewrite every line.
 */

/** The line break a text mostly uses: "\r\n" when at least half of its line breaks are CRLF. */
export function dominantLineEnding(text: string): "\n" | "\r\n" {
  let lf = 0;
  let crlf = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > 0 && crlf >= lf ? "\r\n" : "\n";
}

/** `formatted` (any line endings) with every line break written as `eol`. */
export function withLineEnding(formatted: string, eol: "\n" | "\r\n"): string {
  const lf = formatted.replace(/\r\n/g, "\n");
  return eol === "\n" ? lf : lf.replace(/\n/g, "\r\n");
}

/** Formats through `format` and writes the result with the line endings `original` mostly uses. */
export function keepLineEndings(original: string, formatted: string): string {
  return withLineEnding(formatted, dominantLineEnding(original));
}
