/** Start and end markers the core puts around search hits (FTS5 snippet()). */
export const HIT_START = '\u0002';
export const HIT_END = '\u0003';

export type SnippetPart = { text: string; hit: boolean };

/**
 * Split a search snippet into plain and highlighted parts. The parts are
 * rendered as text nodes (hits inside <mark>), never as HTML. Unbalanced
 * markers are tolerated: a stray end marker is dropped, an unterminated hit
 * runs to the end of the snippet.
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  let buf = '';
  const flush = () => {
    if (buf) {
      const last = parts[parts.length - 1];
      if (last && last.hit === hit) last.text += buf;
      else parts.push({ text: buf, hit });
    }
    buf = '';
  };
  for (const ch of snippet ?? '') {
    if (ch === HIT_START) {
      flush();
      hit = true;
    } else if (ch === HIT_END) {
      flush();
      hit = false;
    } else {
      buf += ch;
    }
  }
  flush();
  return parts;
}

/** The snippet as plain text, markers removed. */
export function snippetText(snippet: string): string {
  return splitSnippet(snippet)
    .map((p) => p.text)
    .join('');
}
