// The composer's live check: warnings beside the draft (never blocking), the five parts of a good
// answer on angry cases, and the canned reply a draft started from.
import type { AnswerPart, DraftWarning } from '../bindings';

/** check_draft is asked this long after the last keystroke. */
export const CHECK_DELAY_MS = 400;

const TITLES: Record<string, string> = {
  name: 'Name',
  wording: 'Wording',
  question: 'Unanswered question',
};

export function warningTitle(kind: DraftWarning['kind']): string {
  return TITLES[kind] ?? 'Check';
}

/** "3 of 5 parts of a good answer". */
export function answerProgress(parts: readonly AnswerPart[]): string {
  const covered = parts.filter((p) => p.covered).length;
  return `${covered} of ${parts.length} parts of a good answer`;
}

/** The `[bracketed parts]` of a must-edit template still in the draft. */
export function unwrittenParts(body: string): string[] {
  return [...body.matchAll(/\[[^\[\]\n]{2,}\]/g)].map((m) => m[0]);
}

/** Send refusals that are a gentle stop (a frame sent as is), not a failure. */
export function isGentleStop(code: string): boolean {
  return code === 'template_unedited';
}
