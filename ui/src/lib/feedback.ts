// What customers suggest and complain about: the "Learning" views and the tags on a case.
import type { ApiError, FeedbackGroup, FeedbackKind, FeedbackView, Template } from '../bindings';
import { firstName } from './ack';
import { fieldMessage } from './api';

/** The built-in canned reply each kind thanks with (editable in Settings). */
export const THANK_TEMPLATE: Record<FeedbackKind, string> = {
  suggestion: 'suggestion-shipped',
  complaint: 'complaint-fixed',
};

/** Used only if the settings lost the built-in reply; the core keeps it, so this is a last resort. */
const FALLBACK_BODY: Record<FeedbackKind, string> = {
  suggestion: 'A while ago you suggested {topic}. It is here now, because you asked. Thank you!\n\n{my_name}',
  complaint: 'You told us about a problem with {product} ({topic}). We have fixed it, thanks to you.\n\n{my_name}',
};

export const FEEDBACK_TITLE: Record<FeedbackKind, string> = {
  suggestion: 'Suggestions',
  complaint: 'Complaints',
};

export const EMPTY_TEXT: Record<FeedbackKind, string> = {
  suggestion: 'No suggestions yet. Press s on a case to tag one.',
  complaint: 'No complaints. Unhappy customers’ cases show up here, grouped by what they are about.',
};

/** The thank-you text to start from: the kind's canned reply from the care settings. */
export function defaultBody(kind: FeedbackKind, templates: readonly Template[]): string {
  return templates.find((t) => t.id === THANK_TEMPLATE[kind])?.body ?? FALLBACK_BODY[kind];
}

/** A typed topic as the core should store it: trimmed, single spaces; null when empty. */
export function cleanTopic(text: string): string | null {
  const t = text.trim().replace(/\s+/gu, ' ');
  return t === '' ? null : t;
}

/** Existing topics to offer as chips, most asked first, without the one already on the case. */
export function topicChoices(view: FeedbackView | null, current: string | null = null): string[] {
  if (!view) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const g of view.groups) {
    const key = g.topic.toLowerCase();
    if (seen.has(key) || g.topic === current) continue;
    seen.add(key);
    out.push(g.topic);
  }
  return out;
}

export type ProductGroups = { product: string; label: string; count: number; groups: FeedbackGroup[] };

/**
 * Complaints under their product, the product with most cases first (ties keep the core's
 * order, which is largest topic first). A complaint about no known product is listed last.
 */
export function byProduct(groups: readonly FeedbackGroup[]): ProductGroups[] {
  const map = new Map<string, ProductGroups>();
  for (const g of groups) {
    let p = map.get(g.product);
    if (!p) {
      p = { product: g.product, label: g.product || 'No product named', count: 0, groups: [] };
      map.set(g.product, p);
    }
    p.groups.push(g);
    p.count += g.cases.length;
  }
  const order = [...map.values()];
  return order
    .map((p, i) => ({ p, i }))
    .sort((a, b) => Number(a.p.product === '') - Number(b.p.product === '') || b.p.count - a.p.count || a.i - b.i)
    .map(({ p }) => p);
}

/** Customers in the group not thanked yet (those the next thank-you goes to). */
export function unthanked(group: FeedbackGroup): number {
  return group.cases.filter((c) => c.thanked_ms === null).length;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 of 2 thanked" next to a topic's count; null while nobody has been thanked. */
export function thankedSummary(group: FeedbackGroup): string | null {
  const n = group.cases.length;
  const thanked = n - unthanked(group);
  if (thanked === 0) return null;
  return thanked === n ? 'all thanked' : `${thanked} of ${n} thanked`;
}

/** The view's headline: "3 topics from 5 customers". */
export function viewSummary(view: FeedbackView): string {
  const customers = view.groups.reduce((sum, g) => sum + g.cases.length, 0);
  return `${plural(view.groups.length, 'topic', 'topics')} from ${plural(customers, 'customer', 'customers')}`;
}

/** What thanking did: "3 thank-you replies queued". */
export function queuedText(queued: number): string {
  if (queued === 0) return 'Everyone here was already thanked: nothing new was queued.';
  return `${plural(queued, 'thank-you reply', 'thank-you replies')} queued`;
}

/** The button that marks the group done and thanks the customers behind it. */
export function thankLabel(kind: FeedbackKind, done: boolean): string {
  if (done) return 'Thank everyone';
  return kind === 'suggestion' ? 'Shipped — thank everyone' : 'Fixed — thank them';
}

/** "Shipped" / "Fixed": the done state's word. */
export function doneWord(kind: FeedbackKind): string {
  return kind === 'suggestion' ? 'Shipped' : 'Fixed';
}

/** "Walter suggests: “…”", above the button that tags the case. */
export function suggestsLine(customerName: string, hint: string): string {
  return `${firstName(customerName) ?? 'The customer'} suggests: “${hint}”`;
}

/** Why thanking failed, saying what to do next. */
export function thankError(err: Pick<ApiError, 'code' | 'message'>): string {
  if (err.code === 'no_mailbox') {
    return 'Nothing was sent: no support mailbox is connected yet, so the replies have nowhere to go out from. Connect it, then press Send again.';
  }
  return fieldMessage(err);
}
