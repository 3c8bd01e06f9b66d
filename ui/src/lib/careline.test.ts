import { describe, expect, it } from 'vitest';
import type { Answering, Task } from '../bindings';
import { taskLine, waitLine } from './careline';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Local time, as the rows show it: 15 Mar 2025, 14:00 on this machine's clock.
const now = new Date(2025, 2, 15, 14, 0).getTime();

const answering = (over: Partial<Answering> = {}): Answering => ({
  unanswered: 1,
  waiting_since_ms: now - 6 * HOUR,
  answer_by_ms: now - 2 * HOUR,
  overdue: true,
  nudge: null,
  ...over,
});

const task = (over: Partial<Task> = {}): Task => ({
  uid: 't1',
  case_id: 'c1',
  kind: 'follow-up',
  due_ms: now - 2 * HOUR,
  note: 'Did the new download work?',
  phone: null,
  time_zone: null,
  author_name: 'Olivia',
  created_ms: now - 3 * 24 * HOUR,
  done_ms: null,
  ...over,
});

describe('waitLine', () => {
  it('says nothing when every message was answered', () => {
    const a = answering({ unanswered: 0, waiting_since_ms: null, answer_by_ms: null, overdue: false });
    expect(waitLine(a, 'assistant', now)).toBeNull();
  });

  it('says how long an overdue owner-lane case has waited and how far past its target it is', () => {
    const line = waitLine(answering(), 'owner-angry', now)!;
    expect(line.text).toBe('Waiting 6h · 2h past target');
    expect(line.overdue).toBe(true);
    expect(line.title).toBe('Answer within 4 hours (owner lane: a shorter target than the rest). It was due Sat 15 Mar, 12:00.');
  });

  it('gives the deadline of a case still inside its target', () => {
    const a = answering({ waiting_since_ms: now - HOUR, answer_by_ms: now + 23 * HOUR, overdue: false });
    const line = waitLine(a, 'assistant', now)!;
    expect(line.overdue).toBe(false);
    expect(line.text).toMatch(/^Waiting 1h · answer by (Sun|Mon|Tue|Wed|Thu|Fri|Sat) 13:00$/);
    expect(line.title).toBe('Answer within 24 hours.');
  });

  it('counts several unanswered messages and reads fresh mail kindly', () => {
    const a = answering({ unanswered: 3, waiting_since_ms: now - 20_000, answer_by_ms: null, overdue: false });
    const line = waitLine(a, 'assistant', now)!;
    expect(line.text).toBe('3 unanswered · waiting under a minute');
    expect(line.title).toBe('Waiting for an answer.');
  });
});

describe('taskLine', () => {
  it('words a follow-up with its note and how late it is', () => {
    expect(taskLine(task(), now)).toEqual({ text: 'Follow up: Did the new download work?', when: 'Due 12:00 · 2h ago' });
  });

  it('has a fallback for a follow-up without a note, and no "ago" when it is due this minute', () => {
    expect(taskLine(task({ note: '  ', due_ms: now }), now)).toEqual({
      text: 'Follow up: check in with the customer',
      when: 'Due 14:00',
    });
  });

  it('gives a callback in the customer’s time and zone', () => {
    // 00:00 UTC on 16 March is 17:00 on the 15th in Los Angeles (PDT, UTC-7).
    const due = Date.UTC(2025, 2, 16, 0, 0);
    const t = task({ kind: 'callback', due_ms: due, phone: '+1 503 555 0100', time_zone: 'America/Los_Angeles', note: '' });
    expect(taskLine(t, now).text).toBe('Call +1 503 555 0100 at 17:00 their time (America/Los_Angeles)');
  });

  it('falls back to local time for an unknown zone, and adds the note', () => {
    const t = task({ kind: 'callback', due_ms: now - 30 * MIN, phone: null, time_zone: 'Mars/Olympus', note: 'about the invoice' });
    expect(taskLine(t, now)).toEqual({ text: 'Call the customer at 13:30: about the invoice', when: 'Due 13:30 · 30m ago' });
  });
});
