import { describe, expect, it } from 'vitest';
import type { Answering } from '../bindings';
import { closeQuestion, closeStep, waitingText } from './answering';

const none: Answering = { unanswered: 0, waiting_since_ms: null, answer_by_ms: null, overdue: false, nudge: null };
const waiting: Answering = {
  unanswered: 1,
  waiting_since_ms: Date.UTC(2026, 10, 12, 14, 5),
  answer_by_ms: Date.UTC(2026, 10, 13, 14, 5),
  overdue: true,
  nudge: null,
};

describe('closeStep', () => {
  it('closes at once when nothing waits for an answer, for either role', () => {
    expect(closeStep('owner', none)).toBe('close');
    expect(closeStep('assistant', none)).toBe('close');
  });
  it('asks the owner to confirm "no reply needed", and lets the core refuse the assistant', () => {
    expect(closeStep('owner', waiting)).toBe('confirm');
    expect(closeStep('assistant', waiting)).toBe('refused-by-core');
  });
});

describe('closeQuestion', () => {
  it('names the customer by first name, or says "the customer"', () => {
    expect(closeQuestion('Maria Rossi')).toBe("Maria hasn't had an answer yet. Close without replying?");
    expect(closeQuestion('')).toBe("The customer hasn't had an answer yet. Close without replying?");
  });
});

describe('waitingText', () => {
  it('is null when nothing waits', () => {
    expect(waitingText(none)).toBeNull();
  });
  it('says since when, the target and that it is overdue', () => {
    expect(waitingText(waiting, 'en-GB', 'UTC')).toBe(
      'Waiting for an answer since 12 Nov 2026, 14:05 — target 13 Nov 2026, 14:05, overdue',
    );
  });
  it('counts several messages and leaves "overdue" out while on time', () => {
    expect(waitingText({ ...waiting, unanswered: 2, overdue: false }, 'en-GB', 'UTC')).toBe(
      'Waiting for an answer (2 messages) since 12 Nov 2026, 14:05 — target 13 Nov 2026, 14:05',
    );
  });
});
