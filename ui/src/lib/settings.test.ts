import { describe, expect, it } from 'vitest';
import {
  formFromSettings,
  minorToInput,
  parseCount,
  parseMoneyToMinor,
  parsePercent,
  ratioToInput,
  sameSettings,
  settingsFromForm,
} from './settings';

const value = <T>(p: { ok: true; value: T } | { ok: false; error: string }) => (p.ok ? p.value : p.error);

describe('parseMoneyToMinor', () => {
  it('turns major units into minor units exactly', () => {
    expect(value(parseMoneyToMinor('300'))).toBe(30000);
    expect(value(parseMoneyToMinor('100000'))).toBe(10000000);
    expect(value(parseMoneyToMinor('100,000'))).toBe(10000000);
    expect(value(parseMoneyToMinor('$1,240.50'))).toBe(124050);
    expect(value(parseMoneyToMinor(' 0.1 '))).toBe(10);
    expect(value(parseMoneyToMinor('19.99'))).toBe(1999);
    expect(value(parseMoneyToMinor('.5'))).toBe(50);
    expect(value(parseMoneyToMinor('300 USD'))).toBe(30000);
    expect(value(parseMoneyToMinor('0'))).toBe(0);
  });
  it('knows currencies without cents', () => {
    expect(value(parseMoneyToMinor('5000', 'JPY'))).toBe(5000);
    expect(parseMoneyToMinor('50.5', 'JPY').ok).toBe(false);
  });
  it('says what is wrong', () => {
    expect(value(parseMoneyToMinor(''))).toMatch(/Enter an amount/);
    expect(value(parseMoneyToMinor('-5'))).toMatch(/negative/);
    expect(value(parseMoneyToMinor('abc'))).toMatch(/number/);
    expect(value(parseMoneyToMinor('1.234'))).toMatch(/2 digits/);
    expect(value(parseMoneyToMinor('1,24'))).toMatch(/number/);
    expect(value(parseMoneyToMinor('9'.repeat(20)))).toMatch(/too large/);
  });
  it('round-trips through the input text', () => {
    expect(minorToInput(30000)).toBe('300');
    expect(minorToInput(124050)).toBe('1240.50');
    expect(minorToInput(5)).toBe('0.05');
    expect(minorToInput(5000, 'JPY')).toBe('5000');
    for (const m of [0, 1, 99, 100, 30000, 124050, 10000000]) {
      expect(value(parseMoneyToMinor(minorToInput(m)))).toBe(m);
    }
  });
});

describe('parseCount and parsePercent', () => {
  it('take whole numbers in range', () => {
    expect(value(parseCount('4', 1, 100, 'orders'))).toBe(4);
    expect(value(parseCount('0', 1, 100, 'orders'))).toMatch(/at least 1/);
    expect(value(parseCount('2.5', 1, 100, 'orders'))).toMatch(/whole number/);
    expect(value(parseCount('', 1, 100, 'orders'))).toMatch(/Enter the number of orders/);
    expect(value(parseCount('1000', 1, 100, 'orders'))).toMatch(/at most 100/);
  });
  it('read percentages as a share', () => {
    expect(value(parsePercent('50'))).toBe(0.5);
    expect(value(parsePercent('50%'))).toBe(0.5);
    expect(value(parsePercent('12.5'))).toBe(0.125);
    expect(value(parsePercent('0'))).toBe(0);
    expect(value(parsePercent('100'))).toBe(1);
    expect(value(parsePercent('101'))).toMatch(/more than 100/);
    expect(value(parsePercent('-3'))).toMatch(/0 to 100/);
    expect(ratioToInput(0.5)).toBe('50');
    expect(ratioToInput(0.125)).toBe('12.5');
  });
});

describe('settingsFromForm', () => {
  const defaults = { valuable_lifetime_minor: 30000, valuable_orders: 4, serial_refunds: 3, serial_refund_ratio: 0.5 };
  it('round-trips the core’s settings', () => {
    const form = formFromSettings(defaults);
    expect(form).toEqual({ valuableLifetime: '300', valuableOrders: '4', serialRefunds: '3', serialRatio: '50' });
    const { settings, errors } = settingsFromForm(form);
    expect(errors).toEqual({});
    expect(settings).not.toBeNull();
    expect(sameSettings(settings!, defaults)).toBe(true);
  });
  it('reports every wrong field and no settings', () => {
    const { settings, errors } = settingsFromForm({
      valuableLifetime: 'lots',
      valuableOrders: '4',
      serialRefunds: '0',
      serialRatio: '150',
    });
    expect(settings).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['serialRatio', 'serialRefunds', 'valuableLifetime']);
  });
  it('stores $100,000 as minor units', () => {
    const { settings } = settingsFromForm({ ...formFromSettings(defaults), valuableLifetime: '100,000' });
    expect(settings?.valuable_lifetime_minor).toBe(10_000_000);
  });
});
