// One case per customer problem: the cases shown inside the open one, the case it is part of, and
// the same customer's cases it can be merged into.
import type { CaseDetail, MergedCase } from '../bindings';

type Family = Pick<CaseDetail, 'shown_in' | 'merge_candidates'>;

/** Why a case shows inside another: the core's note, or a plain fallback when it has none. */
export function mergedNote(m: MergedCase): string {
  return m.note ?? (m.manual ? 'Merged by hand' : 'Bought in one session');
}

/** The subject of the case this one shows in, when the core listed it (it is among the candidates). */
export function partOfSubject(detail: Family): string | null {
  if (detail.shown_in === null) return null;
  return detail.merge_candidates.find((c) => c.case_id === detail.shown_in)?.subject || null;
}

/** Where "Merge into…" can go: the customer's other cases, but not the one it already shows in. */
export function mergeTargets(detail: Family): MergedCase[] {
  return detail.merge_candidates.filter((c) => c.case_id !== detail.shown_in);
}
