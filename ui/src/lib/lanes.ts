import type { Lane, QueueCounts, CaseStatus, Role } from '../bindings';

/** The three lanes in the order the owner picks them (keys 1, 2, 3). */
export const LANES: readonly Lane[] = ['owner-excellent', 'owner-angry', 'assistant'];

export function laneLabel(lane: Lane): string {
  switch (lane) {
    case 'owner-excellent':
      return 'Excellent';
    case 'owner-angry':
      return 'Angry';
    case 'assistant':
      return 'Assistant';
  }
}

/** The lane a digit picks: 1 Excellent, 2 Angry, 3 Assistant. */
export function laneForDigit(digit: string): Lane | null {
  const i = ['1', '2', '3'].indexOf(digit);
  return i === -1 ? null : LANES[i];
}

/**
 * One line under the lane control that says who put the case where it is:
 * "Moved by you · triage suggested Angry", "Moved by you" (when triage agrees),
 * or "Chosen by triage".
 */
export function laneOrigin(c: { lane: Lane; suggested_lane: Lane; lane_manual: boolean }): string {
  if (!c.lane_manual) return 'Chosen by triage';
  if (c.suggested_lane === c.lane) return 'Moved by you · triage agrees';
  return `Moved by you · triage suggested ${laneLabel(c.suggested_lane)}`;
}

const TAG_LABELS: Record<string, string> = {
  'auto-reply': 'Auto-reply',
  spam: 'Spam',
};

const TAG_TITLES: Record<string, string> = {
  'auto-reply': 'Automated mail (auto-reply, bounce or bulk list): no person is waiting',
  spam: 'Looks like a sales pitch or spam',
};

/** "auto-reply" → "Auto-reply"; unknown tags read as sentence case words. */
export function tagLabel(tag: string): string {
  const known = TAG_LABELS[tag];
  if (known) return known;
  const words = tag.replace(/[-_]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : tag;
}

export function tagTitle(tag: string): string | undefined {
  return TAG_TITLES[tag];
}

const LANE_COUNT: Record<Lane, keyof QueueCounts> = {
  'owner-excellent': 'owner_excellent',
  'owner-angry': 'owner_angry',
  assistant: 'assistant',
};

function isOwner(lane: Lane): boolean {
  return lane !== 'assistant';
}

/**
 * The queue counts after an open case moves from one lane to another, before
 * the core confirms it (the sidebar updates at once; the core's answer then
 * replaces the guess). Cases that are not open are in no lane queue.
 *
 * A case a person assigned (`manual`) stays with that person whatever its lane: the owner's
 * only moves between Excellent and Angry, the assistant's moves nowhere.
 */
export function moveInCounts(
  counts: QueueCounts,
  status: CaseStatus,
  from: Lane,
  to: Lane,
  assigned?: { assignee: Role; manual: boolean },
): QueueCounts {
  if (status !== 'open' || from === to) return counts;
  const next = { ...counts };
  if (assigned?.manual) {
    if (assigned.assignee === 'assistant') return counts;
    if (isOwner(from)) next[LANE_COUNT[from]] = Math.max(0, next[LANE_COUNT[from]] - 1);
    if (isOwner(to)) next[LANE_COUNT[to]] += 1;
    return next;
  }
  next[LANE_COUNT[from]] = Math.max(0, next[LANE_COUNT[from]] - 1);
  next[LANE_COUNT[to]] += 1;
  if (isOwner(from) && !isOwner(to)) next.owner = Math.max(0, next.owner - 1);
  if (!isOwner(from) && isOwner(to)) next.owner += 1;
  return next;
}
