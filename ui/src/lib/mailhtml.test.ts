import { describe, expect, it } from 'vitest';
import { buildSrcdoc, externalLinkTarget, MAIL_CSP } from './mailhtml';

describe('buildSrcdoc', () => {
  it('starts with the strict CSP meta tag', () => {
    const doc = buildSrcdoc('<p>Hello</p>');
    expect(
      doc.startsWith(
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
      ),
    ).toBe(true);
    expect(doc.endsWith('<p>Hello</p>')).toBe(true);
    expect(MAIL_CSP).not.toContain('script-src');
  });
});

describe('externalLinkTarget', () => {
  it('allows web and mail links', () => {
    expect(externalLinkTarget('https://shop.example/order/1')).toBe('https://shop.example/order/1');
    expect(externalLinkTarget(' http://a.example ')).toBe('http://a.example/');
    expect(externalLinkTarget('mailto:ann@example.com')).toBe('mailto:ann@example.com');
  });
  it('refuses script, data, file and relative links', () => {
    expect(externalLinkTarget('javascript:window.__pwned=3')).toBeNull();
    expect(externalLinkTarget('JavaScript:alert(1)')).toBeNull();
    expect(externalLinkTarget('data:text/html,<script>1</script>')).toBeNull();
    expect(externalLinkTarget('file:///etc/passwd')).toBeNull();
    expect(externalLinkTarget('/api/case')).toBeNull();
    expect(externalLinkTarget('')).toBeNull();
    expect(externalLinkTarget(null)).toBeNull();
  });
});
