// The sync line in the sidebar footer: one sentence about the mailbox and the
// other replica, a detail line where there is something to act on, and a tone.
import type { SyncProgress, SyncState } from '../bindings';

export type SyncTone = 'ok' | 'warn' | 'error';

export type SyncLine = {
  /** The sentence shown, e.g. "Synced 2 min ago · 14 changes waiting". */
  text: string;
  /** A second line (the error, what to do), or null. */
  detail: string | null;
  tone: SyncTone;
  /** More words for a tooltip, where the line says enough on its own. */
  title?: string;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "2 min ago", "3 h ago", "2 d ago". Clock skew (a time in the future) reads "just now". */
export function syncedAgo(thenMs: number, nowMs: number): string {
  if (!Number.isFinite(thenMs) || !Number.isFinite(nowMs)) return '';
  const diff = nowMs - thenMs;
  if (diff < MINUTE) return 'just now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  return `${Math.floor(diff / DAY)} d ago`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "14 changes waiting", "2 replies waiting", "14 changes and 2 replies waiting", or "". */
export function waitingPhrase(changes: number, replies: number): string {
  const parts: string[] = [];
  if (changes > 0) parts.push(plural(changes, 'change', 'changes'));
  if (replies > 0) parts.push(plural(replies, 'reply', 'replies'));
  return parts.length ? `${parts.join(' and ')} waiting` : '';
}

/** "Fetching INBOX… 1,200 of 20,000" while a pass fetches. */
export function progressPhrase(p: SyncProgress): string {
  const folder = p.folder.trim() || 'mail';
  if (p.total <= 0) return `Fetching ${folder}…`;
  return `Fetching ${folder}… ${Math.min(p.done, p.total).toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}`;
}

/** What the sidebar says about sync, from the core's state. */
export function syncLine(state: SyncState, opts: { demo: boolean; now: number }): SyncLine {
  const line = baseLine(state, opts);
  // Long first syncs: say how far the fetch is (the error, where there is one, matters more).
  if (state.progress && line.tone !== 'error' && state.phase !== 'error') {
    return { ...line, detail: progressPhrase(state.progress) };
  }
  return line;
}

function baseLine(state: SyncState, opts: { demo: boolean; now: number }): SyncLine {
  switch (state.phase) {
    case 'not-connected':
      return opts.demo
        ? {
            text: 'Not connected — demo inbox',
            detail: null,
            tone: 'warn',
            title: 'This is the built-in demo inbox: nothing is fetched or sent, and changes stay on this machine.',
          }
        : {
            text: 'No mailbox connected',
            detail: 'Connect the support mailbox to fetch mail and share cases.',
            tone: 'warn',
          };
    case 'connecting':
      return {
        text: state.mailbox ? `Connecting to ${state.mailbox}…` : 'Connecting…',
        detail: null,
        tone: 'ok',
      };
    case 'synced': {
      const when = state.last_ok_ms === null ? '' : ` ${syncedAgo(state.last_ok_ms, opts.now)}`;
      const changes =
        state.changes_waiting > 0 ? ` · ${plural(state.changes_waiting, 'change', 'changes')} waiting` : '';
      const replies =
        state.replies_waiting > 0
          ? `${plural(state.replies_waiting, 'reply', 'replies')} going out at the next sync`
          : null;
      return { text: `Synced${when}${changes}`, detail: replies, tone: 'ok' };
    }
    case 'error': {
      const waiting = waitingPhrase(state.changes_waiting, state.replies_waiting);
      const error = state.error?.trim() || null;
      if (waiting) {
        return {
          text: `Offline — ${waiting}`,
          detail: error ?? 'Kindly keeps them safe here and sends them when the mailbox answers again.',
          tone: 'warn',
        };
      }
      return {
        text: error ? `Sync error: ${error}` : 'Sync error',
        detail: error ? null : 'Kindly will try again shortly.',
        tone: 'error',
      };
    }
  }
}

/** How often to read the sync state: every 5 s, every second while a pass connects or fetches. */
export const SYNC_POLL_MS = 5_000;
export const SYNC_POLL_FAST_MS = 1_000;

export function syncPollMs(state: SyncState | null, opts: { now: number; fastUntil?: number } = { now: 0 }): number {
  if (opts.fastUntil !== undefined && opts.now < opts.fastUntil) return SYNC_POLL_FAST_MS;
  if (state && (state.progress !== null || state.phase === 'connecting')) return SYNC_POLL_FAST_MS;
  return SYNC_POLL_MS;
}
