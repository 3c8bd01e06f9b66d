import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, relativeAge } from './time';

const now = Date.UTC(2025, 2, 15, 12, 0, 0);
const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;

describe('relativeAge', () => {
  it('says "now" for less than a minute and for future times', () => {
    expect(relativeAge(now, now)).toBe('now');
    expect(relativeAge(now - 59_000, now)).toBe('now');
    expect(relativeAge(now + 5 * hour, now)).toBe('now');
  });
  it('counts whole minutes, hours and days', () => {
    expect(relativeAge(now - 1 * min, now)).toBe('1m');
    expect(relativeAge(now - 59 * min, now)).toBe('59m');
    expect(relativeAge(now - 2 * hour, now)).toBe('2h');
    expect(relativeAge(now - 2 * hour - 59 * min, now)).toBe('2h');
    expect(relativeAge(now - 23 * hour, now)).toBe('23h');
    expect(relativeAge(now - 1 * day, now)).toBe('1d');
    expect(relativeAge(now - 3 * day - 5 * hour, now)).toBe('3d');
    expect(relativeAge(now - 13 * day, now)).toBe('13d');
  });
  it('switches to weeks, months and years for old cases', () => {
    expect(relativeAge(now - 14 * day, now)).toBe('2w');
    expect(relativeAge(now - 55 * day, now)).toBe('7w');
    expect(relativeAge(now - 60 * day, now)).toBe('2mo');
    expect(relativeAge(now - 364 * day, now)).toBe('12mo');
    expect(relativeAge(now - 365 * day, now)).toBe('1y');
    expect(relativeAge(now - 3 * 365 * day, now)).toBe('3y');
  });
  it('returns an empty string for missing times', () => {
    expect(relativeAge(Number.NaN, now)).toBe('');
  });
});

describe('formatDateTime / formatDate', () => {
  it('formats in the given zone', () => {
    const ms = Date.UTC(2025, 2, 4, 23, 30);
    expect(formatDateTime(ms, 'en-GB', 'UTC')).toBe('4 Mar 2025, 23:30');
    // The same instant is already the next day in Tokyo.
    expect(formatDate(ms, 'en-GB', 'Asia/Tokyo')).toBe('5 Mar 2025');
  });
});
