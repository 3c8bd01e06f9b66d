// Everyone gets an answer: what the case header says about a customer still waiting, and what
// closing such a case does. The core decides what is unanswered and refuses a silent close;
// this module only words it and picks the step the UI offers first.
import type { Answering, Role } from '../bindings';
import { firstName } from './ack';
import { formatDateTime } from './time';

/**
 * What pressing Close does: close at once (nothing unanswered), ask the owner to confirm
 * "no reply needed", or, for the assistant, let the core refuse with its own words (only the
 * owner may close without an answer).
 */
export type CloseStep = 'close' | 'confirm' | 'refused-by-core';

export function closeStep(role: Role, answering: Pick<Answering, 'unanswered'>): CloseStep {
  if (answering.unanswered === 0) return 'close';
  return role === 'owner' ? 'confirm' : 'refused-by-core';
}

/** "Maria hasn't had an answer yet. Close without replying?" */
export function closeQuestion(customerName: string): string {
  const who = firstName(customerName) ?? 'The customer';
  return `${who} hasn't had an answer yet. Close without replying?`;
}

/**
 * "Waiting for an answer since 12 Nov 2026, 14:05 (target 13 Nov 2026, 14:05, overdue)";
 * null when nothing waits.
 */
export function waitingText(a: Answering, locale?: string, timeZone?: string): string | null {
  if (a.unanswered === 0 || a.waiting_since_ms === null) return null;
  const since = formatDateTime(a.waiting_since_ms, locale, timeZone);
  const messages = a.unanswered === 1 ? '' : ` (${a.unanswered} messages)`;
  const target =
    a.answer_by_ms === null
      ? ''
      : ` — target ${formatDateTime(a.answer_by_ms, locale, timeZone)}${a.overdue ? ', overdue' : ''}`;
  return `Waiting for an answer${messages} since ${since}${target}`;
}
