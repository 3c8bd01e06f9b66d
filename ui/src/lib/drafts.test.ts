import { describe, expect, it } from 'vitest';
import { getDraft, getDraftTemplate, setDraft, setDraftTemplate } from './drafts';

describe('drafts', () => {
  it('keeps text per case and kind, and forgets blank text', () => {
    setDraft('reply', 'c1', 'Hello Ana,');
    setDraft('note', 'c1', 'refund approved');
    expect(getDraft('reply', 'c1')).toBe('Hello Ana,');
    expect(getDraft('note', 'c1')).toBe('refund approved');
    expect(getDraft('reply', 'c2')).toBe('');
    setDraft('reply', 'c1', '   ');
    expect(getDraft('reply', 'c1')).toBe('');
  });
  it('remembers the canned reply a draft started from, per case', () => {
    setDraftTemplate('c1', 'apology');
    expect(getDraftTemplate('c1')).toBe('apology');
    expect(getDraftTemplate('c2')).toBeNull();
    setDraftTemplate('c1', null);
    expect(getDraftTemplate('c1')).toBeNull();
  });
});
