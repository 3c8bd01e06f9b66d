// The "Caring for customers" settings card: answer targets, the status-update nudge, the purchase
// session, the cold words the composer warns about, the canned replies and the download link,
// edited as text and checked here before they go to the core (which checks again and may refuse
// with a message).
import type { CareSettings, Template } from '../bindings';
import { parseCount } from './settings';

/** The core takes 1 to 1,440 hours (60 days) for each target. */
export const MAX_HOURS = 24 * 60;
/** The purchase session: 0 (off) to 1,440 minutes (a day), as the core takes it. */
export const MAX_SESSION_MINUTES = 24 * 60;

/** A canned reply being edited; `id` is null for a new one until it is saved (then it comes from the name). */
export type TemplateForm = {
  key: number;
  id: string | null;
  name: string;
  body: string;
  mustEdit: boolean;
  /** Kindly's own buttons use it (the core says which): editable, not removable. */
  builtIn: boolean;
};

export type CareForm = {
  ownerHours: string;
  assistantHours: string;
  nudgeHours: string;
  sessionMinutes: string;
  /** One word or phrase a line. */
  coldWords: string;
  templates: TemplateForm[];
  downloadLink: string;
};

export type TemplateErrors = { name?: string; body?: string };
export type CareErrors = {
  ownerHours?: string;
  assistantHours?: string;
  nudgeHours?: string;
  sessionMinutes?: string;
  downloadLink?: string;
  /** By the template's `key`. */
  templates: Record<number, TemplateErrors>;
};

let nextKey = 1;
/** A fresh key for a template row (keys only tell rows apart in the list). */
export function templateKey(): number {
  return nextKey++;
}

export function formFromCare(s: CareSettings): CareForm {
  return {
    ownerHours: String(s.answer_owner_hours),
    assistantHours: String(s.answer_assistant_hours),
    nudgeHours: String(s.status_update_hours),
    sessionMinutes: String(s.session_minutes),
    coldWords: s.cold_words.join('\n'),
    templates: s.templates.map((t) => ({
      key: templateKey(),
      id: t.id,
      name: t.name,
      body: t.body,
      mustEdit: t.must_edit,
      builtIn: t.built_in,
    })),
    downloadLink: s.download_link,
  };
}

/** One per line, trimmed, inner spaces collapsed, blanks and repeats (any case) left out. */
export function parseColdWords(text: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const word = line.trim().replace(/\s+/g, ' ');
    if (word === '' || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    words.push(word);
  }
  return words;
}

/** "Did the download work?" → "did-the-download-work", unique among `taken` ("…-2"). */
export function templateId(name: string, taken: ReadonlySet<string>): string {
  const slug =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'reply';
  if (!taken.has(slug)) return slug;
  let n = 2;
  while (taken.has(`${slug}-${n}`)) n++;
  return `${slug}-${n}`;
}

/** Blank, or an http(s) address; `{order_id}` and `{product}` are filled in per customer. */
export function checkDownloadLink(text: string): string | undefined {
  const link = text.trim();
  if (link === '') return undefined;
  if (!/^https?:\/\/[^\s/]+\S*$/i.test(link)) {
    return 'Start the link with https://, for example https://example.com/download?order={order_id}';
  }
  return undefined;
}

function checkTemplate(t: TemplateForm): TemplateErrors {
  const errors: TemplateErrors = {};
  if (t.name.trim() === '') errors.name = 'Give this reply a name, for example “Did the download work?”.';
  if (t.body.trim() === '') errors.body = 'Write the reply, or remove it.';
  else if (t.mustEdit && !/\[[^\]\n]+\]/.test(t.body)) {
    errors.body = 'A reply to make personal needs at least one [part to write], in square brackets.';
  }
  return errors;
}

/** Check every field; settings only when all of them are right. New replies get ids from their names. */
export function careFromForm(form: CareForm): { care: CareSettings | null; errors: CareErrors } {
  const what = 'hours';
  const owner = parseCount(form.ownerHours, 1, MAX_HOURS, what);
  const assistant = parseCount(form.assistantHours, 1, MAX_HOURS, what);
  const nudge = parseCount(form.nudgeHours, 1, MAX_HOURS, what);
  const session = parseCount(form.sessionMinutes, 0, MAX_SESSION_MINUTES, 'minutes');
  const errors: CareErrors = { templates: {} };
  if (!owner.ok) errors.ownerHours = owner.error;
  if (!assistant.ok) errors.assistantHours = assistant.error;
  if (!nudge.ok) errors.nudgeHours = nudge.error;
  if (!session.ok) errors.sessionMinutes = session.error;
  const link = checkDownloadLink(form.downloadLink);
  if (link) errors.downloadLink = link;
  for (const t of form.templates) {
    const e = checkTemplate(t);
    if (e.name || e.body) errors.templates[t.key] = e;
  }
  if (!owner.ok || !assistant.ok || !nudge.ok || !session.ok || link !== undefined || Object.keys(errors.templates).length > 0) {
    return { care: null, errors };
  }

  // Existing replies keep their ids (the app and sent drafts refer to them); new ones take a free one.
  const taken = new Set(form.templates.flatMap((t) => (t.id === null ? [] : [t.id])));
  const templates: Template[] = form.templates.map((t) => {
    let id = t.id;
    if (id === null) {
      id = templateId(t.name, taken);
      taken.add(id);
    }
    return { id, name: t.name.trim(), body: t.body.trim(), must_edit: t.mustEdit, built_in: t.builtIn };
  });
  return {
    care: {
      answer_owner_hours: owner.value,
      answer_assistant_hours: assistant.value,
      status_update_hours: nudge.value,
      cold_words: parseColdWords(form.coldWords),
      templates,
      download_link: form.downloadLink.trim(),
      session_minutes: session.value,
    },
    errors,
  };
}

/** The form as it would be saved, for "is anything changed?" (row keys left out). */
function comparable(form: CareForm): string {
  return JSON.stringify([
    form.ownerHours.trim(),
    form.assistantHours.trim(),
    form.nudgeHours.trim(),
    form.sessionMinutes.trim(),
    parseColdWords(form.coldWords),
    form.templates.map((t) => [t.id, t.name.trim(), t.body.trim(), t.mustEdit]),
    form.downloadLink.trim(),
  ]);
}

export function sameForm(a: CareForm, b: CareForm): boolean {
  return comparable(a) === comparable(b);
}

/** A one-line summary for after a save: "Owner-lane mail within 4 hours, the rest within 24; …". */
export function careSummary(s: CareSettings): string {
  const h = (n: number) => `${n} ${n === 1 ? 'hour' : 'hours'}`;
  return `Owner-lane mail is answered within ${h(s.answer_owner_hours)}, the rest within ${h(s.answer_assistant_hours)}; a status update is due after ${h(s.status_update_hours)}.`;
}
