// The automatic acknowledgement, as the customer will read it. Mirrors the core:
// `personalize` in src-tauri/core/src/mail/ack.rs and `first_name` / `with_greeting` in
// src-tauri/core/src/mail/compose.rs. Keep them in step.

/** The customer the settings page shows the preview for. */
export const EXAMPLE_CUSTOMER = {
  name: 'Maria Lopez',
  email: 'maria@example.com',
  product: 'Watercolour Basics',
  subject: 'Download link broken',
};

export type ExampleCustomer = typeof EXAMPLE_CUSTOMER;

/** The placeholders the owner can write; each is filled in per customer. */
export const ACK_PLACEHOLDERS = ['{first_name}', '{product}', '{subject}'] as const;

/** The customer's first name, as a greeting would use it: the first word, if it reads like a name. */
export function firstName(full: string): string | null {
  const first = full.trim().split(/\s+/u)[0] ?? '';
  if (first === '' || first.includes('@') || !/\p{Alphabetic}/u.test(first)) return null;
  return first;
}

function trimStartMatches(s: string, prefix: string): string {
  let out = s;
  while (out.startsWith(prefix)) out = out.slice(prefix.length);
  return out;
}

/**
 * The owner's words for one customer: `{first_name}` (else "there"), `{product}` (else "your
 * order"), `{subject}` in curly quotes without a leading "Re:" (else "your message").
 */
export function personalize(template: string, first: string | null, product: string | null, subject: string): string {
  const bare = trimStartMatches(trimStartMatches(subject.trim(), 'Re:'), 'RE:').trim();
  const quoted = bare === '' ? 'your message' : `“${bare}”`;
  // Function replacements: a `$&` in a name or a product is text, not a pattern.
  return template
    .replaceAll('{first_name}', () => first ?? 'there')
    .replaceAll('{product}', () => product ?? 'your order')
    .replaceAll('{subject}', () => quoted);
}

const GREETINGS = ['hi', 'hello', 'dear', 'hey', 'good morning', 'good afternoon', 'hola', 'hallo', 'bonjour'];

/** "Hi Maria," on top, unless the body already opens with a greeting (or there is no first name). */
export function withGreeting(body: string, customerName: string): string {
  const opening = body.trimStart().toLowerCase();
  const greeted = GREETINGS.some((g) => opening.startsWith(g));
  const first = firstName(customerName);
  return first !== null && !greeted ? `Hi ${first},\n\n${body.trimStart()}` : body;
}

/** The subject line the acknowledgement goes out with. */
export function replySubject(subject: string): string {
  return subject.toLowerCase().startsWith('re:') ? subject : `Re: ${subject}`;
}

/** The acknowledgement `customer` would get for the owner's words `body`. */
export function ackPreview(body: string, customer: ExampleCustomer = EXAMPLE_CUSTOMER): string {
  const text = personalize(body, firstName(customer.name), customer.product, customer.subject);
  return withGreeting(text, customer.name);
}
