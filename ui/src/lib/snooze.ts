// Snoozing a case: the quick choices offered from a given moment, the date-time picker's value,
// and how a snooze time reads. All of it in the user's local time: dates are built with
// `new Date(y, m, d, h)`, so "tomorrow 9:00" is 9:00 on the clock even across a DST change.

export type SnoozeChoiceId = 'later-today' | 'tomorrow' | 'next-week';

export type SnoozeChoice = {
  id: SnoozeChoiceId;
  label: string;
  /** When the case wakes (ms). */
  until: number;
  /** The time in short words, next to the label: "18:00", "Tue 09:00", "Mon 30 Nov, 09:00". */
  when: string;
};

/** "Later today" is this many hours on, rounded up to the hour … */
export const LATER_TODAY_HOURS = 3;
/** … and only offered while that is no later than 21:00. */
export const LATER_TODAY_LATEST_HOUR = 21;
/** Mornings start at 9:00. */
export const MORNING_HOUR = 9;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A few hours from now on the hour (14:20 → 18:00, 14:00 → 17:00), or null once that is too late in the day. */
export function laterToday(now: Date): Date | null {
  const t = new Date(now.getTime() + LATER_TODAY_HOURS * 3_600_000);
  const onTheHour = t.getMinutes() === 0 && t.getSeconds() === 0 && t.getMilliseconds() === 0;
  const at = new Date(t.getFullYear(), t.getMonth(), t.getDate(), t.getHours() + (onTheHour ? 0 : 1));
  if (!sameDay(at, now)) return null;
  if (at.getHours() > LATER_TODAY_LATEST_HOUR) return null;
  return at;
}

/** 9:00 on the next calendar day. */
export function tomorrowMorning(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, MORNING_HOUR);
}

/** 9:00 on the Monday of next week (a week on when today is Monday, tomorrow when it is Sunday). */
export function nextWeekMorning(now: Date): Date {
  const days = (8 - now.getDay()) % 7 || 7;
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, MORNING_HOUR);
}

/** The quick choices from `now`, soonest first; a choice that falls on an earlier one's time is left out. */
export function snoozeChoices(now: Date): SnoozeChoice[] {
  const candidates: { id: SnoozeChoiceId; label: string; at: Date | null }[] = [
    { id: 'later-today', label: 'Later today', at: laterToday(now) },
    { id: 'tomorrow', label: 'Tomorrow morning', at: tomorrowMorning(now) },
    { id: 'next-week', label: 'Next week', at: nextWeekMorning(now) },
  ];
  const choices: SnoozeChoice[] = [];
  for (const c of candidates) {
    if (c.at === null) continue;
    const until = c.at.getTime();
    if (choices.some((earlier) => earlier.until === until)) continue;
    choices.push({ id: c.id, label: c.label, until, when: shortWhen(until, now) });
  }
  return choices;
}

function clock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "Tue 24 Nov, 09:00"; the year is added when it is not this year's: "Mon 4 Jan 2027, 09:00". */
export function formatSnoozeTime(ms: number, now: Date): string {
  const d = new Date(ms);
  const year = d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}${year}, ${clock(d)}`;
}

/** "Snoozed until Tue 24 Nov, 09:00". */
export function snoozedUntilText(ms: number, now: Date): string {
  return `Snoozed until ${formatSnoozeTime(ms, now)}`;
}

/** A choice's time, as short as it can be: "18:00" today, "Tue 09:00" tomorrow, else the date. */
export function shortWhen(ms: number, now: Date): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return clock(d);
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  if (sameDay(d, tomorrow)) return `${WEEKDAYS[d.getDay()]} ${clock(d)}`;
  return formatSnoozeTime(ms, now);
}

/** A `<input type="datetime-local">` value for `d` in local time: "2026-11-24T09:00". */
export function toInputValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${clock(d)}`;
}

/** A `datetime-local` value ("2026-11-24T09:00", seconds allowed) as local time in ms; null if it is not one. */
export function parseInputValue(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(y, mo - 1, d, h, mi, s);
  // 31 Nov rolls over into December: not a date. (A time a DST change skips is moved on by the clock.)
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date.getTime();
}

export type Picked = { ok: true; until: number } | { ok: false; error: string };

/** The picker's value checked: a real date and time, in the future. */
export function checkPicked(value: string, now: Date): Picked {
  if (value.trim() === '') return { ok: false, error: 'Pick a date and a time.' };
  const until = parseInputValue(value);
  if (until === null) return { ok: false, error: 'That is not a date and time Kindly understands.' };
  if (until <= now.getTime()) return { ok: false, error: 'Pick a time in the future.' };
  return { ok: true, until };
}
