// What a queue row says for "everyone gets an answer": how long the customer has waited and
// whether that is past their lane's target, and the follow-up or callback that is due. The core
// decides all of it; this module only words it. (The case header's wording is in answering.ts.)
import type { Answering, Lane, Task } from '../bindings';
import { formatSnoozeTime, shortWhen } from './snooze';
import { theirTime } from './theirtime';
import { relativeAge } from './time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type WaitLine = {
  /** "Waiting 6h · 2h past target", "2 unanswered · waiting 1h · answer by Tue 09:00". */
  text: string;
  overdue: boolean;
  /** Hovering the line: the lane's target. */
  title: string;
};

/** "3h", "2d"; "under a minute" for fresh mail (and for clock skew). */
function waited(sinceMs: number, now: number): string {
  const age = relativeAge(sinceMs, now);
  return age === 'now' ? 'under a minute' : age;
}

/** The whole hours between "waiting since" and "answer by": the lane's target. */
function targetHours(a: Answering): number | null {
  if (a.waiting_since_ms === null || a.answer_by_ms === null) return null;
  return Math.max(1, Math.round((a.answer_by_ms - a.waiting_since_ms) / HOUR));
}

/** What the row says about a case nobody has answered; null when nothing is unanswered. */
export function waitLine(a: Answering, lane: Lane, now: number): WaitLine | null {
  if (a.unanswered <= 0 || a.waiting_since_ms === null) return null;
  const parts: string[] = [];
  if (a.unanswered > 1) parts.push(`${a.unanswered} unanswered`);
  const since = waited(a.waiting_since_ms, now);
  parts.push(a.unanswered > 1 ? `waiting ${since}` : `Waiting ${since}`);
  // Overdue rows carry a badge, so they say by how much; the others say by when.
  if (a.answer_by_ms !== null) {
    parts.push(a.overdue ? `${waited(a.answer_by_ms, now)} past target` : `answer by ${shortWhen(a.answer_by_ms, new Date(now))}`);
  }
  const hours = targetHours(a);
  const lanePart = lane === 'assistant' ? '' : ' (owner lane: a shorter target than the rest)';
  const due = a.overdue && a.answer_by_ms !== null ? ` It was due ${formatSnoozeTime(a.answer_by_ms, new Date(now))}.` : '';
  const title =
    hours === null ? 'Waiting for an answer.' : `Answer within ${hours} ${hours === 1 ? 'hour' : 'hours'}${lanePart}.${due}`;
  return { text: parts.join(' · '), overdue: a.overdue, title };
}

export type TaskLine = {
  /** "Call +1 503 555 0100 at 17:00 their time (America/Los_Angeles)", "Follow up: Did the new download work?" */
  text: string;
  /** "Due 14:05 · 2h ago", "Due Tue 09:00". */
  when: string;
};

/** What a due follow-up or callback says on its row. */
export function taskLine(task: Task, now: number): TaskLine {
  const note = task.note.trim();
  let text: string;
  if (task.kind === 'callback') {
    const who = task.phone?.trim() || 'the customer';
    const at = theirTime(task.due_ms, task.time_zone, { style: 'clock' }) ?? shortWhen(task.due_ms, new Date(now));
    text = `Call ${who} at ${at}${note ? `: ${note}` : ''}`;
  } else {
    text = `Follow up: ${note || 'check in with the customer'}`;
  }
  // Past due by a minute or more: say how long, so the oldest stand out.
  const late = now - task.due_ms >= MINUTE ? ` · ${relativeAge(task.due_ms, now)} ago` : '';
  return { text, when: `Due ${shortWhen(task.due_ms, new Date(now))}${late}` };
}
