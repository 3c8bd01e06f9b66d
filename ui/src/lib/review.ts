// Review mode: the owner goes through every new case once and keeps triage's
// lane or picks another, one key per case. The pure parts live here.
import type { Lane, QueueItem } from '../bindings';
import { LANES, laneLabel } from './lanes';

/** A decision taken in this review session; `saving` until the core has it. */
export type ReviewDecision = { lane: Lane; saving: boolean };

/** What a key in review mode asks for: keep triage's suggestion, or a lane. */
export type ReviewPick = 'keep' | Lane;

/** The lane a pick puts the case in. */
export function laneForPick(pick: ReviewPick, item: Pick<QueueItem, 'suggested_lane'>): Lane {
  return pick === 'keep' ? item.suggested_lane : pick;
}

/**
 * Whether the core must first hand the case back to triage before the review
 * confirms the suggested lane: a lane set by hand earlier (before the review,
 * or by a pick a moment ago) would otherwise stick.
 */
export function needsReset(
  item: Pick<QueueItem, 'suggested_lane' | 'lane_manual'>,
  previous: Lane | undefined,
  lane: Lane,
): boolean {
  if (lane !== item.suggested_lane) return false;
  if (previous !== undefined) return previous !== item.suggested_lane;
  return item.lane_manual;
}

/**
 * Where the cursor goes after a decision: the next undecided line below,
 * else the first undecided line above, else it stays.
 */
export function nextUndecided(
  ids: readonly string[],
  decided: (id: string) => boolean,
  current: string | null,
): string | null {
  const start = current === null ? -1 : ids.indexOf(current);
  for (let i = start + 1; i < ids.length; i++) if (!decided(ids[i])) return ids[i];
  for (let i = 0; i < Math.max(0, start); i++) if (!decided(ids[i])) return ids[i];
  return current;
}

export type ReviewProgress = {
  reviewed: number;
  total: number;
  remaining: number;
  /** 0..100, for the progress bar. */
  percent: number;
  done: boolean;
};

export function reviewProgress(total: number, reviewed: number): ReviewProgress {
  const t = Math.max(0, Math.floor(total));
  const r = Math.min(t, Math.max(0, Math.floor(reviewed)));
  return {
    reviewed: r,
    total: t,
    remaining: t - r,
    percent: t === 0 ? 100 : Math.round((r / t) * 100),
    done: r === t,
  };
}

const fmt = new Intl.NumberFormat('en-US');

function cases(n: number): string {
  return `${fmt.format(n)} ${n === 1 ? 'case' : 'cases'}`;
}

/** "12 of 41 reviewed" */
export function progressLabel(p: ReviewProgress): string {
  return `${fmt.format(p.reviewed)} of ${fmt.format(p.total)} reviewed`;
}

/** "All caught up — 41 cases reviewed", or with nothing to do, "All caught up". */
export function doneLabel(p: ReviewProgress): string {
  return p.total === 0 ? 'All caught up' : `All caught up — ${cases(p.reviewed)} reviewed`;
}

/** "3 to you · 1 moved" style summary of what the owner decided. */
export function decisionSummary(decisions: readonly { lane: Lane; moved: boolean }[]): string {
  const parts: string[] = [];
  for (const lane of LANES) {
    const n = decisions.filter((d) => d.lane === lane).length;
    if (n > 0) parts.push(`${fmt.format(n)} ${laneLabel(lane)}`);
  }
  const moved = decisions.filter((d) => d.moved).length;
  if (moved > 0) parts.push(`${fmt.format(moved)} moved by you`);
  return parts.join(' · ');
}
