import { describe, expect, it } from 'vitest';
import { clockIn, isTimeZone, theirTime } from './theirtime';

describe('isTimeZone', () => {
  it('knows real IANA zones only', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('America/Los_Angeles')).toBe(true);
    expect(isTimeZone('europe/berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('   ')).toBe(false);
  });
});

describe('clockIn', () => {
  it('formats 24-hour time in a zone, null for an unknown one', () => {
    const ms = Date.UTC(2025, 2, 4, 23, 30);
    expect(clockIn(ms, 'UTC')).toBe('23:30');
    expect(clockIn(ms, 'Asia/Tokyo')).toBe('08:30');
    expect(clockIn(ms, 'Not/AZone')).toBeNull();
  });
});

describe('theirTime', () => {
  // 00:00 UTC on 16 March 2025 is 17:00 on the 15th in Los Angeles (PDT, UTC-7).
  const ms = Date.UTC(2025, 2, 16, 0, 0);

  it('says the clock time in their zone for a queue row', () => {
    expect(theirTime(ms, 'America/Los_Angeles', { style: 'clock' })).toBe('17:00 their time (America/Los_Angeles)');
  });

  it('says date and time in their zone by default', () => {
    expect(theirTime(Date.UTC(2026, 10, 24, 8, 0), 'Europe/Berlin', { locale: 'en-GB' })).toBe(
      '24 Nov 2026, 09:00 their time (Europe/Berlin)',
    );
  });

  it('is null without a zone, or for one Intl does not know', () => {
    expect(theirTime(ms, null)).toBeNull();
    expect(theirTime(ms, undefined, { style: 'clock' })).toBeNull();
    expect(theirTime(ms, '')).toBeNull();
    expect(theirTime(ms, 'Mars/Olympus', { style: 'clock' })).toBeNull();
    expect(theirTime(ms, 'Mars/Olympus', { locale: 'en-GB' })).toBeNull();
  });

  it('reads a zone with stray spaces as the zone itself', () => {
    expect(theirTime(ms, ' America/Los_Angeles ', { style: 'clock' })).toBe('17:00 their time (America/Los_Angeles)');
  });
});
