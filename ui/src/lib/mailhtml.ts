/**
 * Mail HTML is untrusted. The core already sanitizes it (ammonia); the UI
 * adds a second wall: the HTML is shown in `<iframe sandbox="allow-same-origin">`
 * (no scripts, no forms, no popups, no top navigation) and starts with a CSP
 * that forbids every fetch except inline styles and data: images.
 */
export const MAIL_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const BASE_STYLE = [
  'html{color-scheme:light}',
  'body{margin:0;padding:4px 2px;font:14px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;word-wrap:break-word;overflow-wrap:anywhere}',
  'img{max-width:100%;height:auto}',
  'table{max-width:100%}',
  'a{color:#3b5bdb}',
  'blockquote{margin:0 0 0 .5em;padding-left:.75em;border-left:3px solid #dfe3ea;color:#667085}',
  'pre{white-space:pre-wrap}',
].join('');

/** The srcdoc for the sandboxed iframe. The CSP meta is the very first thing. */
export function buildSrcdoc(html: string): string {
  return (
    `<meta http-equiv="Content-Security-Policy" content="${MAIL_CSP}">` +
    `<meta name="referrer" content="no-referrer">` +
    `<style>${BASE_STYLE}</style>` +
    html
  );
}

/**
 * Whether a link from a mail may be opened outside the app (in a new
 * window / the system browser). Only http(s) and mailto are; javascript:,
 * data:, file: and relative links are not.
 */
export function externalLinkTarget(href: string | null | undefined): string | null {
  if (!href) return null;
  const trimmed = href.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:') {
    return url.href;
  }
  return null;
}
