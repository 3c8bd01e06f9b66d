import { describe, expect, it } from 'vitest';
import {
  decisionSummary,
  doneLabel,
  laneForPick,
  needsReset,
  nextUndecided,
  progressLabel,
  reviewProgress,
} from './review';

describe('reviewProgress', () => {
  it('counts what is reviewed out of the session', () => {
    const p = reviewProgress(41, 12);
    expect(p).toEqual({ reviewed: 12, total: 41, remaining: 29, percent: 29, done: false });
    expect(progressLabel(p)).toBe('12 of 41 reviewed');
  });
  it('is done when every case is reviewed, and says so', () => {
    const p = reviewProgress(41, 41);
    expect(p.done).toBe(true);
    expect(p.percent).toBe(100);
    expect(doneLabel(p)).toBe('All caught up — 41 cases reviewed');
    expect(doneLabel(reviewProgress(1, 1))).toBe('All caught up — 1 case reviewed');
    expect(progressLabel(reviewProgress(1200, 3))).toBe('3 of 1,200 reviewed');
  });
  it('treats an empty review as done and clamps odd input', () => {
    expect(reviewProgress(0, 0)).toMatchObject({ done: true, percent: 100, remaining: 0 });
    expect(doneLabel(reviewProgress(0, 0))).toBe('All caught up');
    expect(reviewProgress(5, 9)).toMatchObject({ reviewed: 5, remaining: 0, done: true });
    expect(reviewProgress(5, -1)).toMatchObject({ reviewed: 0, remaining: 5 });
  });
});

describe('laneForPick', () => {
  it('keeps the suggestion or takes the picked lane', () => {
    const item = { suggested_lane: 'owner-angry' as const };
    expect(laneForPick('keep', item)).toBe('owner-angry');
    expect(laneForPick('assistant', item)).toBe('assistant');
  });
});

describe('needsReset', () => {
  const auto = { suggested_lane: 'owner-angry' as const, lane_manual: false };
  const manual = { suggested_lane: 'owner-angry' as const, lane_manual: true };
  it('only when keeping the suggestion for a case someone moved', () => {
    expect(needsReset(auto, undefined, 'owner-angry')).toBe(false);
    expect(needsReset(manual, undefined, 'owner-angry')).toBe(true);
    expect(needsReset(manual, undefined, 'assistant')).toBe(false);
  });
  it('follows the pick made a moment ago over the loaded state', () => {
    expect(needsReset(auto, 'assistant', 'owner-angry')).toBe(true);
    expect(needsReset(manual, 'owner-angry', 'owner-angry')).toBe(false);
  });
});

describe('nextUndecided', () => {
  const ids = ['a', 'b', 'c', 'd'];
  it('goes to the next undecided line below', () => {
    const done = new Set(['a', 'b']);
    expect(nextUndecided(ids, (id) => done.has(id), 'a')).toBe('c');
  });
  it('wraps to the first undecided line above when the rest is done', () => {
    const done = new Set(['c', 'd']);
    expect(nextUndecided(ids, (id) => done.has(id), 'd')).toBe('a');
  });
  it('stays put when everything is decided', () => {
    expect(nextUndecided(ids, () => true, 'b')).toBe('b');
    expect(nextUndecided([], () => true, null)).toBe(null);
  });
  it('starts at the top without a cursor', () => {
    expect(nextUndecided(ids, (id) => id === 'a', null)).toBe('b');
  });
});

describe('decisionSummary', () => {
  it('says how many went where and how many were moved', () => {
    expect(
      decisionSummary([
        { lane: 'owner-angry', moved: false },
        { lane: 'owner-angry', moved: false },
        { lane: 'assistant', moved: true },
      ]),
    ).toBe('2 Angry · 1 Assistant · 1 moved by you');
    expect(decisionSummary([])).toBe('');
  });
});
