import { describe, expect, it } from 'vitest';
import { updateArgs } from './casechange';

describe('updateArgs', () => {
  it('fills every field the core expects, null where nothing changes', () => {
    expect(updateArgs('c1', { status: 'closed' })).toEqual({
      case_id: 'c1',
      status: 'closed',
      assign: null,
      note: null,
      private_note: false,
      snooze_until_ms: null,
      no_reply_needed: false,
    });
  });
  it('sends a hand-back and its note in one call, trimmed', () => {
    expect(updateArgs('c1', { assign: 'assistant', note: '  offer a refund \n' })).toEqual({
      case_id: 'c1',
      status: null,
      assign: 'assistant',
      note: 'offer a refund',
      private_note: false,
      snooze_until_ms: null,
      no_reply_needed: false,
    });
  });
  it('drops a blank note, and "private" without a note', () => {
    expect(updateArgs('c1', { assign: 'owner', note: '   ', privateNote: true })).toMatchObject({
      note: null,
      private_note: false,
    });
    expect(updateArgs('c1', { note: 'mine', privateNote: true })).toMatchObject({ note: 'mine', private_note: true });
  });
});
