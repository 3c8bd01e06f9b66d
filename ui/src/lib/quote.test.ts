import { describe, expect, it } from 'vitest';
import { isQuotedLine, splitQuoted } from './quote';

describe('isQuotedLine', () => {
  it('detects lines starting with >', () => {
    expect(isQuotedLine('> hello')).toBe(true);
    expect(isQuotedLine('>> nested')).toBe(true);
    expect(isQuotedLine('   > indented')).toBe(true);
    expect(isQuotedLine('a > b')).toBe(false);
    expect(isQuotedLine('')).toBe(false);
  });
});

describe('splitQuoted', () => {
  it('keeps a body without quotes as one block', () => {
    expect(splitQuoted('Hi,\n\nthanks!\nAnn')).toEqual([
      { text: 'Hi,\n\nthanks!\nAnn', quoted: false, lines: 4 },
    ]);
  });
  it('separates quoted runs and keeps line breaks', () => {
    const body = 'Still waiting.\n> Your order shipped.\n> Tracking soon.\nPlease reply.';
    const blocks = splitQuoted(body);
    expect(blocks).toEqual([
      { text: 'Still waiting.', quoted: false, lines: 1 },
      { text: '> Your order shipped.\n> Tracking soon.', quoted: true, lines: 2 },
      { text: 'Please reply.', quoted: false, lines: 1 },
    ]);
    expect(blocks.map((b) => b.text).join('\n')).toBe(body);
  });
  it('pulls the attribution line into the quote', () => {
    const body = 'No.\n\nOn Tue, 4 Mar 2025, Shop <help@shop.example> wrote:\n> Hello';
    expect(splitQuoted(body)).toEqual([
      { text: 'No.\n', quoted: false, lines: 2 },
      { text: 'On Tue, 4 Mar 2025, Shop <help@shop.example> wrote:\n> Hello', quoted: true, lines: 2 },
    ]);
  });
  it('handles a wrapped attribution and a blank line before the quote', () => {
    const body = 'Ok\nOn Tue, 4 Mar 2025 at 10:02, Shop <help@shop.example>\nwrote:\n\n> Hello';
    const blocks = splitQuoted(body);
    expect(blocks[0]).toEqual({ text: 'Ok', quoted: false, lines: 1 });
    expect(blocks[1].quoted).toBe(true);
    expect(blocks[1].lines).toBe(4);
  });
  it('does not treat a normal sentence ending in a colon as attribution', () => {
    const blocks = splitQuoted('Here is what you said:\n> refund please');
    expect(blocks[0]).toEqual({ text: 'Here is what you said:', quoted: false, lines: 1 });
  });
  it('normalises CRLF and returns nothing for an empty body', () => {
    expect(splitQuoted('a\r\n> b')).toEqual([
      { text: 'a', quoted: false, lines: 1 },
      { text: '> b', quoted: true, lines: 1 },
    ]);
    expect(splitQuoted('')).toEqual([]);
  });
});
