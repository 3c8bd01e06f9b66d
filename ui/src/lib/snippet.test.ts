import { describe, expect, it } from 'vitest';
import { snippetText, splitSnippet } from './snippet';

describe('splitSnippet', () => {
  it('returns one plain part when there is no hit', () => {
    expect(splitSnippet('no hits here')).toEqual([{ text: 'no hits here', hit: false }]);
  });
  it('marks the text between start and end markers', () => {
    expect(splitSnippet('I will file a \u0002chargeback\u0003 today')).toEqual([
      { text: 'I will file a ', hit: false },
      { text: 'chargeback', hit: true },
      { text: ' today', hit: false },
    ]);
  });
  it('handles several hits, hits at the edges and adjacent hits', () => {
    expect(splitSnippet('\u0002refund\u0003 or \u0002refund\u0003\u0002ed\u0003')).toEqual([
      { text: 'refund', hit: true },
      { text: ' or ', hit: false },
      { text: 'refunded', hit: true },
    ]);
  });
  it('keeps markup as literal text', () => {
    const parts = splitSnippet('<img src=x onerror=alert(1)> \u0002<b>\u0003');
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)> ', hit: false },
      { text: '<b>', hit: true },
    ]);
  });
  it('tolerates unbalanced markers', () => {
    expect(splitSnippet('a\u0003b')).toEqual([{ text: 'ab', hit: false }]);
    expect(splitSnippet('a\u0002b')).toEqual([
      { text: 'a', hit: false },
      { text: 'b', hit: true },
    ]);
    expect(splitSnippet('\u0002\u0003')).toEqual([]);
    expect(splitSnippet('')).toEqual([]);
  });
  it('gives the plain text back', () => {
    expect(snippetText('x \u0002y\u0003 z')).toBe('x y z');
  });
});
