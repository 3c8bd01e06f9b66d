import { describe, expect, it } from 'vitest';
import { answerProgress, isGentleStop, unwrittenParts, warningTitle } from './draftcheck';

describe('draft check', () => {
  it('titles warnings by kind, with a neutral fallback', () => {
    expect(warningTitle('name')).toBe('Name');
    expect(warningTitle('question')).toBe('Unanswered question');
    expect(warningTitle('new-kind')).toBe('Check');
  });
  it('counts the parts of a good answer covered', () => {
    const part = (covered: boolean) => ({ id: 'x', label: 'x', covered });
    expect(answerProgress([part(true), part(false), part(true), part(false), part(false)])).toBe('2 of 5 parts of a good answer');
  });
  it('finds the bracketed parts left to write', () => {
    expect(unwrittenParts("I'm sorry: [say what went wrong]. Next: [what we do].")).toEqual(['[say what went wrong]', '[what we do]']);
    expect(unwrittenParts('All written [x] out')).toEqual([]);
  });
  it('treats only an unedited template as a gentle stop', () => {
    expect(isGentleStop('template_unedited')).toBe(true);
    expect(isGentleStop('no_mailbox')).toBe(false);
  });
});
