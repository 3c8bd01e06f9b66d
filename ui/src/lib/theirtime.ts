// The customer's clock: whether a time zone is one Intl knows, and how a time reads on their
// clock ("17:00 their time (America/Los_Angeles)"). Queue rows (careline.ts) and a case's task
// list (tasks.ts) both word it here.
import { formatDateTime } from './time';

/** An IANA zone Intl knows (case as typed is fine: Intl accepts "europe/berlin"). */
export function isTimeZone(zone: string): boolean {
  if (!zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone.trim() });
    return true;
  } catch {
    return false;
  }
}

/** "17:00" in the zone `timeZone`; null when the zone is not one this browser knows. */
export function clockIn(ms: number, timeZone: string): string | null {
  if (!isTimeZone(timeZone)) return null;
  const clock = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: timeZone.trim(),
  });
  return clock.format(new Date(ms));
}

export type TheirTimeOptions = {
  /**
   * `clock`: the time only, 24-hour ("17:00"), for a queue row that already says the day;
   * `date-time` (the default): date and time in `locale` ("24 Nov 2026, 09:00").
   */
  style?: 'clock' | 'date-time';
  /** For `date-time`; the browser's locale when left out. */
  locale?: string;
};

/**
 * `ms` on the customer's clock, said as theirs: "17:00 their time (America/Los_Angeles)",
 * "24 Nov 2026, 09:00 their time (Europe/Berlin)". Null when there is no zone or Intl does not
 * know it, so the caller falls back to this machine's clock.
 */
export function theirTime(ms: number, zone: string | null | undefined, opts: TheirTimeOptions = {}): string | null {
  if (!zone || !isTimeZone(zone)) return null;
  const name = zone.trim();
  const when = opts.style === 'clock' ? clockIn(ms, name) : formatDateTime(ms, opts.locale, name);
  return when === null ? null : `${when} their time (${name})`;
}
