// Follow-ups and phone callbacks on a case: the quick presets, the time zone a callback is
// planned in, and how a task's due time reads (relative, local, and the customer's clock).
import type { Task } from '../bindings';
import { MORNING_HOUR, parseInputValue } from './snooze';
import { isTimeZone, theirTime } from './theirtime';
import { formatDateTime } from './time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type FollowUpPreset = { id: string; days: number; label: string; note: string };

/** The follow-ups people plan most: a check-in, "did the download work?", a bonus or a survey. */
export const FOLLOW_UP_PRESETS: FollowUpPreset[] = [
  { id: '3d', days: 3, label: 'In 3 days', note: 'Check in: is everything sorted?' },
  { id: '7d', days: 7, label: 'In 7 days', note: 'Did the new download work?' },
  { id: '14d', days: 14, label: 'In 14 days', note: 'Send a bonus or a short survey' },
];

/** A preset's time: that many calendar days on, at 9:00 local (like snooze's mornings). */
export function presetDue(preset: Pick<FollowUpPreset, 'days'>, now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + preset.days, MORNING_HOUR);
}

/** The zone this machine runs in ("Europe/Berlin"), or UTC when Intl cannot say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every zone for the picker's suggestions; empty where the browser cannot list them. */
export function timeZoneNames(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/** How far `zone` is ahead of UTC at the instant `ms`, in ms. */
function zoneOffset(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * A `datetime-local` value read on the clock of `zone` ("call me at 9:00 Berlin time"), as ms;
 * null when it is not a date and time, or the zone is not one Intl knows.
 */
export function zonedInputToMs(value: string, zone: string): number | null {
  const local = parseInputValue(value);
  if (local === null || !isTimeZone(zone)) return null;
  // The wall-clock fields, as if they were UTC, then moved by the zone's offset at that time
  // (asked twice, so a time next to a DST change lands on the right side).
  const d = new Date(local);
  const wall = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds());
  let ms = wall - zoneOffset(wall, zone);
  ms = wall - zoneOffset(ms, zone);
  return ms;
}

/** A `datetime-local` value for `ms` on the clock of `zone`: "2026-11-24T09:00". */
export function msToZonedInput(ms: number, zone: string): string {
  const d = new Date(ms + zoneOffset(ms, zone));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "in 3 days", "in 2 hours", "5 minutes ago", "now". */
export function relativeDue(dueMs: number, nowMs: number, locale = 'en'): string {
  const diff = dueMs - nowMs;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (abs < MINUTE) return 'now';
  if (abs < HOUR) return rtf.format(Math.trunc(diff / MINUTE), 'minute');
  if (abs < DAY) return rtf.format(Math.trunc(diff / HOUR), 'hour');
  return rtf.format(Math.round(diff / DAY), 'day');
}

export type DueLine = {
  /** "in 3 days". */
  relative: string;
  /** On this machine's clock. */
  local: string;
  /** On the customer's clock, when the task has a zone other than this machine's. */
  theirs: string | null;
  /** Past due and not done. */
  overdue: boolean;
};

export function dueLine(
  task: Pick<Task, 'due_ms' | 'time_zone' | 'done_ms'>,
  nowMs: number,
  opts: { locale?: string; localZone?: string } = {},
): DueLine {
  const localZone = opts.localZone ?? browserTimeZone();
  // Their clock only when it is not ours (null too for a zone Intl does not know).
  const theirs =
    task.time_zone && task.time_zone !== localZone ? theirTime(task.due_ms, task.time_zone, { locale: opts.locale }) : null;
  return {
    relative: relativeDue(task.due_ms, nowMs),
    local: formatDateTime(task.due_ms, opts.locale, opts.localZone),
    theirs,
    overdue: task.done_ms === null && task.due_ms <= nowMs,
  };
}

/** Open tasks first, soonest due first; then the done ones, latest done first. */
export function sortTasks<T extends Pick<Task, 'due_ms' | 'done_ms'>>(tasks: readonly T[]): T[] {
  return [...tasks].sort((a, b) => {
    if ((a.done_ms === null) !== (b.done_ms === null)) return a.done_ms === null ? -1 : 1;
    if (a.done_ms !== null && b.done_ms !== null) return b.done_ms - a.done_ms;
    return a.due_ms - b.due_ms;
  });
}

export type TaskForm = { kind: 'follow-up' | 'callback'; due: string; note: string; phone: string; zone: string };
export type CheckedTask = { ok: true; dueMs: number; phone: string | null; zone: string | null } | { ok: false; error: string };

/** The add-task form checked: a time to come, and for a callback a number and a known zone. */
export function checkTaskForm(form: TaskForm, now: Date): CheckedTask {
  const zone = form.zone.trim();
  if (form.kind === 'callback') {
    if (!/\d{3}/.test(form.phone)) return { ok: false, error: 'Add the number to call (pick one they wrote, or type it).' };
    if (!isTimeZone(zone)) return { ok: false, error: 'Pick a time zone Kindly knows, for example Europe/Berlin.' };
  }
  if (form.due.trim() === '') return { ok: false, error: 'Pick a date and a time.' };
  const dueMs = form.kind === 'callback' ? zonedInputToMs(form.due, zone) : parseInputValue(form.due);
  if (dueMs === null) return { ok: false, error: 'That is not a date and time Kindly understands.' };
  if (dueMs <= now.getTime()) return { ok: false, error: 'Pick a time in the future.' };
  return form.kind === 'callback'
    ? { ok: true, dueMs, phone: form.phone.trim(), zone }
    : { ok: true, dueMs, phone: null, zone: null };
}
