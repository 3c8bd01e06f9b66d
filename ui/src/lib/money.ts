/**
 * Money arrives from the core as integer minor units plus an ISO 4217 code.
 * The number of minor digits comes from Intl (USD 2, JPY 0, KWD 3).
 */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string, locale?: string): string {
  const code = (currency || '').trim().toUpperCase();
  const digits = minorDigits(code || 'USD');
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    // Unknown or empty currency code: still show the amount.
    const amount = major.toFixed(digits);
    return code ? `${amount} ${code}` : amount;
  }
}

/** Human file size: "512 B", "12 KB", "3.4 MB". */
export function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return '';
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value).toString();
  return `${text} ${units[unit]}`;
}
