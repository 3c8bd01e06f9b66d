import { describe, expect, it } from 'vitest';
import { formatBytes, formatMoney, minorDigits } from './money';

describe('formatMoney', () => {
  it('turns minor units into a currency amount', () => {
    expect(formatMoney(124000, 'USD', 'en-US')).toBe('$1,240.00');
    expect(formatMoney(4900, 'usd', 'en-US')).toBe('$49.00');
    expect(formatMoney(0, 'EUR', 'en-US')).toBe('€0.00');
    expect(formatMoney(-1999, 'USD', 'en-US')).toBe('-$19.99');
  });
  it('respects currencies without or with three minor digits', () => {
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
    expect(formatMoney(5000, 'JPY', 'en-US')).toBe('¥5,000');
    expect(formatMoney(1500, 'KWD', 'en-US')).toBe('KWD\u00a01.500');
  });
  it('uses the locale for separators', () => {
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
  });
  it('falls back to a plain amount for an unknown currency code', () => {
    expect(formatMoney(1234, 'NOPE', 'en-US')).toBe('12.34 NOPE');
    expect(formatMoney(1234, '', 'en-US')).toBe('12.34');
  });
});

describe('formatBytes', () => {
  it('picks a readable unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024)).toBe('200 KB');
    expect(formatBytes(3.4 * 1024 * 1024)).toBe('3.4 MB');
    expect(formatBytes(-1)).toBe('');
  });
});
