import { describe, expect, it } from 'vitest';
import {
  checkTaskForm,
  dueLine,
  FOLLOW_UP_PRESETS,
  msToZonedInput,
  presetDue,
  relativeDue,
  sortTasks,
  zonedInputToMs,
} from './tasks';

const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;

describe('follow-up presets', () => {
  it('offers 3, 7 and 14 days with their notes', () => {
    expect(FOLLOW_UP_PRESETS.map((p) => p.days)).toEqual([3, 7, 14]);
    expect(FOLLOW_UP_PRESETS[1].note).toBe('Did the new download work?');
    expect(FOLLOW_UP_PRESETS[2].note).toMatch(/bonus or a short survey/);
  });
  it('falls on 9:00 local that many calendar days on', () => {
    const now = new Date(2026, 10, 23, 16, 40);
    const due = presetDue({ days: 7 }, now);
    expect([due.getFullYear(), due.getMonth(), due.getDate(), due.getHours(), due.getMinutes()]).toEqual([2026, 10, 30, 9, 0]);
    // Across a month end.
    expect(presetDue({ days: 14 }, now).getDate()).toBe(7);
  });
});

describe('time zones', () => {
  it('reads a wall-clock time in the customer zone, both sides of DST', () => {
    // Berlin is UTC+1 in winter, UTC+2 in summer.
    expect(zonedInputToMs('2026-11-24T09:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 24, 8, 0));
    expect(zonedInputToMs('2026-07-01T09:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 7, 0));
    expect(zonedInputToMs('2026-11-24T09:00', 'America/Los_Angeles')).toBe(Date.UTC(2026, 10, 24, 17, 0));
    expect(zonedInputToMs('not a date', 'UTC')).toBeNull();
    expect(zonedInputToMs('2026-11-24T09:00', 'Nowhere/Town')).toBeNull();
  });
  it('writes an instant back on that clock', () => {
    expect(msToZonedInput(Date.UTC(2026, 10, 24, 8, 0), 'Europe/Berlin')).toBe('2026-11-24T09:00');
    expect(msToZonedInput(Date.UTC(2026, 10, 24, 17, 0), 'America/Los_Angeles')).toBe('2026-11-24T09:00');
  });
});

describe('due times', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0);
  it('read relatively, both ways', () => {
    expect(relativeDue(now + 3 * day, now)).toBe('in 3 days');
    expect(relativeDue(now + 1 * day, now)).toBe('tomorrow');
    expect(relativeDue(now + 2 * hour, now)).toBe('in 2 hours');
    expect(relativeDue(now - 5 * min, now)).toBe('5 minutes ago');
    expect(relativeDue(now + 10_000, now)).toBe('now');
  });
  it('show the customer clock when their zone differs, and flag what is overdue', () => {
    const task = { due_ms: Date.UTC(2026, 10, 24, 8, 0), time_zone: 'Europe/Berlin', done_ms: null };
    const line = dueLine(task, now, { locale: 'en-GB', localZone: 'UTC' });
    expect(line.local).toBe('24 Nov 2026, 08:00');
    expect(line.theirs).toBe('24 Nov 2026, 09:00 their time (Europe/Berlin)');
    expect(line.overdue).toBe(false);
    expect(dueLine({ ...task, time_zone: 'UTC' }, now, { localZone: 'UTC' }).theirs).toBeNull();
    expect(dueLine({ ...task, due_ms: now - hour }, now, { localZone: 'UTC' }).overdue).toBe(true);
    expect(dueLine({ ...task, due_ms: now - hour, done_ms: now }, now, { localZone: 'UTC' }).overdue).toBe(false);
  });
  it('sort open tasks by due time before done ones', () => {
    const t = (due_ms: number, done_ms: number | null) => ({ due_ms, done_ms });
    const sorted = sortTasks([t(5, 100), t(9, null), t(3, null), t(1, 200)]);
    expect(sorted).toEqual([t(3, null), t(9, null), t(1, 200), t(5, 100)]);
  });
});

describe('checkTaskForm', () => {
  const now = new Date(Date.UTC(2026, 10, 23, 12, 0));
  const base = { kind: 'follow-up' as const, due: '2026-12-01T09:00', note: '', phone: '', zone: '' };
  it('takes a follow-up in the future', () => {
    const r = checkTaskForm(base, now);
    expect(r.ok && r.phone === null && r.zone === null).toBe(true);
    expect(checkTaskForm({ ...base, due: '2020-01-01T09:00' }, now)).toEqual({ ok: false, error: 'Pick a time in the future.' });
    expect(checkTaskForm({ ...base, due: '' }, now).ok).toBe(false);
  });
  it('needs a number and a known zone for a callback, and reads the time on their clock', () => {
    const cb = { ...base, kind: 'callback' as const, phone: '+1 (503) 555-0142', zone: 'America/Los_Angeles' };
    expect(checkTaskForm(cb, now)).toEqual({
      ok: true,
      dueMs: Date.UTC(2026, 11, 1, 17, 0),
      phone: '+1 (503) 555-0142',
      zone: 'America/Los_Angeles',
    });
    expect(checkTaskForm({ ...cb, phone: '' }, now).ok).toBe(false);
    expect(checkTaskForm({ ...cb, zone: 'Nowhere/Town' }, now).ok).toBe(false);
  });
});
