// Connecting the support mailbox from the window: the form's checks, the ConnectArgs the core
// takes, and the words that describe the settings Kindly found. No network here: the dialog
// asks the core (`discover_settings`, `connect_mailbox`).
import type { AppInfo, ConnectArgs, ConnectOAuthArgs, ServerSettings, SyncState } from '../bindings';

export type Security = 'tls' | 'starttls' | 'none';

export const SECURITY_OPTIONS: { value: Security; label: string }[] = [
  { value: 'tls', label: 'TLS' },
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'none', label: 'None (unencrypted)' },
];

/** What the dialog's fields hold: text as typed (ports too), checked on Connect. */
export type ConnectForm = {
  email: string;
  imapHost: string;
  imapPort: string;
  smtpHost: string;
  smtpPort: string;
  /** Blank means the address itself. */
  username: string;
  security: Security;
  password: string;
};

export type ConnectField = keyof ConnectForm;
export type ConnectErrors = Partial<Record<ConnectField, string>>;

/** The usual IMAP port for each kind of security. */
export const IMAP_PORTS: Record<Security, number> = { tls: 993, starttls: 143, none: 143 };

export function asSecurity(value: string | null | undefined): Security {
  return value === 'starttls' || value === 'none' ? value : 'tls';
}

/** A plausible address: something@domain.tld, no spaces, one @. */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text.trim());
}

/** Why the address will not do, or null. */
export function emailError(text: string): string | null {
  const s = text.trim();
  if (s === '') return 'Enter the address your customers write to, for example help@yourshop.com.';
  if (/\s/.test(s)) return 'An email address has no spaces.';
  if (!s.includes('@')) return 'An email address has an @, for example help@yourshop.com.';
  if (!isEmail(s)) return 'That does not look like an email address: check the part after the @.';
  return null;
}

/** "help@Shop.Example " → "shop.example" ("" when there is no @). */
export function emailDomain(email: string): string {
  const s = email.trim();
  const at = s.lastIndexOf('@');
  return at < 0 ? '' : s.slice(at + 1).toLowerCase();
}

/** The empty form for an address Kindly found nothing for: the person types the servers in. */
export function emptyForm(email = ''): ConnectForm {
  return { email: email.trim(), imapHost: '', imapPort: '', smtpHost: '', smtpPort: '', username: '', security: 'tls', password: '' };
}

/** The form prefilled with what `discover_settings` found. */
export function formFromSettings(email: string, s: ServerSettings): ConnectForm {
  const address = email.trim();
  return {
    email: address,
    imapHost: s.imap_host,
    imapPort: String(s.imap_port),
    smtpHost: s.smtp_host,
    smtpPort: String(s.smtp_port),
    // The address itself is the default; show a user name only when it differs.
    username: s.username.trim().toLowerCase() === address.toLowerCase() ? '' : s.username,
    security: asSecurity(s.security),
    password: '',
  };
}

/** A TCP port, 1–65535, or null. */
export function parsePort(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
}

function portError(text: string, what: string, usual: string): string | undefined {
  const s = text.trim();
  if (s === '') return `Enter the ${what} port (usually ${usual}).`;
  if (parsePort(s) === null) return `A port is a whole number from 1 to 65535 (usually ${usual}).`;
  return undefined;
}

function hostError(text: string, what: string): string | undefined {
  const s = text.trim();
  if (s === '') return `Enter the ${what} server, for example ${what.toLowerCase()}.yourprovider.com.`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return 'Enter the server name only, without imap:// or https://.';
  if (/\s/.test(s)) return 'A server name has no spaces.';
  if (/^[^:]+:\d+$/.test(s)) return 'Put the port in its own field.';
  if (/[/@]/.test(s)) return 'Enter the server name only, for example imap.yourprovider.com.';
  return undefined;
}

/** The form checked: the arguments for `connect_mailbox`, or what to fix. */
export function connectArgsFromForm(form: ConnectForm): { args: ConnectArgs | null; errors: ConnectErrors } {
  const errors: ConnectErrors = {};
  const email = emailError(form.email);
  if (email) errors.email = email;
  const imapHost = hostError(form.imapHost, 'IMAP');
  if (imapHost) errors.imapHost = imapHost;
  const imapPort = portError(form.imapPort, 'IMAP', String(IMAP_PORTS[form.security]));
  if (imapPort) errors.imapPort = imapPort;
  const smtpHost = hostError(form.smtpHost, 'SMTP');
  if (smtpHost) errors.smtpHost = smtpHost;
  const smtpPort = portError(form.smtpPort, 'SMTP', '465 or 587');
  if (smtpPort) errors.smtpPort = smtpPort;
  if (/\s/.test(form.username.trim())) errors.username = 'A user name has no spaces.';
  if (form.password === '') errors.password = 'Enter the password for this mailbox.';
  if (Object.keys(errors).length > 0) return { args: null, errors };

  const address = form.email.trim();
  return {
    args: {
      email: address,
      imap_host: form.imapHost.trim(),
      imap_port: parsePort(form.imapPort) as number,
      smtp_host: form.smtpHost.trim(),
      smtp_port: parsePort(form.smtpPort) as number,
      username: form.username.trim() || address,
      security: form.security,
      // As typed: spaces can be part of a password (Gmail shows app passwords in groups of four).
      password: form.password,
    },
    errors,
  };
}

/** "Sign in with Google" / "…Microsoft" when the core can sign in with the provider (OAuth2) for
 * these settings, else null: then only a password will do. */
export function oauthChoice(s: Pick<ServerSettings, 'oauth'> | null): { provider: string; label: string } | null {
  switch (s?.oauth) {
    case 'google':
      return { provider: 'google', label: 'Sign in with Google' };
    case 'microsoft':
      return { provider: 'microsoft', label: 'Sign in with Microsoft' };
    default:
      return null;
  }
}

/** The form checked for `connect_oauth`: the same servers as for a password, no password. */
export function oauthArgsFromForm(
  form: ConnectForm,
  provider: string,
): { args: ConnectOAuthArgs | null; errors: ConnectErrors } {
  const { args, errors } = connectArgsFromForm({ ...form, password: 'unused' });
  if (args === null) return { args: null, errors };
  const { password: _unused, ...servers } = args;
  return { args: { ...servers, provider }, errors };
}

/** The fields in the order they appear, for focusing the first one to fix. */
export const FIELD_ORDER: ConnectField[] = [
  'email',
  'imapHost',
  'imapPort',
  'security',
  'smtpHost',
  'smtpPort',
  'username',
  'password',
];

export function firstError(errors: ConnectErrors): ConnectField | null {
  return FIELD_ORDER.find((f) => errors[f] !== undefined) ?? null;
}

/** True when a server field (hidden behind "Edit servers") has something to fix. */
export function serverFieldsInvalid(errors: ConnectErrors): boolean {
  return ['imapHost', 'imapPort', 'smtpHost', 'smtpPort', 'username', 'security'].some(
    (f) => errors[f as ConnectField] !== undefined,
  );
}

/** A new security choice moves the IMAP port along when it was the usual one (993 ↔ 143). */
export function portAfterSecurityChange(port: string, from: Security, to: Security): string {
  const s = port.trim();
  if (s === '' || parsePort(s) === IMAP_PORTS[from]) return String(IMAP_PORTS[to]);
  return port;
}

export function securityLabel(security: string): string {
  switch (security) {
    case 'tls':
      return 'TLS';
    case 'starttls':
      return 'STARTTLS';
    case 'none':
      return 'unencrypted';
    default:
      return security;
  }
}

/** "IMAP imap.gmail.com:993 (TLS) · SMTP smtp.gmail.com:465" */
export function describeSettings(s: Pick<ServerSettings, 'imap_host' | 'imap_port' | 'smtp_host' | 'smtp_port' | 'security'>): string {
  return `IMAP ${s.imap_host}:${s.imap_port} (${securityLabel(s.security)}) · SMTP ${s.smtp_host}:${s.smtp_port}`;
}

/** Where the settings came from: "Built into Kindly", or "Published at autoconfig.shop.example". */
export function sourceLabel(source: string): string {
  if (source === 'built-in' || source.trim() === '') return 'Built into Kindly';
  try {
    return `Published at ${new URL(source).host}`;
  } catch {
    return `From ${source}`;
  }
}

// First run on the demo inbox: the welcome card, until it is dismissed or a mailbox connects.

export const WELCOME_DISMISSED_KEY = 'kindly.welcome.dismissed';

export function showWelcome(info: AppInfo | null, sync: SyncState | null, dismissed: boolean): boolean {
  return !dismissed && info !== null && info.role_chosen && info.demo && sync !== null && sync.phase === 'not-connected';
}

/** The sync line offers to connect when there is no mailbox. */
export function canConnect(sync: SyncState | null): boolean {
  return sync !== null && sync.phase === 'not-connected';
}

/** Read and write the dismissal, surviving a storage that refuses (private windows, tests). */
export function readDismissed(storage: Pick<Storage, 'getItem'> | null): boolean {
  try {
    return storage?.getItem(WELCOME_DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

export function writeDismissed(storage: Pick<Storage, 'setItem'> | null): void {
  try {
    storage?.setItem(WELCOME_DISMISSED_KEY, '1');
  } catch {
    // Dismissed for this session only.
  }
}
