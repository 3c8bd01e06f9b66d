import { describe, expect, it } from 'vitest';
import { isHardWrapped, reflow } from './reflow';

const wrapped = [
  'Hi Sam,',
  '',
  'I run a small writing retreat in the mountains outside Boulder. The winter',
  'one is 4-7 December, and this year we have 30 guests. I would love to give',
  'each of them a copy.',
  '',
  'Thank you!',
  'Hannah',
].join('\n');

describe('reflow', () => {
  it('joins the lines of a hard-wrapped paragraph', () => {
    expect(reflow(wrapped)).toBe(
      [
        'Hi Sam,',
        '',
        'I run a small writing retreat in the mountains outside Boulder. The winter one is 4-7 December, and this year we have 30 guests. I would love to give each of them a copy.',
        '',
        'Thank you!',
        'Hannah',
      ].join('\n'),
    );
  });

  it('leaves text alone that was not hard-wrapped', () => {
    const long = 'This line is much longer than any mail client would ever wrap at, so the sender typed it as one line.\nNext line that is fairly long too but should stay on its own line here.';
    expect(isHardWrapped(long)).toBe(false);
    expect(reflow(long)).toBe(long);
    expect(reflow('Short\nlines\nonly')).toBe('Short\nlines\nonly');
  });

  it('keeps list items, indented lines, quotes and signatures on their own lines', () => {
    const text = [
      'These are the things that went wrong with my order over the past week:',
      '- the download link expired before I could use it even once, sadly',
      '- support did not answer my first two mails about it, which hurts',
      '    Order 1042, placed on the 4th of March at around noon my time',
      '> On Tue you wrote that it would be fixed within a day or two, okay',
      '> and it was not.',
      'Regards, and thanks in advance for looking into it quickly, really',
      '--',
      'Ann',
    ].join('\n');
    expect(reflow(text)).toBe(text);
  });

  it('normalises CRLF', () => {
    const crlf = wrapped.replace(/\n/g, '\r\n');
    expect(reflow(crlf)).toBe(reflow(wrapped));
  });
});
