// Who works a case and what each role may do with it: the labels and the
// actions the case view offers, the `a` key, notes' authors and presence.
import type { AssignTo, CaseStatus, NoteView, OutboxView, PeerView, Role } from '../bindings';

/** app_info.role is a plain string; anything but "assistant" acts as the owner (as the core does). */
export function asRole(role: string | null | undefined): Role {
  return role === 'assistant' ? 'assistant' : 'owner';
}

export function roleLabel(role: string): string {
  return asRole(role) === 'assistant' ? 'Assistant' : 'Owner';
}

/** "Olivia · Owner", or "Owner" before a name is given. */
export function whoAmI(role: string, name: string): string {
  const n = name.trim();
  return n ? `${n} · ${roleLabel(role)}` : roleLabel(role);
}

/** "Owner's case", "Assistant's case (claimed)". */
export function assigneeLabel(c: { assignee: Role; assignee_manual: boolean }): string {
  const who = c.assignee === 'assistant' ? "Assistant's case" : "Owner's case";
  return c.assignee_manual ? `${who} (claimed)` : who;
}

export function assigneeTitle(c: { assignee: Role; assignee_manual: boolean }): string {
  return c.assignee_manual
    ? 'Assigned by a person: triage will not change who works this case.'
    : 'Follows the lane triage chose: owner lanes are the owner’s, the rest the assistant’s.';
}

export type AssignAction = {
  kind: 'claim' | 'hand-back' | 'escalate';
  label: string;
  assign: AssignTo;
  /** Asks for a note first (sent in the same call), e.g. why the owner should look. */
  withNote: boolean;
  /** Placeholder of the note box. */
  notePrompt: string;
  /** The button that confirms after the note. */
  confirm: string;
  title: string;
};

const CLAIM: AssignAction = {
  kind: 'claim',
  label: 'Claim',
  assign: 'owner',
  withNote: false,
  notePrompt: '',
  confirm: 'Claim',
  title: 'Take this case yourself; it moves to your queue (a)',
};

const HAND_BACK: AssignAction = {
  kind: 'hand-back',
  label: 'Hand back to assistant',
  assign: 'assistant',
  withNote: true,
  notePrompt: 'A note for the assistant (optional): what to say, what to offer…',
  confirm: 'Hand back',
  title: 'Give this case to the assistant, with a note if you like (a)',
};

const ESCALATE: AssignAction = {
  kind: 'escalate',
  label: 'Escalate to owner',
  assign: 'owner',
  withNote: true,
  notePrompt: 'Why should the owner look at this? (optional)',
  confirm: 'Escalate',
  title: 'Ask the owner to take this case, with a note (a)',
};

/**
 * What the user can do about who works the case. The owner claims the assistant's cases and hands
 * their own back; the assistant escalates its cases to the owner (and leaves the owner's alone).
 */
export function assignActions(role: string, assignee: Role): AssignAction[] {
  if (asRole(role) === 'owner') return assignee === 'assistant' ? [CLAIM] : [HAND_BACK];
  return assignee === 'assistant' ? [ESCALATE] : [];
}

/** The action of the `a` key: the one assign action there is, or null. */
export function keyAssignAction(role: string, assignee: Role): AssignAction | null {
  return assignActions(role, assignee)[0] ?? null;
}

export type StatusAction = { status: CaseStatus; label: string; title: string; key?: string };

/** Close / Reopen / "Waiting on customer", as offered for the case's status. */
export function statusActions(status: CaseStatus): StatusAction[] {
  const close: StatusAction = { status: 'closed', label: 'Close', title: 'Done: move it out of the queue (e)', key: 'e' };
  const waiting: StatusAction = {
    status: 'waiting',
    label: 'Waiting on customer',
    title: 'Park it until the customer writes back',
  };
  const reopen: StatusAction = { status: 'open', label: 'Reopen', title: 'Put it back in its queue' };
  switch (status) {
    case 'open':
      return [waiting, close];
    case 'waiting':
      return [reopen, close];
    case 'closed':
      return [reopen];
  }
}

/** A note's author as shown: the name they gave, or their role. */
export function noteAuthor(note: Pick<NoteView, 'author_name' | 'author_role'>): string {
  return note.author_name.trim() || roleLabel(note.author_role);
}

/** "Dana (assistant) is replying", "The owner is replying", "Dana (assistant) and Olivia (owner) are replying". */
export function replyingLabel(peers: readonly PeerView[]): string | null {
  if (peers.length === 0) return null;
  const names = peers.map((p) => {
    const role = roleLabel(p.role).toLowerCase();
    return p.name.trim() ? `${p.name.trim()} (${role})` : `the ${role}`;
  });
  const joined = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const text = `${joined} ${names.length === 1 ? 'is' : 'are'} replying`;
  return text[0].toUpperCase() + text.slice(1);
}

export type OutboxLine = { text: string; tone: 'ok' | 'busy' | 'done' | 'warn' };

/** One reply on its way out, in words. */
export function outboxLine(entry: Pick<OutboxView, 'state' | 'last_error' | 'attempts'>): OutboxLine {
  switch (entry.state) {
    case 'queued':
      return entry.last_error
        ? { text: `Queued — will retry at the next sync (${entry.last_error})`, tone: 'warn' }
        : { text: 'Queued — goes out at the next sync', tone: 'ok' };
    case 'sending':
      return { text: 'Sending…', tone: 'busy' };
    case 'sent':
      return { text: 'Sent', tone: 'done' };
    case 'parked':
      return { text: `Parked: ${entry.last_error?.trim() || 'it was not sent; check the case and send it again.'}`, tone: 'warn' };
    default:
      return { text: entry.state, tone: 'ok' };
  }
}
