import { describe, expect, it } from 'vitest';
import {
  checkPicked,
  formatSnoozeTime,
  laterToday,
  nextWeekMorning,
  parseInputValue,
  shortWhen,
  snoozeChoices,
  snoozedUntilText,
  toInputValue,
  tomorrowMorning,
} from './snooze';

// Every date is built in local time, so these hold in any time zone.
// Monday 23 November 2026, 14:20.
const monday = new Date(2026, 10, 23, 14, 20);

describe('laterToday', () => {
  it('is three hours on, rounded up to the hour', () => {
    expect(laterToday(monday)).toEqual(new Date(2026, 10, 23, 18));
    expect(laterToday(new Date(2026, 10, 23, 14, 0))).toEqual(new Date(2026, 10, 23, 17));
    expect(laterToday(new Date(2026, 10, 23, 8, 0, 30))).toEqual(new Date(2026, 10, 23, 12));
  });
  it('is not offered once that is later than 21:00, or tomorrow', () => {
    expect(laterToday(new Date(2026, 10, 23, 18, 0))).toEqual(new Date(2026, 10, 23, 21));
    expect(laterToday(new Date(2026, 10, 23, 18, 1))).toBeNull();
    expect(laterToday(new Date(2026, 10, 23, 22, 30))).toBeNull();
  });
});

describe('tomorrowMorning and nextWeekMorning', () => {
  it('tomorrow is 9:00 on the next day, across a month and a year', () => {
    expect(tomorrowMorning(monday)).toEqual(new Date(2026, 10, 24, 9));
    expect(tomorrowMorning(new Date(2026, 10, 30, 23, 59))).toEqual(new Date(2026, 11, 1, 9));
    expect(tomorrowMorning(new Date(2026, 11, 31, 7))).toEqual(new Date(2027, 0, 1, 9));
  });
  it('tomorrow is 9:00 on the clock even when the clocks change overnight', () => {
    // The last Sunday of March (Europe) and the second of March (US) move the clocks forward.
    for (const evening of [new Date(2026, 2, 28, 20), new Date(2026, 2, 7, 20), new Date(2026, 9, 24, 20)]) {
      const t = tomorrowMorning(evening);
      expect(t.getHours()).toBe(9);
      expect(t.getMinutes()).toBe(0);
      expect(t.getDate()).toBe(evening.getDate() + 1);
    }
  });
  it('next week is Monday 9:00 of the coming week', () => {
    expect(nextWeekMorning(monday)).toEqual(new Date(2026, 10, 30, 9));
    expect(nextWeekMorning(new Date(2026, 10, 25, 10))).toEqual(new Date(2026, 10, 30, 9)); // Wednesday
    expect(nextWeekMorning(new Date(2026, 10, 28, 10))).toEqual(new Date(2026, 10, 30, 9)); // Saturday
    expect(nextWeekMorning(new Date(2026, 10, 29, 10))).toEqual(new Date(2026, 10, 30, 9)); // Sunday
    expect(nextWeekMorning(new Date(2026, 11, 29, 10))).toEqual(new Date(2027, 0, 4, 9)); // over the new year
  });
});

describe('snoozeChoices', () => {
  it('offers later today, tomorrow morning and next week, with their times', () => {
    const choices = snoozeChoices(monday);
    expect(choices.map((c) => [c.id, c.label, c.when])).toEqual([
      ['later-today', 'Later today', '18:00'],
      ['tomorrow', 'Tomorrow morning', 'Tue 09:00'],
      ['next-week', 'Next week', 'Mon 30 Nov, 09:00'],
    ]);
    expect(choices.map((c) => c.until)).toEqual([
      new Date(2026, 10, 23, 18).getTime(),
      new Date(2026, 10, 24, 9).getTime(),
      new Date(2026, 10, 30, 9).getTime(),
    ]);
  });
  it('leaves out later today in the evening', () => {
    expect(snoozeChoices(new Date(2026, 10, 23, 20)).map((c) => c.id)).toEqual(['tomorrow', 'next-week']);
  });
  it('on a Sunday, next week is tomorrow morning: offered once', () => {
    const choices = snoozeChoices(new Date(2026, 10, 29, 19));
    expect(choices.map((c) => c.id)).toEqual(['tomorrow']);
    expect(choices[0].until).toBe(new Date(2026, 10, 30, 9).getTime());
  });
});

describe('formatting', () => {
  it('reads like "Tue 24 Nov, 09:00", with the year only when it is another', () => {
    expect(formatSnoozeTime(new Date(2026, 10, 24, 9).getTime(), monday)).toBe('Tue 24 Nov, 09:00');
    expect(formatSnoozeTime(new Date(2026, 11, 5, 16, 45).getTime(), monday)).toBe('Sat 5 Dec, 16:45');
    expect(formatSnoozeTime(new Date(2027, 0, 4, 9).getTime(), monday)).toBe('Mon 4 Jan 2027, 09:00');
    expect(snoozedUntilText(new Date(2026, 10, 24, 9).getTime(), monday)).toBe('Snoozed until Tue 24 Nov, 09:00');
  });
  it('keeps the choice times short', () => {
    expect(shortWhen(new Date(2026, 10, 23, 18).getTime(), monday)).toBe('18:00');
    expect(shortWhen(new Date(2026, 10, 24, 9).getTime(), monday)).toBe('Tue 09:00');
    expect(shortWhen(new Date(2026, 10, 30, 9).getTime(), monday)).toBe('Mon 30 Nov, 09:00');
  });
});

describe('the date-time picker', () => {
  it('writes and reads local times', () => {
    expect(toInputValue(new Date(2026, 10, 24, 9, 5))).toBe('2026-11-24T09:05');
    expect(toInputValue(new Date(2027, 0, 1, 0, 0))).toBe('2027-01-01T00:00');
    expect(parseInputValue('2026-11-24T09:05')).toBe(new Date(2026, 10, 24, 9, 5).getTime());
    expect(parseInputValue('2026-11-24T09:05:30')).toBe(new Date(2026, 10, 24, 9, 5, 30).getTime());
    expect(parseInputValue(toInputValue(monday))).toBe(monday.getTime());
  });
  it('refuses what is not a date and time', () => {
    for (const bad of ['', 'tomorrow', '2026-11-24', '2026-11-31T09:00', '2026-13-01T09:00', '2026-11-24T24:00']) {
      expect(parseInputValue(bad)).toBeNull();
    }
  });
  it('checks the picked time is in the future', () => {
    expect(checkPicked('2026-11-24T09:00', monday)).toEqual({ ok: true, until: new Date(2026, 10, 24, 9).getTime() });
    expect(checkPicked('', monday)).toEqual({ ok: false, error: 'Pick a date and a time.' });
    expect(checkPicked('2026-11-23T14:20', monday)).toEqual({ ok: false, error: 'Pick a time in the future.' });
    expect(checkPicked('2026-11-20T09:00', monday)).toEqual({ ok: false, error: 'Pick a time in the future.' });
    expect(checkPicked('soon', monday).ok).toBe(false);
  });
});
