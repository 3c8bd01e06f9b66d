import { describe, expect, it } from 'vitest';
import type { FeedbackCase, FeedbackGroup, Template } from '../bindings';
import {
  byProduct,
  cleanTopic,
  defaultBody,
  queuedText,
  suggestsLine,
  thankedSummary,
  thankError,
  thankLabel,
  topicChoices,
  unthanked,
  viewSummary,
} from './feedback';

function person(id: string, thanked: number | null = null): FeedbackCase {
  return { case_id: id, customer_name: id, customer_email: `${id}@x.example`, subject: '', last_message_ms: 0, thanked_ms: thanked };
}

function group(product: string, topic: string, cases: FeedbackCase[]): FeedbackGroup {
  return { kind: product ? 'complaint' : 'suggestion', product, topic, cases, done_ms: null };
}

describe('feedback', () => {
  it('groups complaints by product, the product with most cases first, no product last', () => {
    const groups = [
      group('Draft', 'Licence and activation', [person('a'), person('b')]),
      group('', 'Other', [person('c'), person('d'), person('e')]),
      group('Toolkit', 'Billing and charges', [person('f')]),
      group('Toolkit', 'Download and access', [person('g'), person('h')]),
      group('Bootcamp', 'Billing and charges', [person('i')]),
    ];
    const out = byProduct(groups);
    expect(out.map((p) => [p.label, p.count])).toEqual([
      ['Toolkit', 3],
      ['Draft', 2],
      ['Bootcamp', 1],
      ['No product named', 3],
    ]);
    // Within a product the core's order stays.
    expect(out[0].groups.map((g) => g.topic)).toEqual(['Billing and charges', 'Download and access']);
    expect(byProduct([])).toEqual([]);
  });

  it('summarises a topic and the whole view', () => {
    expect(thankedSummary(group('', 'Dark mode', [person('a')]))).toBeNull();
    expect(thankedSummary(group('', 'Dark mode', [person('a', 5), person('b')]))).toBe('1 of 2 thanked');
    expect(thankedSummary(group('', 'Dark mode', [person('a', 5), person('b', 6)]))).toBe('all thanked');
    expect(unthanked(group('', 'Dark mode', [person('a', 5), person('b'), person('c')]))).toBe(2);
    expect(
      viewSummary({ groups: [group('', 'Dark mode', [person('a'), person('b')]), group('', 'Print', [person('c')])] }),
    ).toBe('2 topics from 3 customers');
    expect(viewSummary({ groups: [group('', 'Print', [person('c')])] })).toBe('1 topic from 1 customer');
  });

  it('says what thanking queued, and what to do without a mailbox', () => {
    expect(queuedText(3)).toBe('3 thank-you replies queued');
    expect(queuedText(1)).toBe('1 thank-you reply queued');
    expect(queuedText(0)).toMatch(/already thanked/);
    expect(thankError({ code: 'no_mailbox', message: 'no mailbox' })).toMatch(/no support mailbox is connected.*Connect it/);
    expect(thankError({ code: 'bad_args', message: 'invalid arguments: write the thank-you first' })).toBe('Write the thank-you first');
    expect(thankLabel('suggestion', false)).toBe('Shipped — thank everyone');
    expect(thankLabel('complaint', false)).toBe('Fixed — thank them');
    expect(thankLabel('complaint', true)).toBe('Thank everyone');
  });

  it('starts the thank-you from the built-in canned reply of its kind', () => {
    const t = (id: string, body: string): Template => ({ id, name: id, body, must_edit: false, built_in: true });
    const templates = [t('thank-you', 'Thanks!'), t('suggestion-shipped', 'You suggested {topic}.'), t('complaint-fixed', 'Fixed {product}.')];
    expect(defaultBody('suggestion', templates)).toBe('You suggested {topic}.');
    expect(defaultBody('complaint', templates)).toBe('Fixed {product}.');
    // Never an empty box, even if the reply went missing.
    expect(defaultBody('suggestion', [])).toMatch(/\{topic\}/);
  });

  it('cleans typed topics and offers existing ones as chips', () => {
    expect(cleanTopic('  printable   version ')).toBe('printable version');
    expect(cleanTopic('   ')).toBeNull();
    const view = {
      groups: [group('', 'Printable version', [person('a'), person('b')]), group('', 'Dark mode', [person('c')]), group('', 'printable version', [person('d')])],
    };
    expect(topicChoices(view)).toEqual(['Printable version', 'Dark mode']);
    expect(topicChoices(view, 'Dark mode')).toEqual(['Printable version']);
    expect(topicChoices(null)).toEqual([]);
  });

  it('quotes the customer’s suggestion by their first name', () => {
    expect(suggestsLine('Walter Nguyen', 'A one-page printable version would be great.')).toBe(
      'Walter suggests: “A one-page printable version would be great.”',
    );
    expect(suggestsLine('info@shop.example', 'Dark mode?')).toBe('The customer suggests: “Dark mode?”');
  });
});
