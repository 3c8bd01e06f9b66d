// Where the seller sells: Stripe and Gumroad connected on this machine, importing their orders,
// and refunding an order through the provider it came from. The core talks to the providers
// (and keeps the keys in the OS keychain); this module only words it and picks which refund an
// order gets.
import type { CommerceStatus, OrderView, ProviderImportResult } from '../bindings';
import { refundAmount, refundConfirmText, refundLabel } from './refunds';

/** The providers the core refunds through: also the `source` of their orders. */
export type ProviderId = Exclude<keyof CommerceStatus, 'importing'>;

export type ProviderInfo = {
  id: ProviderId;
  name: string;
  /** What the key is called at the provider. */
  keyLabel: string;
  placeholder: string;
  /** One line: where to find the key. */
  where: string;
};

export const PROVIDERS: readonly ProviderInfo[] = [
  {
    id: 'stripe',
    name: 'Stripe',
    keyLabel: 'Secret key',
    placeholder: 'sk_live_…',
    where:
      'Stripe Dashboard → Developers → API keys: the secret key, or a restricted key that may read Charges and write Refunds.',
  },
  {
    id: 'gumroad',
    name: 'Gumroad',
    keyLabel: 'Access token',
    placeholder: 'Your Gumroad access token',
    where: 'Gumroad → Settings → Advanced → Applications: create an application, then “Generate access token”.',
  },
];

/** The provider an order came from, when Kindly can refund through it (not CSV or PayPal orders). */
export function providerOf(source: string): ProviderInfo | null {
  return PROVIDERS.find((p) => p.id === source) ?? null;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 new orders, 1 updated, 1 refund, 5 unchanged, 1 skipped": the parts that happened, new orders always. */
export function importSummary(r: Pick<ProviderImportResult, 'added' | 'updated' | 'unchanged' | 'refunds' | 'skipped'>): string {
  const parts = [count(r.added, 'new order')];
  if (r.updated > 0) parts.push(`${r.updated} updated`);
  if (r.refunds > 0) parts.push(count(r.refunds, 'refund'));
  if (r.unchanged > 0) parts.push(`${r.unchanged} unchanged`);
  if (r.skipped.length > 0) parts.push(`${r.skipped.length} skipped`);
  return parts.join(', ');
}

/** "Reading Stripe: 1,240 records…" while the core imports from `provider`; null otherwise. */
export function importProgress(status: Pick<CommerceStatus, 'importing'> | null, provider: ProviderInfo): string | null {
  const running = status?.importing;
  if (!running || running.provider !== provider.id) return null;
  return `Reading ${provider.name}: ${count(running.records, 'record').replace(/^\d+/, running.records.toLocaleString('en'))}…`;
}

/** How often the window asks how far an import has read. */
export const PROGRESS_EVERY_MS = 400;

/** Up to this many skipped records are listed open; more fold behind their count. */
export const SKIPPED_OPEN = 3;

/** "1 record skipped", "12 records skipped". */
export function skippedTitle(n: number): string {
  return `${count(n, 'record')} skipped`;
}

/** How an order is refunded from the customer panel. */
export type RefundAction =
  /** Through its provider, connected here: the money goes back now. */
  | { kind: 'provider'; provider: ProviderInfo; label: string; confirm: string; retry: string }
  /**
   * Recorded here; the money goes back by hand at the payment provider. `notConnected` names the
   * order's provider when it could refund it once connected.
   */
  | { kind: 'record'; label: string; confirm: string; notConnected: ProviderInfo | null };

/** The refund an order gets: at its provider when that is connected, otherwise the recorded refund. */
export function refundAction(
  order: Pick<OrderView, 'source' | 'amount_minor' | 'currency'>,
  status: Pick<CommerceStatus, ProviderId> | null,
  locale?: string,
): RefundAction {
  const provider = providerOf(order.source);
  if (provider && status?.[provider.id]) {
    const amount = refundAmount(order, locale);
    return {
      kind: 'provider',
      provider,
      label: `Refund ${amount} at ${provider.name}`,
      confirm: `Refund the whole ${amount} at ${provider.name}, fees included?`,
      // A decided refund not done yet (a failed try, or decided before connecting): safe to send
      // again, the core never refunds twice.
      retry: `Refund at ${provider.name}`,
    };
  }
  return {
    kind: 'record',
    label: refundLabel(order, locale),
    confirm: refundConfirmText(order, locale),
    // Unknown status (still loading): no hint rather than a wrong one.
    notConnected: provider && status ? provider : null,
  };
}

/** The hint under an order whose provider is not connected. */
export function notConnectedText(provider: ProviderInfo): string {
  return `${provider.name} is not connected on this machine: a refund here is recorded, and you pay it back in ${provider.name}.`;
}
