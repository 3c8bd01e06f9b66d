export type TextBlock = { text: string; quoted: boolean; lines: number };

const QUOTED = /^[ \t]*>/;
// "On Tue, 4 Mar 2025 at 10:02, Ann <ann@example.com> wrote:" and friends.
// Mail clients wrap this line, so it may span two lines.
const ATTRIBUTION = /^[ \t]*(On\b.*|.*\bwrote|.*\bschrieb|Le\b.*a écrit)\s*:\s*$/i;

/** True when a line of a plain-text mail is quoted (starts with `>`). */
export function isQuotedLine(line: string): boolean {
  return QUOTED.test(line);
}

/**
 * Split a plain-text body into runs of normal and quoted text, so quoted
 * lines can be dimmed. An attribution line ("On … wrote:") directly before a
 * quoted run belongs to the quote. Line breaks are preserved inside each run;
 * joining all runs with "\n" gives back the original text.
 */
export function splitQuoted(text: string): TextBlock[] {
  const lines = (text ?? '').replace(/\r\n?/g, '\n').split('\n');
  const kinds = lines.map(isQuotedLine);
  // Pull an attribution line (and a blank line between it and the quote) into the quote.
  for (let i = 0; i < lines.length; i++) {
    if (!kinds[i] || (i > 0 && kinds[i - 1])) continue;
    let j = i - 1;
    if (j >= 0 && lines[j].trim() === '' && j - 1 >= 0 && ATTRIBUTION.test(lines[j - 1])) {
      kinds[j] = true;
      j -= 1;
    }
    if (j >= 0 && ATTRIBUTION.test(lines[j])) {
      kinds[j] = true;
      // A wrapped attribution: "On Tue, 4 Mar 2025, Ann <ann@x>\nwrote:"
      if (/^\s*wrote:\s*$/i.test(lines[j]) && j - 1 >= 0 && /^\s*On\b/i.test(lines[j - 1])) {
        kinds[j - 1] = true;
      }
    }
  }
  const blocks: TextBlock[] = [];
  lines.forEach((line, i) => {
    const last = blocks[blocks.length - 1];
    if (last && last.quoted === kinds[i]) {
      last.text += '\n' + line;
      last.lines += 1;
    } else {
      blocks.push({ text: line, quoted: kinds[i], lines: 1 });
    }
  });
  if (blocks.length === 1 && blocks[0].text === '') return [];
  return blocks;
}
