// The triage settings page edits friendly numbers ("$300", "50%") and the core
// stores exact ones (minor units, a 0..1 ratio). Parsing and checks live here.
import type { TriageSettings } from '../bindings';
import { minorDigits } from './money';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const err = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Strip what people type around a number: spaces, a currency sign or code, thousands commas. */
function cleanNumber(text: string): string {
  return text
    .trim()
    .replace(/^[A-Za-z]{3}\s*/, '')
    .replace(/\s*[A-Za-z]{3}$/, '')
    .replace(/^[$€£¥]\s*/, '')
    .replace(/\s*[$€£¥]$/, '')
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/,(?=\d{3}(\D|$))/g, '');
}

/**
 * "300", "$1,240.50", "100000" → minor units (30000, 124050, 10000000) for
 * the currency's number of minor digits. Exact: no floating point on the way.
 */
export function parseMoneyToMinor(text: string, currency = 'USD'): Parsed<number> {
  const digits = minorDigits(currency);
  if (text.trim() === '') return err('Enter an amount, for example 300.');
  const s = cleanNumber(text);
  if (s.startsWith('-')) return err('The amount cannot be negative.');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return err('Enter an amount as a number, for example 300 or 1,250.50.');
  const frac = m[2] ?? '';
  if (frac.length > digits) {
    return err(digits === 0 ? 'This currency has no cents.' : `Use at most ${digits} digits after the point.`);
  }
  const whole = m[1] === '' ? '0' : m[1];
  const minor = Number(whole + frac.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return err('That amount is too large.');
  return ok(minor);
}

/** Minor units → what the input shows: 30000 → "300", 124050 → "1240.50". */
export function minorToInput(minor: number, currency = 'USD'): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  const s = String(abs).padStart(digits + 1, '0');
  const whole = digits === 0 ? s : s.slice(0, -digits);
  const frac = digits === 0 ? '' : s.slice(-digits);
  return sign + (/^0*$/.test(frac) ? whole : `${whole}.${frac}`);
}

/** A whole number in [min, max]. */
export function parseCount(text: string, min: number, max: number, what: string): Parsed<number> {
  const s = text.trim();
  if (s === '') return err(`Enter the number of ${what}.`);
  if (!/^\d+$/.test(s)) return err(`The number of ${what} is a whole number, like ${Math.max(min, 3)}.`);
  const n = Number(s);
  if (n < min) return err(`The number of ${what} must be at least ${min}.`);
  if (n > max) return err(`The number of ${what} must be at most ${max.toLocaleString('en-US')}.`);
  return ok(n);
}

/** "50", "50%", "12.5" → 0.5, 0.125: a share between 0 and 100 percent. */
export function parsePercent(text: string): Parsed<number> {
  const s = text.trim().replace(/\s*%$/, '');
  if (s === '') return err('Enter a percentage, for example 50.');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(s)) return err('Enter the percentage as a number from 0 to 100.');
  const pct = Number(s);
  if (pct > 100) return err('A share of orders cannot be more than 100%.');
  return ok(Math.round(pct * 100) / 10_000);
}

/** 0.5 → "50", 0.125 → "12.5" */
export function ratioToInput(ratio: number): string {
  return String(Math.round(ratio * 10_000) / 100);
}

export type SettingsForm = {
  valuableLifetime: string;
  valuableOrders: string;
  serialRefunds: string;
  serialRatio: string;
};

export type SettingsErrors = Partial<Record<keyof SettingsForm, string>>;

/** The currency the money thresholds are written in. */
export const SETTINGS_CURRENCY = 'USD';

const MAX_COUNT = 100_000;

export function formFromSettings(s: TriageSettings): SettingsForm {
  return {
    valuableLifetime: minorToInput(s.valuable_lifetime_minor, SETTINGS_CURRENCY),
    valuableOrders: String(s.valuable_orders),
    serialRefunds: String(s.serial_refunds),
    serialRatio: ratioToInput(s.serial_refund_ratio),
  };
}

/** Check every field; settings only when all of them are right. */
export function settingsFromForm(form: SettingsForm): { settings: TriageSettings | null; errors: SettingsErrors } {
  const lifetime = parseMoneyToMinor(form.valuableLifetime, SETTINGS_CURRENCY);
  const orders = parseCount(form.valuableOrders, 1, MAX_COUNT, 'orders');
  const refunds = parseCount(form.serialRefunds, 1, MAX_COUNT, 'refunds');
  const ratio = parsePercent(form.serialRatio);
  const errors: SettingsErrors = {};
  if (!lifetime.ok) errors.valuableLifetime = lifetime.error;
  if (!orders.ok) errors.valuableOrders = orders.error;
  if (!refunds.ok) errors.serialRefunds = refunds.error;
  if (!ratio.ok) errors.serialRatio = ratio.error;
  if (!lifetime.ok || !orders.ok || !refunds.ok || !ratio.ok) return { settings: null, errors };
  return {
    settings: {
      valuable_lifetime_minor: lifetime.value,
      valuable_orders: orders.value,
      serial_refunds: refunds.value,
      serial_refund_ratio: ratio.value,
    },
    errors,
  };
}

export function sameSettings(a: TriageSettings, b: TriageSettings): boolean {
  return (
    a.valuable_lifetime_minor === b.valuable_lifetime_minor &&
    a.valuable_orders === b.valuable_orders &&
    a.serial_refunds === b.serial_refunds &&
    Math.abs(a.serial_refund_ratio - b.serial_refund_ratio) < 1e-9
  );
}
