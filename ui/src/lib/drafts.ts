// Text typed but not sent yet (a reply, a note), kept per case while the app runs, so moving to
// another case and back does not lose it. Never stored: a reload starts clean.
const drafts = new Map<string, string>();

export type DraftKind = 'reply' | 'note' | 'assign';

function key(kind: DraftKind, caseId: string): string {
  return `${kind}:${caseId}`;
}

export function getDraft(kind: DraftKind, caseId: string): string {
  return drafts.get(key(kind, caseId)) ?? '';
}

export function setDraft(kind: DraftKind, caseId: string, text: string): void {
  if (text.trim() === '') drafts.delete(key(kind, caseId));
  else drafts.set(key(kind, caseId), text);
}

// The canned reply each reply draft started from (sent along, so a must-edit frame sent
// unchanged can be stopped). Cleared with the draft.
const templates = new Map<string, string>();

export function getDraftTemplate(caseId: string): string | null {
  return templates.get(caseId) ?? null;
}

export function setDraftTemplate(caseId: string, templateId: string | null): void {
  if (templateId === null) templates.delete(caseId);
  else templates.set(caseId, templateId);
}
