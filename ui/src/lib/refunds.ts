// Refunds, fast and generous: what the customer panel says about each order (the guarantee,
// the unadvertised grace period, the owner's call), the refund button and its confirm, the
// refund clock, and the refund policy form in Settings. The core decides eligibility; this
// module only words it.
import type { CustomerView, Eligibility, OrderView, RefunderDecision, RefundPolicy } from '../bindings';
import { formatMoney } from './money';
import { parseCount, type Parsed } from './settings';
import { formatDate } from './time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The longest guarantee and grace period the core accepts. */
export const MAX_GUARANTEE_DAYS = 3650;
export const MAX_GRACE_DAYS = 365;

/** A refund not done at the payment provider this long after it was decided is flagged. */
export const REFUND_DUE_MS = 2 * DAY;

export type EligibilityTone = {
  /** A class for the line: `tone-guarantee`, `tone-grace`, `tone-outside`, `tone-refunded`. */
  cls: string;
  /** A short tag in front of the sentence, or '' for none. */
  tag: string;
  /** A quiet line under it, or ''. */
  hint: string;
  /** What hovering the line says. */
  title: string;
};

const TONES: Record<Eligibility, EligibilityTone> = {
  guarantee: {
    cls: 'tone-guarantee',
    tag: '',
    hint: '',
    title: 'Inside the money-back guarantee: refund it, no questions asked.',
  },
  grace: {
    cls: 'tone-grace',
    tag: 'Grace period',
    hint: 'Not advertised to customers: a quiet extra after the guarantee.',
    title: 'Past the advertised guarantee but inside your grace period: refund it.',
  },
  outside: {
    cls: 'tone-outside',
    tag: 'Your call',
    hint: '',
    title: 'Past the guarantee and the grace period: refunding is up to you.',
  },
  refunded: {
    cls: 'tone-refunded',
    tag: '',
    hint: '',
    title: 'This order was refunded in full.',
  },
};

/** How the eligibility line looks. Unknown values (a newer core) read as neutral. */
export function eligibilityTone(eligibility: Eligibility | string): EligibilityTone {
  return TONES[eligibility as Eligibility] ?? TONES.outside;
}

/** The order was refunded (whether or not the provider has done it yet). */
export function isRefunded(order: Pick<OrderView, 'refunded_ms' | 'eligibility'>): boolean {
  return order.refunded_ms !== null || order.eligibility === 'refunded';
}

/** The sentence under an order: the core's note ("day 68 of 90: …"), or "Refunded 23 Nov 2026". */
export function eligibilityLine(
  order: Pick<OrderView, 'refunded_ms' | 'eligibility' | 'eligibility_note'>,
  locale?: string,
  timeZone?: string,
): string {
  if (isRefunded(order)) {
    return order.refunded_ms !== null ? `Refunded ${formatDate(order.refunded_ms, locale, timeZone)}` : 'Refunded';
  }
  return order.eligibility_note;
}

/** The whole amount, fees included: "$19.00". */
export function refundAmount(order: Pick<OrderView, 'amount_minor' | 'currency'>, locale?: string): string {
  return formatMoney(order.amount_minor, order.currency, locale);
}

/** "Refund $19.00" */
export function refundLabel(order: Pick<OrderView, 'amount_minor' | 'currency'>, locale?: string): string {
  return `Refund ${refundAmount(order, locale)}`;
}

/** "Refund the whole $19.00, fees included?" */
export function refundConfirmText(order: Pick<OrderView, 'amount_minor' | 'currency'>, locale?: string): string {
  return `Refund the whole ${refundAmount(order, locale)}, fees included?`;
}

/** "just now", "5 minutes ago", "2 hours ago", "3 days ago"; older: "on 12 Mar 2025". */
export function agoText(thenMs: number, nowMs: number, locale?: string, timeZone?: string): string {
  if (!Number.isFinite(thenMs) || !Number.isFinite(nowMs)) return '';
  const diff = nowMs - thenMs;
  const n = (value: number, unit: string) => `${value} ${unit}${value === 1 ? '' : 's'} ago`;
  if (diff < MINUTE) return 'just now';
  if (diff < HOUR) return n(Math.floor(diff / MINUTE), 'minute');
  if (diff < DAY) return n(Math.floor(diff / HOUR), 'hour');
  if (diff < 14 * DAY) return n(Math.floor(diff / DAY), 'day');
  return `on ${formatDate(thenMs, locale, timeZone)}`;
}

export type RefundClock =
  /** Not refunded. */
  | { state: 'none' }
  /** Refunded before Kindly kept the clock (imported that way): nothing to do. */
  | { state: 'untracked' }
  /** Decided, waiting for the payment provider. */
  | { state: 'pending'; text: string; overdue: boolean }
  /** Paid back at the provider. */
  | { state: 'done'; text: string };

/** Where a refunded order stands between the decision and the payment provider. */
export function refundClock(
  order: Pick<OrderView, 'refunded_ms' | 'eligibility' | 'refund_decided_ms' | 'refund_done_ms' | 'refund_overdue'>,
  nowMs: number,
  locale?: string,
  timeZone?: string,
): RefundClock {
  if (order.refund_decided_ms === null) return isRefunded(order) ? { state: 'untracked' } : { state: 'none' };
  if (order.refund_done_ms !== null) {
    return { state: 'done', text: `Done at the payment provider ${agoText(order.refund_done_ms, nowMs, locale, timeZone)}` };
  }
  return {
    state: 'pending',
    text: `Refund decided ${agoText(order.refund_decided_ms, nowMs, locale, timeZone)} — mark done once the payment provider has paid it back`,
    overdue: order.refund_overdue || nowMs - order.refund_decided_ms > REFUND_DUE_MS,
  };
}

/** A refunded customer gets no promotions (the mailer's suppression list). */
export function onDoNotPromote(customer: Pick<CustomerView, 'orders'> | null): boolean {
  return customer !== null && customer.orders.some(isRefunded);
}

/** The sidebar's warning: "1 refund not done", "3 refunds not done"; '' for none. */
export function overdueText(count: number | null | undefined): string {
  if (!count || count <= 0) return '';
  return `${count} ${count === 1 ? 'refund' : 'refunds'} not done`;
}

/** Which order a refund names: `generic:QM-10197`. */
export function orderKey(order: Pick<OrderView, 'source' | 'order_id'>): string {
  return `${order.source}:${order.order_id}`;
}

export type PolicyForm = { guaranteeDays: string; graceDays: string };
export type PolicyErrors = Partial<Record<keyof PolicyForm, string>>;

export function formFromPolicy(p: RefundPolicy): PolicyForm {
  return { guaranteeDays: String(p.guarantee_days), graceDays: String(p.grace_days) };
}

/** Check both fields; a policy only when both are right. */
export function policyFromForm(form: PolicyForm): { policy: RefundPolicy | null; errors: PolicyErrors } {
  const guarantee: Parsed<number> = parseCount(form.guaranteeDays, 1, MAX_GUARANTEE_DAYS, 'days in the guarantee');
  const grace: Parsed<number> = parseCount(form.graceDays, 0, MAX_GRACE_DAYS, 'days of grace');
  const errors: PolicyErrors = {};
  if (!guarantee.ok) errors.guaranteeDays = guarantee.error;
  if (!grace.ok) errors.graceDays = grace.error;
  if (!guarantee.ok || !grace.ok) return { policy: null, errors };
  return { policy: { guarantee_days: guarantee.value, grace_days: grace.value }, errors };
}

export function samePolicy(a: RefundPolicy, b: RefundPolicy): boolean {
  return a.guarantee_days === b.guarantee_days && a.grace_days === b.grace_days;
}

/** What the policy means, in one sentence: "Refunds up to day 97: 90 advertised, 7 more quietly." */
export function policySummary(p: RefundPolicy): string {
  if (p.grace_days === 0) return `Refunds up to day ${p.guarantee_days}, as advertised; no grace period.`;
  return `Refunds up to day ${p.guarantee_days + p.grace_days}: ${p.guarantee_days} advertised, ${p.grace_days} more quietly.`;
}

/** The owner's three calls on a serial refunder, as the refunder box offers them. */
export const REFUNDER_CHOICES: { decision: RefunderDecision; label: string; done: string; title: string }[] = [
  {
    decision: 'refund',
    label: 'Refund anyway',
    done: 'Refund anyway',
    title: 'Refund as usual: the guarantee is for everyone',
  },
  {
    decision: 'refund-do-not-sell',
    label: 'Refund and stop selling to them',
    done: 'Refund, and stop selling to them',
    title: 'Refund this time, and put them on the do-not-sell list (kindly export do-not-sell)',
  },
  {
    decision: 'decline-kindly',
    label: 'Decline kindly',
    done: 'Decline kindly',
    title: 'No refund this time: write to them kindly (opens the composer with the "Decline kindly" reply)',
  },
];

/** "Your call: Refund anyway", or null while undecided. */
export function refunderDecisionText(decision: RefunderDecision | null): string | null {
  const choice = REFUNDER_CHOICES.find((c) => c.decision === decision);
  return choice ? `Your call: ${choice.done}` : null;
}
