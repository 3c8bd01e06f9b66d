import { describe, expect, it } from 'vitest';
import type { QueueCounts } from '../bindings';
import { laneForDigit, laneLabel, laneOrigin, moveInCounts, tagLabel } from './lanes';

describe('lanes', () => {
  it('maps digits to lanes in the order 1 Excellent, 2 Angry, 3 Assistant', () => {
    expect(laneForDigit('1')).toBe('owner-excellent');
    expect(laneForDigit('2')).toBe('owner-angry');
    expect(laneForDigit('3')).toBe('assistant');
    expect(laneForDigit('0')).toBeNull();
    expect(laneForDigit('4')).toBeNull();
  });
  it('labels lanes', () => {
    expect(laneLabel('owner-excellent')).toBe('Excellent');
    expect(laneLabel('assistant')).toBe('Assistant');
  });
  it('says who chose the lane', () => {
    expect(laneOrigin({ lane: 'assistant', suggested_lane: 'owner-angry', lane_manual: true })).toBe(
      'Moved by you · triage suggested Angry',
    );
    expect(laneOrigin({ lane: 'owner-angry', suggested_lane: 'owner-angry', lane_manual: true })).toBe(
      'Moved by you · triage agrees',
    );
    expect(laneOrigin({ lane: 'owner-angry', suggested_lane: 'owner-angry', lane_manual: false })).toBe(
      'Chosen by triage',
    );
  });
  it('labels tags', () => {
    expect(tagLabel('auto-reply')).toBe('Auto-reply');
    expect(tagLabel('spam')).toBe('Spam');
    expect(tagLabel('newsletter-bulk')).toBe('Newsletter bulk');
  });
});

describe('moveInCounts', () => {
  const counts: QueueCounts = {
    owner: 10,
    owner_excellent: 4,
    owner_angry: 6,
    assistant: 20,
    waiting: 1,
    done: 2,
    all: 33,
    review: 5,
    snoozed: 0,
    refunds_overdue: 0,
    unanswered: 0,
    unanswered_overdue: 0,
    nudges: 0,
    due: 0,
  };
  it('leaves a case a person assigned with that person', () => {
    const owner = { assignee: 'owner' as const, manual: true };
    const assistant = { assignee: 'assistant' as const, manual: true };
    expect(moveInCounts(counts, 'open', 'owner-angry', 'assistant', assistant)).toEqual(counts);
    expect(moveInCounts(counts, 'open', 'owner-angry', 'owner-excellent', owner)).toMatchObject({
      owner: 10,
      owner_angry: 5,
      owner_excellent: 5,
      assistant: 20,
    });
    expect(moveInCounts(counts, 'open', 'owner-angry', 'assistant', owner)).toMatchObject({
      owner: 10,
      owner_angry: 5,
      assistant: 20,
    });
    // Not manual: the assignee follows the lane, as before.
    expect(moveInCounts(counts, 'open', 'owner-angry', 'assistant', { assignee: 'owner', manual: false })).toMatchObject({
      owner: 9,
      assistant: 21,
    });
  });
  it('moves an open case between lane counts and the owner total', () => {
    expect(moveInCounts(counts, 'open', 'owner-angry', 'assistant')).toMatchObject({
      owner: 9,
      owner_angry: 5,
      assistant: 21,
    });
    expect(moveInCounts(counts, 'open', 'assistant', 'owner-excellent')).toMatchObject({
      owner: 11,
      owner_excellent: 5,
      assistant: 19,
    });
    expect(moveInCounts(counts, 'open', 'owner-angry', 'owner-excellent')).toMatchObject({
      owner: 10,
      owner_angry: 5,
      owner_excellent: 5,
    });
  });
  it('leaves counts alone for closed cases and non-moves', () => {
    expect(moveInCounts(counts, 'closed', 'owner-angry', 'assistant')).toBe(counts);
    expect(moveInCounts(counts, 'open', 'assistant', 'assistant')).toBe(counts);
  });
});
