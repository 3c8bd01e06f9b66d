import { describe, expect, it } from 'vitest';
import { keepSelection, moveSelection } from './selection';

const ids = ['a', 'b', 'c'];

describe('moveSelection', () => {
  it('moves down and up by one', () => {
    expect(moveSelection(ids, 'a', 1)).toBe('b');
    expect(moveSelection(ids, 'b', 1)).toBe('c');
    expect(moveSelection(ids, 'c', -1)).toBe('b');
  });
  it('stops at both ends', () => {
    expect(moveSelection(ids, 'c', 1)).toBe('c');
    expect(moveSelection(ids, 'a', -1)).toBe('a');
  });
  it('starts at the first item going down and the last going up', () => {
    expect(moveSelection(ids, null, 1)).toBe('a');
    expect(moveSelection(ids, null, -1)).toBe('c');
    expect(moveSelection(ids, 'gone', 1)).toBe('a');
  });
  it('j j k from the first item lands on the second', () => {
    let sel: string | null = 'a';
    sel = moveSelection(ids, sel, 1);
    sel = moveSelection(ids, sel, 1);
    sel = moveSelection(ids, sel, -1);
    expect(sel).toBe('b');
  });
  it('returns null for an empty list', () => {
    expect(moveSelection([], 'a', 1)).toBeNull();
  });
});

describe('keepSelection', () => {
  it('keeps an id that is still listed', () => {
    expect(keepSelection(ids, ['c', 'b'], 'b')).toBe('b');
  });
  it('selects the neighbour that took the place of a removed id', () => {
    expect(keepSelection(ids, ['a', 'c'], 'b')).toBe('c');
    expect(keepSelection(ids, ['a', 'b'], 'c')).toBe('b');
  });
  it('falls back to the first item or nothing', () => {
    expect(keepSelection([], ['x', 'y'], null)).toBe('x');
    expect(keepSelection(ids, [], 'a')).toBeNull();
  });
});
