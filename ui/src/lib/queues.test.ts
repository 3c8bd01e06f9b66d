import { describe, expect, it } from 'vitest';
import type { QueueCounts } from '../bindings';
import { CARE_QUEUES, QUEUES, queueCount, queueEntry } from './queues';

const counts: QueueCounts = {
  owner: 5,
  owner_excellent: 2,
  owner_angry: 3,
  assistant: 7,
  waiting: 1,
  done: 4,
  all: 17,
  review: 6,
  snoozed: 0,
  refunds_overdue: 0,
  unanswered: 9,
  unanswered_overdue: 3,
  nudges: 2,
  due: 1,
};

describe('queues', () => {
  it('finds the "everyone gets an answer" queues with their labels and empty states', () => {
    expect(CARE_QUEUES.map((q) => q.name)).toEqual(['unanswered', 'due', 'nudges']);
    expect(queueEntry('unanswered').label).toBe('Unanswered');
    expect(queueEntry('unanswered').empty).toBe('Everyone has had an answer. Lovely.');
    expect(queueEntry('due').label).toBe('Follow-ups & callbacks due');
    expect(queueEntry('nudges').label).toBe('Status updates owed');
  });
  it('reads each queue’s count from its own key', () => {
    expect(queueCount(counts, 'unanswered')).toBe(9);
    expect(queueCount(counts, 'due')).toBe(1);
    expect(queueCount(counts, 'nudges')).toBe(2);
    expect(queueCount(counts, 'snoozed')).toBe(0);
    expect(queueCount(null, 'due')).toBeNull();
  });
  it('lists no queue twice', () => {
    const names = [...QUEUES, ...CARE_QUEUES].map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
