import { describe, expect, it } from 'vitest';
import type { CareSettings } from '../bindings';
import {
  careFromForm,
  careSummary,
  checkDownloadLink,
  formFromCare,
  parseColdWords,
  sameForm,
  templateId,
  templateKey,
} from './caresettings';

const saved: CareSettings = {
  answer_owner_hours: 4,
  answer_assistant_hours: 24,
  status_update_hours: 48,
  cold_words: ['blacklist', 'per our policy'],
  templates: [
    { id: 'apology', name: 'Apology', body: "I'm truly sorry: [say what went wrong].", must_edit: true, built_in: true },
    { id: 'thank-you', name: 'Thank you back', body: 'Thank you, {first_name}!', must_edit: false, built_in: true },
  ],
  download_link: 'https://example.com/d/{order_id}',
  session_minutes: 30,
};

describe('formFromCare / careFromForm', () => {
  it('round-trips the core’s settings', () => {
    const form = formFromCare(saved);
    expect(form.ownerHours).toBe('4');
    expect(form.coldWords).toBe('blacklist\nper our policy');
    const { care, errors } = careFromForm(form);
    expect(errors).toEqual({ templates: {} });
    expect(care).toEqual(saved);
    expect(sameForm(form, formFromCare(saved))).toBe(true);
  });

  it('gives a new reply an id from its name and keeps the ids of existing ones, even renamed', () => {
    const form = formFromCare(saved);
    form.templates[1].name = 'Thanks again';
    form.templates.push({ key: templateKey(), id: null, name: 'Apology', body: 'Sorry [why]', mustEdit: true, builtIn: false });
    form.templates.push({ key: templateKey(), id: null, name: 'Où est ma commande ?', body: 'On its way.', mustEdit: false, builtIn: false });
    const { care } = careFromForm(form);
    expect(care?.templates.map((t) => t.id)).toEqual(['apology', 'thank-you', 'apology-2', 'ou-est-ma-commande']);
    expect(care?.templates[1].name).toBe('Thanks again');
    expect(sameForm(form, formFromCare(saved))).toBe(false);
  });

  it('reports each wrong field, and no settings', () => {
    const form = formFromCare(saved);
    form.ownerHours = '0';
    form.assistantHours = 'a day';
    form.nudgeHours = '2000';
    form.downloadLink = 'example.com/d';
    form.templates[0].body = 'Sorry about that.'; // must edit, but nothing to write
    form.templates[1].name = ' ';
    const { care, errors } = careFromForm(form);
    expect(care).toBeNull();
    expect(errors.ownerHours).toMatch(/at least 1/);
    expect(errors.assistantHours).toMatch(/whole number/);
    expect(errors.nudgeHours).toMatch(/at most 1,440/);
    expect(errors.downloadLink).toMatch(/https:\/\//);
    expect(errors.templates[form.templates[0].key].body).toMatch(/\[part to write\]/);
    expect(errors.templates[form.templates[1].key].name).toMatch(/name/);
  });

  it('takes a purchase session of 0 (off) to 1,440 minutes', () => {
    const session = (text: string) => careFromForm({ ...formFromCare(saved), sessionMinutes: text });
    expect(formFromCare(saved).sessionMinutes).toBe('30');
    expect(session(' 0 ').care?.session_minutes).toBe(0);
    expect(session('1440').care?.session_minutes).toBe(1440);
    expect(session('2000').care).toBeNull();
    expect(session('2000').errors.sessionMinutes).toMatch(/at most 1,440/);
    expect(session('half an hour').errors.sessionMinutes).toMatch(/whole number/);
    expect(session('').errors.sessionMinutes).toMatch(/Enter the number of minutes/);
    expect(sameForm({ ...formFromCare(saved), sessionMinutes: '45' }, formFromCare(saved))).toBe(false);
  });

  it('lets the owner lane have a longer target than the rest (the core allows it)', () => {
    const { care } = careFromForm({ ...formFromCare(saved), ownerHours: '1000' });
    expect(care?.answer_owner_hours).toBe(1000);
  });

  it('sums the targets up in a sentence', () => {
    expect(careSummary(saved)).toBe(
      'Owner-lane mail is answered within 4 hours, the rest within 24 hours; a status update is due after 48 hours.',
    );
  });
});

describe('parseColdWords', () => {
  it('takes one per line, trimmed, without blanks or repeats', () => {
    expect(parseColdWords('  blacklist \n\nPer  our policy\nper our policy\r\nas stated')).toEqual([
      'blacklist',
      'Per our policy',
      'as stated',
    ]);
    expect(parseColdWords('')).toEqual([]);
  });
});

describe('templateId', () => {
  it('makes a short slug, unique among the ids taken', () => {
    expect(templateId('Did the download work?', new Set())).toBe('did-the-download-work');
    expect(templateId('Apology', new Set(['apology', 'apology-2']))).toBe('apology-3');
    expect(templateId('!!!', new Set())).toBe('reply');
    expect(templateId('x'.repeat(80), new Set()).length).toBe(48);
  });
});

describe('checkDownloadLink', () => {
  it('allows a blank link or an http(s) address', () => {
    expect(checkDownloadLink('')).toBeUndefined();
    expect(checkDownloadLink(' https://shop.example/d?o={order_id}&p={product} ')).toBeUndefined();
    expect(checkDownloadLink('ftp://x')).toMatch(/https/);
    expect(checkDownloadLink('https://')).toMatch(/https/);
  });
});
