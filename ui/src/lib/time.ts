const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/**
 * Compact age of a timestamp relative to `now`, as shown in the case list:
 * "now", "5m", "2h", "3d", "2w", "4mo", "1y". Times in the future (clock
 * skew between machines) read as "now".
 */
export function relativeAge(thenMs: number, nowMs: number): string {
  if (!Number.isFinite(thenMs) || !Number.isFinite(nowMs)) return '';
  const diff = nowMs - thenMs;
  if (diff < MINUTE) return 'now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)}h`;
  if (diff < 14 * DAY) return `${Math.floor(diff / DAY)}d`;
  if (diff < 8 * WEEK) return `${Math.floor(diff / WEEK)}w`;
  if (diff < YEAR) return `${Math.floor(diff / MONTH)}mo`;
  return `${Math.floor(diff / YEAR)}y`;
}

/** Date and time in the user's local zone, e.g. "12 Mar 2025, 14:05". */
export function formatDateTime(ms: number, locale?: string, timeZone?: string): string {
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(ms));
}

/** Date only in the user's local zone, e.g. "12 Mar 2025". */
export function formatDate(ms: number, locale?: string, timeZone?: string): string {
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(ms));
}
