import { describe, expect, it } from 'vitest';
import type { SyncState } from '../bindings';
import { progressPhrase, syncedAgo, syncLine, syncPollMs, waitingPhrase } from './syncstatus';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const base: SyncState = {
  phase: 'not-connected',
  mailbox: null,
  last_ok_ms: null,
  error: null,
  error_ms: null,
  changes_waiting: 0,
  replies_waiting: 0,
  progress: null,
};
const line = (s: Partial<SyncState>, demo = false) => syncLine({ ...base, ...s }, { demo, now: NOW });

describe('syncedAgo', () => {
  it('reads like a person would say it', () => {
    expect(syncedAgo(NOW, NOW)).toBe('just now');
    expect(syncedAgo(NOW - 59_000, NOW)).toBe('just now');
    expect(syncedAgo(NOW - 2 * 60_000, NOW)).toBe('2 min ago');
    expect(syncedAgo(NOW - 59 * 60_000, NOW)).toBe('59 min ago');
    expect(syncedAgo(NOW - 3 * 3_600_000 - 5, NOW)).toBe('3 h ago');
    expect(syncedAgo(NOW - 2 * 86_400_000, NOW)).toBe('2 d ago');
  });
  it('treats a time in the future (clock skew) as just now', () => {
    expect(syncedAgo(NOW + 90_000, NOW)).toBe('just now');
  });
});

describe('waitingPhrase', () => {
  it('counts changes and replies, singular and plural', () => {
    expect(waitingPhrase(0, 0)).toBe('');
    expect(waitingPhrase(1, 0)).toBe('1 change waiting');
    expect(waitingPhrase(14, 0)).toBe('14 changes waiting');
    expect(waitingPhrase(0, 1)).toBe('1 reply waiting');
    expect(waitingPhrase(14, 2)).toBe('14 changes and 2 replies waiting');
  });
});

describe('syncLine', () => {
  it('not connected: the demo inbox says so, a real one asks for a mailbox', () => {
    expect(line({}, true)).toMatchObject({ text: 'Not connected — demo inbox', detail: null, tone: 'warn' });
    expect(line({}, false)).toMatchObject({ text: 'No mailbox connected', tone: 'warn' });
    expect(line({}, false).detail).toMatch(/Connect/);
  });

  it('connecting names the mailbox', () => {
    expect(line({ phase: 'connecting', mailbox: 'support@shop.example' })).toEqual({
      text: 'Connecting to support@shop.example…',
      detail: null,
      tone: 'ok',
    });
    expect(line({ phase: 'connecting' }).text).toBe('Connecting…');
  });

  it('synced says when, and how many changes still wait', () => {
    expect(line({ phase: 'synced', last_ok_ms: NOW - 10_000 })).toEqual({
      text: 'Synced just now',
      detail: null,
      tone: 'ok',
    });
    expect(line({ phase: 'synced', last_ok_ms: NOW - 2 * 60_000 }).text).toBe('Synced 2 min ago');
    expect(line({ phase: 'synced', last_ok_ms: NOW - 3 * 3_600_000 }).text).toBe('Synced 3 h ago');
    expect(line({ phase: 'synced', last_ok_ms: NOW - 2 * 60_000, changes_waiting: 14 }).text).toBe(
      'Synced 2 min ago · 14 changes waiting',
    );
    expect(line({ phase: 'synced', last_ok_ms: NOW, changes_waiting: 1 }).text).toBe('Synced just now · 1 change waiting');
    expect(line({ phase: 'synced', last_ok_ms: NOW, replies_waiting: 2 }).detail).toBe('2 replies going out at the next sync');
  });

  it('an error with changes waiting is "offline", with the error as the detail', () => {
    const l = line({ phase: 'error', error: 'The mail server refused the password: check it in Settings.', changes_waiting: 14 });
    expect(l).toEqual({
      text: 'Offline — 14 changes waiting',
      detail: 'The mail server refused the password: check it in Settings.',
      tone: 'warn',
    });
    expect(line({ phase: 'error', error: null, changes_waiting: 3 }).detail).toMatch(/safe/);
  });

  it('an error with nothing waiting shows the error itself', () => {
    expect(line({ phase: 'error', error: 'Cannot reach imap.shop.example: check the network.' })).toEqual({
      text: 'Sync error: Cannot reach imap.shop.example: check the network.',
      detail: null,
      tone: 'error',
    });
    expect(line({ phase: 'error', error: '  ' })).toMatchObject({ text: 'Sync error', tone: 'error' });
  });
});

describe('progress', () => {
  it('says how far a fetch is', () => {
    expect(progressPhrase({ folder: 'INBOX', done: 1200, total: 20000 })).toBe('Fetching INBOX… 1,200 of 20,000');
    expect(progressPhrase({ folder: '', done: 0, total: 0 })).toBe('Fetching mail…');
    const l = line({ phase: 'connecting', mailbox: 'support@shop.example', progress: { folder: 'INBOX', done: 5, total: 10 } });
    expect(l).toEqual({ text: 'Connecting to support@shop.example…', detail: 'Fetching INBOX… 5 of 10', tone: 'ok' });
    // An error's detail is kept.
    expect(line({ phase: 'error', error: 'x', changes_waiting: 2, progress: { folder: 'INBOX', done: 1, total: 2 } }).detail).toBe('x');
  });
});

describe('syncPollMs', () => {
  it('polls every second while a pass connects or fetches, or just after connecting', () => {
    expect(syncPollMs(null, { now: NOW })).toBe(5_000);
    expect(syncPollMs(base, { now: NOW })).toBe(5_000);
    expect(syncPollMs({ ...base, phase: 'connecting' }, { now: NOW })).toBe(1_000);
    expect(syncPollMs({ ...base, phase: 'synced', progress: { folder: 'INBOX', done: 1, total: 9 } }, { now: NOW })).toBe(1_000);
    expect(syncPollMs(base, { now: NOW, fastUntil: NOW + 1 })).toBe(1_000);
    expect(syncPollMs(base, { now: NOW, fastUntil: NOW })).toBe(5_000);
  });
});
