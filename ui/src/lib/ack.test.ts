import { describe, expect, it } from 'vitest';
import { ackPreview, EXAMPLE_CUSTOMER, firstName, personalize, replySubject, withGreeting } from './ack';

describe('personalize (as the core fills in the owner’s words)', () => {
  const t = "Hi {first_name}, thanks for buying {product}. About {subject}: I'll reply soon.";
  it('fills in the name, the product and the subject without its Re:', () => {
    expect(personalize(t, 'Maria', 'Watercolour Basics', 'Re: Download link')).toBe(
      "Hi Maria, thanks for buying Watercolour Basics. About “Download link”: I'll reply soon.",
    );
  });
  it('falls back to kind words when something is unknown', () => {
    expect(personalize(t, null, null, '')).toBe("Hi there, thanks for buying your order. About your message: I'll reply soon.");
    expect(personalize('About {subject}.', null, null, '  Re:  ')).toBe('About your message.');
  });
  it('strips RE: too, fills in every occurrence, and takes $ literally', () => {
    expect(personalize('{subject} / {subject}', null, null, 'RE: Refund')).toBe('“Refund” / “Refund”');
    expect(personalize('{product}', null, '$& Co', 'x')).toBe('$& Co');
  });
  it('leaves text without placeholders alone', () => {
    expect(personalize('Thanks, got it.', 'Maria', 'Book', 'Hello')).toBe('Thanks, got it.');
  });
});

describe('firstName and withGreeting (as the core greets)', () => {
  it('takes the first word when it reads like a name', () => {
    expect(firstName('Maria Lopez')).toBe('Maria');
    expect(firstName('  Jürgen Becker')).toBe('Jürgen');
    expect(firstName('ann@example.com')).toBeNull();
    expect(firstName('')).toBeNull();
    expect(firstName('42')).toBeNull();
  });
  it('says "Hi Maria," unless the words already greet', () => {
    expect(withGreeting('Thanks for writing.', 'Maria Lopez')).toBe('Hi Maria,\n\nThanks for writing.');
    expect(withGreeting('  Thanks.', 'Maria Lopez')).toBe('Hi Maria,\n\nThanks.');
    expect(withGreeting('Hello Maria, thanks.', 'Maria Lopez')).toBe('Hello Maria, thanks.');
    expect(withGreeting('Dear Maria', 'Maria Lopez')).toBe('Dear Maria');
    expect(withGreeting('Thanks.', 'ann@example.com')).toBe('Thanks.');
  });
  it('answers with Re: once', () => {
    expect(replySubject('Download link broken')).toBe('Re: Download link broken');
    expect(replySubject('RE: Download link broken')).toBe('RE: Download link broken');
  });
});

describe('ackPreview', () => {
  it('is the mail Maria would get', () => {
    expect(EXAMPLE_CUSTOMER.subject).toBe('Download link broken');
    expect(ackPreview('Thank you for writing about {subject}. I will look at {product} today.')).toBe(
      'Hi Maria,\n\nThank you for writing about “Download link broken”. I will look at Watercolour Basics today.',
    );
    expect(ackPreview('Hi {first_name}, your message arrived.')).toBe('Hi Maria, your message arrived.');
  });
});
