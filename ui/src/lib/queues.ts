import type { QueueCounts, QueueName } from '../bindings';

export type QueueEntry = {
  name: QueueName;
  label: string;
  /** Sub-queues are indented under their group. */
  indent: boolean;
  countKey: keyof QueueCounts;
  empty: string;
};

/** The queues in the left pane, in order. */
export const QUEUES: QueueEntry[] = [
  {
    name: 'owner',
    label: 'Owner',
    indent: false,
    countKey: 'owner',
    empty: 'Nothing needs you right now. Angry customers will show up here first.',
  },
  {
    name: 'owner-excellent',
    label: 'Excellent',
    indent: true,
    countKey: 'owner_excellent',
    empty: 'No standout customers waiting. Big spenders and happy regulars land here.',
  },
  {
    name: 'owner-angry',
    label: 'Angry',
    indent: true,
    countKey: 'owner_angry',
    empty: 'Nothing here. Angry customers will show up here first.',
  },
  {
    name: 'assistant',
    label: 'Assistant',
    indent: false,
    countKey: 'assistant',
    empty: 'The assistant is all caught up.',
  },
  {
    name: 'waiting',
    label: 'Waiting',
    indent: false,
    countKey: 'waiting',
    empty: 'Nothing is waiting on a customer. Cases you answer and park land here.',
  },
  {
    name: 'snoozed',
    label: 'Snoozed',
    indent: false,
    countKey: 'snoozed',
    empty: 'Nothing snoozed. Press z on a case to put it away until later; it comes back on time, or sooner if the customer writes.',
  },
  {
    name: 'done',
    label: 'Done',
    indent: false,
    countKey: 'done',
    empty: 'Closed cases collect here.',
  },
];

/** "Everyone gets an answer": a group of its own under the lane queues. */
export const CARE_QUEUES: QueueEntry[] = [
  {
    name: 'unanswered',
    label: 'Unanswered',
    indent: false,
    countKey: 'unanswered',
    empty: 'Everyone has had an answer. Lovely.',
  },
  {
    name: 'due',
    label: 'Follow-ups & callbacks due',
    indent: false,
    countKey: 'due',
    empty: 'No follow-ups or callbacks are due. Ones you schedule on a case show up here when their time comes.',
  },
  {
    name: 'nudges',
    label: 'Status updates owed',
    indent: false,
    countKey: 'nudges',
    empty: 'Nobody is waiting on news from you. Cases you work on for a while show up here when a status update is due.',
  },
];

/** Review mode: the new cases the owner has not looked at yet. Shown above the queues. */
export const REVIEW_QUEUE: QueueEntry = {
  name: 'review',
  label: 'Review',
  indent: false,
  countKey: 'review',
  empty: 'All caught up. New cases will wait here for a first look.',
};

export function queueEntry(name: QueueName): QueueEntry {
  return (
    [REVIEW_QUEUE, ...QUEUES, ...CARE_QUEUES].find((q) => q.name === name) ?? {
      name,
      label: 'All cases',
      indent: false,
      countKey: 'all',
      empty: 'No cases yet. Import a mailbox or connect an account to get started.',
    }
  );
}

export function queueCount(counts: QueueCounts | null, name: QueueName): number | null {
  if (!counts) return null;
  return counts[queueEntry(name).countKey] ?? null;
}
