// One change to a case as the case view asks for it, and the `update_case` arguments it becomes.
import type { AssignTo, CaseDetail, CaseStatus, UpdateCaseArgs } from '../bindings';
import type { KindlyError } from './api';

export type CaseChange = {
  status?: CaseStatus;
  assign?: AssignTo;
  /** A note added in the same call (a hand-back's or an escalation's reason, or a note of its own). */
  note?: string | null;
  /** The note is the owner's alone. */
  privateNote?: boolean;
  /** Snooze until this time (ms); 0 wakes the case now. */
  snoozeUntilMs?: number;
  /** The owner's word that the messages so far need no answer (to close without one). */
  noReplyNeeded?: boolean;
  /** If the case leaves the list shown, open the next one (closing with `e`, handing back). */
  advance?: boolean;
};

export function updateArgs(caseId: string, change: CaseChange): UpdateCaseArgs {
  const note = change.note?.trim() ? change.note.trim() : null;
  return {
    case_id: caseId,
    status: change.status ?? null,
    assign: change.assign ?? null,
    note,
    private_note: note !== null && change.privateNote === true,
    snooze_until_ms: change.snoozeUntilMs ?? null,
    no_reply_needed: change.noReplyNeeded === true,
  };
}

/**
 * Runs one core command that answers with the case (a task, a gift, closing without an answer…)
 * in the app's write order; resolves with the error to show next to what was clicked, or null.
 */
export type CaseCommand = (job: () => Promise<CaseDetail>, opts?: CaseCommandOptions) => Promise<KindlyError | null>;

export type CaseCommandOptions = {
  /** If the case leaves the list shown, open the next one. */
  advance?: boolean;
  /** The answer is another case, to show instead (merging answers with the case merged into). */
  follow?: boolean;
};
