import { describe, expect, it } from 'vitest';
import { createKeyInterpreter, isTypingTarget, PREFIX_TIMEOUT_MS, SHORTCUT_GROUPS } from './keys';

describe('interpretKey', () => {
  it('maps the single-key shortcuts', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'j', time: 0 })).toBe('next');
    expect(k({ key: 'k', time: 0 })).toBe('prev');
    expect(k({ key: 'ArrowDown', time: 0 })).toBe('next');
    expect(k({ key: 'Enter', time: 0 })).toBe('open');
    expect(k({ key: '/', time: 0 })).toBe('focus-search');
    expect(k({ key: 'Escape', time: 0 })).toBe('escape');
    expect(k({ key: '?', time: 0 })).toBe('help');
    expect(k({ key: 'x', time: 0 })).toBeNull();
    expect(k({ key: 'y', time: 0 })).toBe('keep');
  });
  it('maps the case keys: e close, r reply, a assign, n note, z snooze (and not while typing)', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'e', time: 0 })).toBe('close');
    expect(k({ key: 'r', time: 0 })).toBe('reply');
    expect(k({ key: 'a', time: 0 })).toBe('assign');
    expect(k({ key: 'n', time: 0 })).toBe('note');
    expect(k({ key: 'z', time: 0 })).toBe('snooze');
    expect(k({ key: 'f', time: 0 })).toBe('follow-up');
    expect(k({ key: 'f', typing: true, time: 0 })).toBeNull();
    for (const key of ['e', 'r', 'a', 'n', 'z']) expect(k({ key, typing: true, time: 0 })).toBeNull();
    // g z is the snoozed queue, not a snooze.
    k({ key: 'g', time: 0 });
    expect(k({ key: 'z', time: 10 })).toBe('goto-snoozed');
    // The g prefix still wins: g r is review, g a the assistant queue.
    k({ key: 'g', time: 0 });
    expect(k({ key: 'r', time: 10 })).toBe('goto-review');
    k({ key: 'g', time: 20 });
    expect(k({ key: 'a', time: 30 })).toBe('goto-assistant');
  });
  it('maps Shift+M to merging, which m (the move prefix) does not become', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'M', time: 0 })).toBe('merge');
    expect(k({ key: 'M', typing: true, time: 0 })).toBeNull();
    expect(k({ key: 'm', time: 10 })).toBeNull();
    expect(k({ key: 'M', time: 20 })).toBe('merge');
  });
  it('maps 1 / 2 / 3 to lanes for review', () => {
    const k = createKeyInterpreter();
    expect(k({ key: '1', time: 0 })).toEqual({ pick: 'owner-excellent' });
    expect(k({ key: '2', time: 0 })).toEqual({ pick: 'owner-angry' });
    expect(k({ key: '3', time: 0 })).toEqual({ pick: 'assistant' });
    expect(k({ key: '4', time: 0 })).toBeNull();
    expect(k({ key: '0', time: 0 })).toBeNull();
    expect(k({ key: '2', typing: true, time: 0 })).toBeNull();
  });
  it('understands m then 1 / 2 / 3 / 0 as moving the open case', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'm', time: 0 })).toBeNull();
    expect(k({ key: '1', time: 10 })).toEqual({ move: 'owner-excellent' });
    k({ key: 'm', time: 20 });
    expect(k({ key: '2', time: 30 })).toEqual({ move: 'owner-angry' });
    k({ key: 'm', time: 40 });
    expect(k({ key: '3', time: 50 })).toEqual({ move: 'assistant' });
    k({ key: 'm', time: 60 });
    expect(k({ key: '0', time: 70 })).toEqual({ move: null });
    // Too late: the digit is a plain pick again.
    k({ key: 'm', time: 0 });
    expect(k({ key: '3', time: PREFIX_TIMEOUT_MS + 1 })).toEqual({ pick: 'assistant' });
    // m then a non-digit is that key.
    k({ key: 'm', time: 0 });
    expect(k({ key: 'j', time: 10 })).toBe('next');
  });
  it('ignores letters while typing but still reports Escape', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'j', typing: true, time: 0 })).toBeNull();
    expect(k({ key: '/', typing: true, time: 0 })).toBeNull();
    expect(k({ key: 'Enter', typing: true, time: 0 })).toBeNull();
    expect(k({ key: 'Escape', typing: true, time: 0 })).toBe('escape');
  });
  it('leaves browser shortcuts with modifiers alone', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'j', ctrlKey: true, time: 0 })).toBeNull();
    expect(k({ key: 'k', metaKey: true, time: 0 })).toBeNull();
  });
  it('understands g then o / a / w / d', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 'g', time: 0 })).toBeNull();
    expect(k({ key: 'o', time: 100 })).toBe('goto-owner');
    expect(k({ key: 'g', time: 200 })).toBeNull();
    expect(k({ key: 'a', time: 300 })).toBe('goto-assistant');
    k({ key: 'g', time: 400 });
    expect(k({ key: 'w', time: 500 })).toBe('goto-waiting');
    k({ key: 'g', time: 600 });
    expect(k({ key: 'd', time: 700 })).toBe('goto-done');
    k({ key: 'g', time: 800 });
    expect(k({ key: 'r', time: 900 })).toBe('goto-review');
    k({ key: 'g', time: 1000 });
    expect(k({ key: 's', time: 1100 })).toBe('goto-settings');
  });
  it('understands g then u / f / n for the "everyone gets an answer" queues; n alone stays a note', () => {
    const k = createKeyInterpreter();
    k({ key: 'g', time: 0 });
    expect(k({ key: 'u', time: 100 })).toBe('goto-unanswered');
    k({ key: 'g', time: 200 });
    expect(k({ key: 'f', time: 300 })).toBe('goto-due');
    k({ key: 'g', time: 400 });
    expect(k({ key: 'n', time: 500 })).toBe('goto-nudges');
    expect(k({ key: 'n', time: 600 })).toBe('note');
  });
  it('understands s as tagging a suggestion, and g then i / c for the learning views', () => {
    const k = createKeyInterpreter();
    expect(k({ key: 's', time: 0 })).toBe('suggestion');
    expect(k({ key: 's', typing: true, time: 0 })).toBeNull();
    k({ key: 'g', time: 0 });
    expect(k({ key: 'i', time: 100 })).toBe('goto-suggestions');
    k({ key: 'g', time: 200 });
    expect(k({ key: 'c', time: 300 })).toBe('goto-complaints');
    // g s stays settings.
    k({ key: 'g', time: 400 });
    expect(k({ key: 's', time: 500 })).toBe('goto-settings');
  });
  it('forgets the g prefix after a timeout, after another key, or when typing', () => {
    const k = createKeyInterpreter();
    k({ key: 'g', time: 0 });
    expect(k({ key: 'o', time: PREFIX_TIMEOUT_MS + 1 })).toBeNull();
    k({ key: 'g', time: 0 });
    expect(k({ key: 'j', time: 10 })).toBe('next');
    expect(k({ key: 'o', time: 20 })).toBeNull();
    k({ key: 'g', time: 0 });
    k({ key: 'x', typing: true, time: 5 });
    expect(k({ key: 'o', time: 10 })).toBeNull();
    // After the timeout, a is a key of its own again.
    k({ key: 'g', time: 0 });
    expect(k({ key: 'a', time: PREFIX_TIMEOUT_MS + 1 })).toBe('assign');
  });
});

describe('isTypingTarget', () => {
  const el = (tagName: string, attrs: Record<string, string> = {}, editable = false) =>
    ({
      tagName,
      isContentEditable: editable,
      getAttribute: (n: string) => attrs[n] ?? null,
    }) as unknown as Element;
  it('knows text fields from buttons', () => {
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget(el('INPUT'))).toBe(true);
    expect(isTypingTarget(el('INPUT', { type: 'search' }))).toBe(true);
    expect(isTypingTarget(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTypingTarget(el('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(el('DIV', {}, true))).toBe(true);
    expect(isTypingTarget(el('BUTTON'))).toBe(false);
  });
});

describe('SHORTCUT_GROUPS', () => {
  it('lists the review and move keys for the help overlay', () => {
    const all = SHORTCUT_GROUPS.flatMap((g) => g.shortcuts.map((s) => s.keys.join(' ')));
    for (const keys of ['Enter y', '1', '2', '3', 'm 1', 'm 2', 'm 3', 'm 0', 'g r', 'g s', 'g z', 'g u', 'g f', 'g n', 'g i', 'g c', 'r', 'e', 'a', 'n', 'z', 's', 'Shift+M']) expect(all).toContain(keys);
  });
  it('gives no key two meanings outside review (z is free for snooze)', () => {
    const outside = SHORTCUT_GROUPS.filter((g) => g.title !== 'In review').flatMap((g) => g.shortcuts);
    const sequences = outside.filter((s) => !s.or).map((s) => s.keys.join(' '));
    expect(new Set(sequences).size).toBe(sequences.length);
  });
});
