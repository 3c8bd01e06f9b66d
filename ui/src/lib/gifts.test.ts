import { describe, expect, it } from 'vitest';
import { checkGiftForm, giftAmount, giftKindLabel } from './gifts';

describe('gifts', () => {
  it('labels kinds and shows a credit amount in its currency', () => {
    expect(giftKindLabel('discount')).toBe('Discount');
    expect(giftAmount({ amount_minor: 1500, currency: 'USD' })).toBe(new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(15));
    expect(giftAmount({ amount_minor: null, currency: null })).toBe('');
  });
  it('needs a description, and an amount above zero for a credit only', () => {
    expect(checkGiftForm({ kind: 'bonus', description: '  ', amount: '' }, 'USD')).toMatchObject({ ok: false, field: 'description' });
    expect(checkGiftForm({ kind: 'bonus', description: 'The Advanced Course', amount: 'junk' }, 'USD')).toEqual({
      ok: true,
      description: 'The Advanced Course',
      amountMinor: null,
      currency: null,
    });
    expect(checkGiftForm({ kind: 'credit', description: 'For the trouble', amount: '' }, 'EUR')).toMatchObject({ ok: false, field: 'amount' });
    expect(checkGiftForm({ kind: 'credit', description: 'For the trouble', amount: '0' }, 'EUR')).toMatchObject({ ok: false, field: 'amount' });
    expect(checkGiftForm({ kind: 'credit', description: 'For the trouble', amount: '€15.50' }, 'EUR')).toEqual({
      ok: true,
      description: 'For the trouble',
      amountMinor: 1550,
      currency: 'EUR',
    });
  });
});
