import { describe, expect, it } from 'vitest';
import {
  asRole,
  assigneeLabel,
  assignActions,
  keyAssignAction,
  noteAuthor,
  outboxLine,
  replyingLabel,
  roleLabel,
  statusActions,
  whoAmI,
} from './roles';

describe('roles', () => {
  it('acts as the owner until told otherwise', () => {
    expect(asRole('assistant')).toBe('assistant');
    expect(asRole('owner')).toBe('owner');
    expect(asRole('')).toBe('owner');
    expect(asRole(undefined)).toBe('owner');
    expect(roleLabel('assistant')).toBe('Assistant');
    expect(whoAmI('owner', ' Olivia ')).toBe('Olivia · Owner');
    expect(whoAmI('assistant', '')).toBe('Assistant');
  });

  it('says whose case it is, and when a person chose', () => {
    expect(assigneeLabel({ assignee: 'owner', assignee_manual: false })).toBe("Owner's case");
    expect(assigneeLabel({ assignee: 'assistant', assignee_manual: false })).toBe("Assistant's case");
    expect(assigneeLabel({ assignee: 'owner', assignee_manual: true })).toBe("Owner's case (claimed)");
    expect(assigneeLabel({ assignee: 'assistant', assignee_manual: true })).toBe("Assistant's case (claimed)");
  });
});

describe('assignActions', () => {
  it('the owner claims the assistant’s cases and hands back their own, with a note', () => {
    expect(assignActions('owner', 'assistant').map((a) => [a.kind, a.assign, a.withNote])).toEqual([
      ['claim', 'owner', false],
    ]);
    expect(assignActions('owner', 'owner').map((a) => [a.kind, a.assign, a.withNote])).toEqual([
      ['hand-back', 'assistant', true],
    ]);
    expect(assignActions('owner', 'owner')[0].label).toBe('Hand back to assistant');
  });

  it('the assistant escalates its cases and leaves the owner’s alone', () => {
    expect(assignActions('assistant', 'assistant').map((a) => [a.kind, a.assign, a.withNote, a.label])).toEqual([
      ['escalate', 'owner', true, 'Escalate to owner'],
    ]);
    expect(assignActions('assistant', 'owner')).toEqual([]);
  });

  it('the a key does the one action there is', () => {
    expect(keyAssignAction('owner', 'assistant')?.kind).toBe('claim');
    expect(keyAssignAction('owner', 'owner')?.kind).toBe('hand-back');
    expect(keyAssignAction('assistant', 'assistant')?.kind).toBe('escalate');
    expect(keyAssignAction('assistant', 'owner')).toBeNull();
  });
});

describe('statusActions', () => {
  it('offers what makes sense for the status', () => {
    expect(statusActions('open').map((a) => a.status)).toEqual(['waiting', 'closed']);
    expect(statusActions('waiting').map((a) => a.status)).toEqual(['open', 'closed']);
    expect(statusActions('closed').map((a) => a.label)).toEqual(['Reopen']);
    expect(statusActions('open').find((a) => a.status === 'closed')?.key).toBe('e');
  });
});

describe('noteAuthor and replyingLabel', () => {
  it('names the author, or their role when they gave no name', () => {
    expect(noteAuthor({ author_name: 'Dana', author_role: 'assistant' })).toBe('Dana');
    expect(noteAuthor({ author_name: '', author_role: 'owner' })).toBe('Owner');
  });

  it('says who is replying', () => {
    expect(replyingLabel([])).toBeNull();
    expect(replyingLabel([{ name: 'Dana', role: 'assistant' }])).toBe('Dana (assistant) is replying');
    expect(replyingLabel([{ name: '', role: 'owner' }])).toBe('The owner is replying');
    expect(
      replyingLabel([
        { name: 'Dana', role: 'assistant' },
        { name: 'Olivia', role: 'owner' },
      ]),
    ).toBe('Dana (assistant) and Olivia (owner) are replying');
  });
});

describe('outboxLine', () => {
  const e = (state: string, last_error: string | null = null) => ({ state, last_error, attempts: 0 });
  it('says where each reply is', () => {
    expect(outboxLine(e('queued'))).toEqual({ text: 'Queued — goes out at the next sync', tone: 'ok' });
    expect(outboxLine(e('sending'))).toEqual({ text: 'Sending…', tone: 'busy' });
    expect(outboxLine(e('sent'))).toEqual({ text: 'Sent', tone: 'done' });
    expect(outboxLine(e('parked', 'The customer wrote again: read it, then send.'))).toEqual({
      text: 'Parked: The customer wrote again: read it, then send.',
      tone: 'warn',
    });
    expect(outboxLine(e('parked')).tone).toBe('warn');
    expect(outboxLine(e('queued', 'SMTP timed out')).tone).toBe('warn');
  });
});
