import { describe, expect, it } from 'vitest';
import type { OrderView } from '../bindings';
import {
  agoText,
  eligibilityLine,
  eligibilityTone,
  formFromPolicy,
  isRefunded,
  onDoNotPromote,
  orderKey,
  overdueText,
  policyFromForm,
  policySummary,
  refundClock,
  refundConfirmText,
  refunderDecisionText,
  REFUNDER_CHOICES,
  refundLabel,
  samePolicy,
} from './refunds';

const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;
const now = Date.UTC(2026, 10, 23, 12, 0, 0);

function order(over: Partial<OrderView> = {}): OrderView {
  return {
    source: 'generic',
    order_id: 'QM-10197',
    product: 'The Calm Inbox',
    amount_minor: 1900,
    currency: 'USD',
    purchased_ms: now - 67 * day,
    refunded_ms: null,
    eligibility: 'guarantee',
    eligibility_note: 'day 68 of 90: inside the money-back guarantee — refund',
    refund_decided_ms: null,
    refund_done_ms: null,
    refund_overdue: false,
    ...over,
  };
}

describe('the refund button and its confirm', () => {
  it('names the whole amount with the money helper', () => {
    expect(refundLabel(order(), 'en-US')).toBe('Refund $19.00');
    expect(refundLabel(order({ amount_minor: 124050 }), 'en-US')).toBe('Refund $1,240.50');
    expect(refundLabel(order({ amount_minor: 5000, currency: 'JPY' }), 'en-US')).toBe('Refund ¥5,000');
  });
  it('asks once, fees included', () => {
    expect(refundConfirmText(order(), 'en-US')).toBe('Refund the whole $19.00, fees included?');
    expect(refundConfirmText(order({ amount_minor: 4900, currency: 'EUR' }), 'en-US')).toBe(
      'Refund the whole €49.00, fees included?',
    );
  });
});

describe('eligibility', () => {
  it('gives each kind its own tone', () => {
    expect(eligibilityTone('guarantee').cls).toBe('tone-guarantee');
    expect(eligibilityTone('grace').cls).toBe('tone-grace');
    expect(eligibilityTone('outside').cls).toBe('tone-outside');
    expect(eligibilityTone('refunded').cls).toBe('tone-refunded');
  });
  it('tags the grace period and says quietly that it is not advertised', () => {
    const t = eligibilityTone('grace');
    expect(t.tag).toBe('Grace period');
    expect(t.hint).toMatch(/not advertised to customers/i);
    expect(eligibilityTone('guarantee').tag).toBe('');
    expect(eligibilityTone('guarantee').hint).toBe('');
  });
  it('leaves the owner the call outside both', () => {
    expect(eligibilityTone('outside').tag).toBe('Your call');
  });
  it('reads an unknown kind as neutral', () => {
    expect(eligibilityTone('someday').cls).toBe('tone-outside');
  });
  it('shows the core’s sentence, or when it was refunded', () => {
    expect(eligibilityLine(order())).toBe('day 68 of 90: inside the money-back guarantee — refund');
    const refunded = order({ eligibility: 'refunded', eligibility_note: 'refunded', refunded_ms: now });
    expect(eligibilityLine(refunded, 'en-GB', 'UTC')).toBe('Refunded 23 Nov 2026');
    expect(eligibilityLine(order({ eligibility: 'refunded', eligibility_note: 'refunded' }))).toBe('Refunded');
  });
  it('knows a refunded order either way', () => {
    expect(isRefunded(order())).toBe(false);
    expect(isRefunded(order({ refunded_ms: now }))).toBe(true);
    expect(isRefunded(order({ eligibility: 'refunded' }))).toBe(true);
  });
});

describe('agoText', () => {
  it('says how long ago in words', () => {
    expect(agoText(now, now)).toBe('just now');
    expect(agoText(now + hour, now)).toBe('just now');
    expect(agoText(now - min, now)).toBe('1 minute ago');
    expect(agoText(now - 5 * min, now)).toBe('5 minutes ago');
    expect(agoText(now - hour, now)).toBe('1 hour ago');
    expect(agoText(now - 3 * hour, now)).toBe('3 hours ago');
    expect(agoText(now - day, now)).toBe('1 day ago');
    expect(agoText(now - 3 * day, now)).toBe('3 days ago');
    expect(agoText(now - 30 * day, now, 'en-GB', 'UTC')).toBe('on 24 Oct 2026');
    expect(agoText(Number.NaN, now)).toBe('');
  });
});

describe('the refund clock', () => {
  it('has nothing to say before a refund', () => {
    expect(refundClock(order(), now)).toEqual({ state: 'none' });
  });
  it('leaves alone refunds from before the clock', () => {
    expect(refundClock(order({ refunded_ms: now - 100 * day, eligibility: 'refunded' }), now)).toEqual({
      state: 'untracked',
    });
  });
  it('waits for the payment provider', () => {
    const decided = order({ refunded_ms: now - 2 * hour, eligibility: 'refunded', refund_decided_ms: now - 2 * hour });
    expect(refundClock(decided, now)).toEqual({
      state: 'pending',
      text: 'Refund decided 2 hours ago — mark done once the payment provider has paid it back',
      overdue: false,
    });
  });
  it('flags it after two days, as the core says or by the clock', () => {
    const core = order({ refund_decided_ms: now - hour, refunded_ms: now - hour, refund_overdue: true });
    expect(refundClock(core, now)).toMatchObject({ state: 'pending', overdue: true });
    const late = order({ refund_decided_ms: now - 2 * day - min, refunded_ms: now - 2 * day - min });
    expect(refundClock(late, now)).toMatchObject({ state: 'pending', overdue: true });
    const inTime = order({ refund_decided_ms: now - 2 * day + min, refunded_ms: now - 2 * day + min });
    expect(refundClock(inTime, now)).toMatchObject({ state: 'pending', overdue: false });
  });
  it('stops once done at the provider', () => {
    const done = order({
      refunded_ms: now - 3 * day,
      refund_decided_ms: now - 3 * day,
      refund_done_ms: now - 5 * min,
      refund_overdue: false,
    });
    expect(refundClock(done, now)).toEqual({ state: 'done', text: 'Done at the payment provider 5 minutes ago' });
  });
});

describe('the do-not-promote list and the sidebar warning', () => {
  it('lists a customer once any order is refunded', () => {
    expect(onDoNotPromote(null)).toBe(false);
    expect(onDoNotPromote({ orders: [] })).toBe(false);
    expect(onDoNotPromote({ orders: [order(), order({ order_id: 'B' })] })).toBe(false);
    expect(onDoNotPromote({ orders: [order(), order({ order_id: 'B', refunded_ms: now })] })).toBe(true);
  });
  it('counts the refunds not done', () => {
    expect(overdueText(0)).toBe('');
    expect(overdueText(null)).toBe('');
    expect(overdueText(undefined)).toBe('');
    expect(overdueText(1)).toBe('1 refund not done');
    expect(overdueText(3)).toBe('3 refunds not done');
  });
  it('names an order by source and id', () => {
    expect(orderKey(order())).toBe('generic:QM-10197');
    expect(orderKey(order({ source: 'stripe', order_id: 'ch_1' }))).toBe('stripe:ch_1');
  });
});

describe('the refund policy form', () => {
  it('round-trips the policy', () => {
    const p = { guarantee_days: 90, grace_days: 7 };
    expect(formFromPolicy(p)).toEqual({ guaranteeDays: '90', graceDays: '7' });
    expect(policyFromForm(formFromPolicy(p))).toEqual({ policy: p, errors: {} });
    expect(policyFromForm({ guaranteeDays: ' 30 ', graceDays: '5' }).policy).toEqual({
      guarantee_days: 30,
      grace_days: 5,
    });
  });
  it('allows no grace period but not a guarantee of no days', () => {
    expect(policyFromForm({ guaranteeDays: '30', graceDays: '0' }).policy).toEqual({ guarantee_days: 30, grace_days: 0 });
    const r = policyFromForm({ guaranteeDays: '0', graceDays: '7' });
    expect(r.policy).toBeNull();
    expect(r.errors.guaranteeDays).toMatch(/at least 1/);
    expect(r.errors.graceDays).toBeUndefined();
  });
  it('says what is wrong with each field', () => {
    const r = policyFromForm({ guaranteeDays: '', graceDays: 'a week' });
    expect(r.policy).toBeNull();
    expect(r.errors.guaranteeDays).toMatch(/Enter the number of days in the guarantee/);
    expect(r.errors.graceDays).toMatch(/whole number/);
    expect(policyFromForm({ guaranteeDays: '4000', graceDays: '400' }).errors).toEqual({
      guaranteeDays: 'The number of days in the guarantee must be at most 3,650.',
      graceDays: 'The number of days of grace must be at most 365.',
    });
  });
  it('compares and sums it up', () => {
    expect(samePolicy({ guarantee_days: 90, grace_days: 7 }, { guarantee_days: 90, grace_days: 7 })).toBe(true);
    expect(samePolicy({ guarantee_days: 90, grace_days: 7 }, { guarantee_days: 30, grace_days: 7 })).toBe(false);
    expect(policySummary({ guarantee_days: 90, grace_days: 7 })).toBe(
      'Refunds up to day 97: 90 advertised, 7 more quietly.',
    );
    expect(policySummary({ guarantee_days: 30, grace_days: 0 })).toBe(
      'Refunds up to day 30, as advertised; no grace period.',
    );
  });
});

describe('serial refunder choices', () => {
  it('offers the three calls and words the one made', () => {
    expect(REFUNDER_CHOICES.map((c) => c.decision)).toEqual(['refund', 'refund-do-not-sell', 'decline-kindly']);
    expect(refunderDecisionText('refund-do-not-sell')).toBe('Your call: Refund, and stop selling to them');
    expect(refunderDecisionText(null)).toBeNull();
  });
});
