import { describe, expect, it } from 'vitest';
import type { OrderView } from '../bindings';
import {
  importProgress,
  importSummary,
  notConnectedText,
  providerOf,
  PROVIDERS,
  refundAction,
  skippedTitle,
} from './commerce';

const order = (over: Partial<OrderView> = {}): Pick<OrderView, 'source' | 'amount_minor' | 'currency'> => ({
  source: 'stripe',
  amount_minor: 4900,
  currency: 'USD',
  ...over,
});

const result = (over = {}) => ({ added: 0, updated: 0, unchanged: 0, refunds: 0, skipped: [] as string[], ...over });

describe('providers', () => {
  it('knows Stripe and Gumroad, with where to find each key', () => {
    expect(PROVIDERS.map((p) => p.name)).toEqual(['Stripe', 'Gumroad']);
    for (const p of PROVIDERS) expect(p.where).toMatch(new RegExp(p.name));
  });
  it('names the provider of an order it can refund through', () => {
    expect(providerOf('stripe')?.name).toBe('Stripe');
    expect(providerOf('gumroad')?.name).toBe('Gumroad');
    expect(providerOf('generic')).toBeNull();
    expect(providerOf('paypal')).toBeNull();
  });
});

describe('the import summary', () => {
  it('always says how many orders are new, and only the rest that happened', () => {
    expect(importSummary(result())).toBe('0 new orders');
    expect(importSummary(result({ added: 1, unchanged: 3 }))).toBe('1 new order, 3 unchanged');
    expect(importSummary(result({ added: 4, updated: 1, refunds: 1, unchanged: 2, skipped: ['charge ch_4: bad'] }))).toBe(
      '4 new orders, 1 updated, 1 refund, 2 unchanged, 1 skipped',
    );
    expect(importSummary(result({ refunds: 2 }))).toBe('0 new orders, 2 refunds');
  });
  it('counts skipped records', () => {
    expect(skippedTitle(1)).toBe('1 record skipped');
    expect(skippedTitle(12)).toBe('12 records skipped');
  });
});

describe('which refund an order gets', () => {
  const both = { stripe: true, gumroad: true };
  const none = { stripe: false, gumroad: false };

  it('refunds at the provider when it is connected', () => {
    const a = refundAction(order(), both, 'en-US');
    expect(a).toMatchObject({
      kind: 'provider',
      label: 'Refund $49.00 at Stripe',
      confirm: 'Refund the whole $49.00 at Stripe, fees included?',
      retry: 'Refund at Stripe',
    });
    expect(refundAction(order({ source: 'gumroad', amount_minor: 1900, currency: 'EUR' }), both, 'en-US').label).toBe(
      'Refund €19.00 at Gumroad',
    );
  });
  it('records the refund, and says so, when the provider is not connected', () => {
    const a = refundAction(order(), { stripe: false, gumroad: true }, 'en-US');
    expect(a).toEqual({
      kind: 'record',
      label: 'Refund $49.00',
      confirm: 'Refund the whole $49.00, fees included?',
      notConnected: PROVIDERS[0],
    });
    expect(notConnectedText(PROVIDERS[0])).toMatch(/^Stripe is not connected on this machine/);
  });
  it('keeps the recorded refund for orders no provider refunds', () => {
    for (const source of ['generic', 'paypal']) {
      expect(refundAction(order({ source }), both, 'en-US')).toMatchObject({ kind: 'record', notConnected: null });
    }
  });
  it('gives no hint while the status is unknown', () => {
    expect(refundAction(order(), null, 'en-US')).toMatchObject({ kind: 'record', notConnected: null });
    expect(refundAction(order(), none, 'en-US')).toMatchObject({ kind: 'record', notConnected: { id: 'stripe' } });
  });
});

describe('importProgress', () => {
  const stripe = PROVIDERS[0];
  it('says how far the running import has read, with thousands grouped', () => {
    expect(importProgress({ importing: { provider: 'stripe', records: 1240 } }, stripe)).toBe('Reading Stripe: 1,240 records…');
    expect(importProgress({ importing: { provider: 'stripe', records: 1 } }, stripe)).toBe('Reading Stripe: 1 record…');
  });
  it('is null when nothing, or another provider, is importing', () => {
    expect(importProgress({ importing: null }, stripe)).toBeNull();
    expect(importProgress(null, stripe)).toBeNull();
    expect(importProgress({ importing: { provider: 'gumroad', records: 3 } }, stripe)).toBeNull();
  });
});
