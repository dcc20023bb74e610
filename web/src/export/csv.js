// CSV text (RFC 4180: fields with a comma, quote or line break are quoted,
// quotes doubled; CRLF line ends) and downloads of generated files.

/** @param {string} field */
function quote(field) {
  const s = String(field);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * @param {string[][]} rows the first row is the header
 * @returns {string}
 */
export function toCSV(rows) {
  return `${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

/**
 * Offer a Blob as a download named `filename` (an <a download> on a blob:
 * URL, which the page's CSP allows).
 * @param {Blob} blob
 * @param {string} filename
 */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Long enough for the browser to start reading it.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
