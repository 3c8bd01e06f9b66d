/**
 * Plain-text mail is often hard-wrapped at 72–78 columns. Shown in a column
 * narrower than that, every line wraps twice and the text turns ragged.
 * `reflow` joins the lines of a hard-wrapped paragraph back together (like
 * format=flowed) and leaves everything else alone: short lines, blank lines,
 * lists, quotes, and any text that has lines too long to be hard-wrapped.
 */

/** Lines longer than this mean the sender did not hard-wrap. */
const MAX_WRAPPED = 80;
/** A line at least this long most likely ended at the wrap margin. */
const MIN_FULL = 55;

const LIST_ITEM = /^\s*([-*•+]|\d{1,3}[.)]|[a-z][.)])\s+/i;
const QUOTE = /^\s*>/;

function joinable(line: string, next: string): boolean {
  const body = line.trimEnd();
  if (body.length < MIN_FULL) return false;
  if (!next.trim()) return false;
  if (QUOTE.test(line) || QUOTE.test(next)) return false;
  if (LIST_ITEM.test(next)) return false;
  if (/^\s{2,}/.test(next)) return false; // indented: code, table, address
  if (/^(--|__)\s*$/.test(next.trim())) return false; // signature separator
  return true;
}

export function isHardWrapped(text: string): boolean {
  const lines = text.split('\n');
  let full = 0;
  for (const line of lines) {
    const len = line.trimEnd().length;
    if (len > MAX_WRAPPED) return false;
    if (len >= MIN_FULL) full += 1;
  }
  return full >= 2;
}

export function reflow(text: string): string {
  const normalized = (text ?? '').replace(/\r\n?/g, '\n');
  return isHardWrapped(normalized) ? joinWrapped(normalized) : normalized;
}

/** Join wrapped lines without first checking that the text is hard-wrapped. */
export function joinWrapped(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    current = current === null ? line : current.trimEnd() + ' ' + line.trimStart();
    const next = lines[i + 1];
    if (next !== undefined && joinable(line, next)) continue;
    out.push(current);
    current = null;
  }
  return out.join('\n');
}
