// Gifts we give customers (a bonus, a discount, a credit): how each reads in the history, and
// the "Give a gift" form checked before it goes to the core.
import type { Gift, GiftKind } from '../bindings';
import { formatMoney } from './money';
import { parseMoneyToMinor } from './settings';

export const GIFT_KINDS: { kind: GiftKind; label: string; placeholder: string }[] = [
  { kind: 'bonus', label: 'Bonus', placeholder: 'e.g. The Advanced Course, free' },
  { kind: 'discount', label: 'Discount', placeholder: 'e.g. Code THANKYOU30, 30% off' },
  { kind: 'credit', label: 'Credit', placeholder: 'e.g. Store credit for the trouble' },
];

export function giftKindLabel(kind: GiftKind | string): string {
  return GIFT_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** A credit's value, or '' for gifts without one. */
export function giftAmount(gift: Pick<Gift, 'amount_minor' | 'currency'>): string {
  return gift.amount_minor === null ? '' : formatMoney(gift.amount_minor, gift.currency ?? '');
}

export type GiftForm = { kind: GiftKind; description: string; amount: string };
export type CheckedGift =
  | { ok: true; description: string; amountMinor: number | null; currency: string | null }
  | { ok: false; field: 'description' | 'amount'; error: string };

/** What was given, and for a credit how much (in the customer's currency). */
export function checkGiftForm(form: GiftForm, currency: string): CheckedGift {
  const description = form.description.trim();
  if (!description) return { ok: false, field: 'description', error: 'Say what you are giving, so the history reads well.' };
  if (form.kind !== 'credit') return { ok: true, description, amountMinor: null, currency: null };
  const amount = parseMoneyToMinor(form.amount, currency);
  if (!amount.ok) return { ok: false, field: 'amount', error: amount.error };
  if (amount.value === 0) return { ok: false, field: 'amount', error: 'A credit needs an amount above zero.' };
  return { ok: true, description, amountMinor: amount.value, currency };
}
