import { describe, expect, it } from 'vitest';
import type { AppInfo, ServerSettings, SyncState } from '../bindings';
import {
  canConnect,
  connectArgsFromForm,
  describeSettings,
  emailDomain,
  emailError,
  emptyForm,
  firstError,
  formFromSettings,
  isEmail,
  oauthArgsFromForm,
  oauthChoice,
  parsePort,
  portAfterSecurityChange,
  readDismissed,
  serverFieldsInvalid,
  showWelcome,
  sourceLabel,
  WELCOME_DISMISSED_KEY,
  writeDismissed,
  type ConnectForm,
} from './connect';

const GMAIL: ServerSettings = {
  imap_host: 'imap.gmail.com',
  imap_port: 993,
  smtp_host: 'smtp.gmail.com',
  smtp_port: 465,
  security: 'tls',
  username: 'help@gmail.com',
  provider: 'Gmail',
  source: 'built-in',
  advice: 'Gmail needs an app password.',
  oauth: 'google',
};

const filled: ConnectForm = {
  email: ' help@shop.example ',
  imapHost: ' mail.shop.example ',
  imapPort: '993',
  smtpHost: 'mail.shop.example',
  smtpPort: ' 587 ',
  username: '',
  security: 'tls',
  password: ' abcd efgh ',
};

describe('email addresses', () => {
  it('accepts the usual shapes and refuses the rest', () => {
    expect(isEmail('help@shop.example')).toBe(true);
    expect(isEmail(' Help.Desk+eu@mail.shop.co.uk ')).toBe(true);
    expect(isEmail('help@localhost')).toBe(false);
    expect(isEmail('help@shop.')).toBe(false);
    expect(isEmail('help shop@x.com')).toBe(false);
    expect(isEmail('a@b@c.com')).toBe(false);
    expect(isEmail('shop.example')).toBe(false);
  });

  it('says what is wrong with an address', () => {
    expect(emailError('help@shop.example')).toBeNull();
    expect(emailError('  ')).toMatch(/Enter the address/);
    expect(emailError('help at shop.example')).toMatch(/no spaces/);
    expect(emailError('shop.example')).toMatch(/@/);
    expect(emailError('help@shop')).toMatch(/after the @/);
  });

  it('finds the domain', () => {
    expect(emailDomain(' Help@Shop.Example ')).toBe('shop.example');
    expect(emailDomain('nothing')).toBe('');
  });
});

describe('ports', () => {
  it('takes whole numbers from 1 to 65535', () => {
    expect(parsePort('993')).toBe(993);
    expect(parsePort(' 1 ')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort('0')).toBeNull();
    expect(parsePort('65536')).toBeNull();
    expect(parsePort('99.3')).toBeNull();
    expect(parsePort('-1')).toBeNull();
    expect(parsePort('')).toBeNull();
    expect(parsePort('993a')).toBeNull();
  });

  it('moves the usual IMAP port along with the security, leaves a chosen one', () => {
    expect(portAfterSecurityChange('993', 'tls', 'starttls')).toBe('143');
    expect(portAfterSecurityChange('143', 'starttls', 'tls')).toBe('993');
    expect(portAfterSecurityChange('', 'tls', 'starttls')).toBe('143');
    expect(portAfterSecurityChange('1143', 'tls', 'starttls')).toBe('1143');
  });
});

describe('the form', () => {
  it('prefills from the found settings, leaving the user name blank when it is the address', () => {
    const form = formFromSettings('help@gmail.com', GMAIL);
    expect(form).toEqual({
      email: 'help@gmail.com',
      imapHost: 'imap.gmail.com',
      imapPort: '993',
      smtpHost: 'smtp.gmail.com',
      smtpPort: '465',
      username: '',
      security: 'tls',
      password: '',
    });
    expect(formFromSettings('help@shop.example', { ...GMAIL, username: 'help', security: 'starttls' })).toMatchObject({
      username: 'help',
      security: 'starttls',
    });
    expect(formFromSettings('x@y.com', { ...GMAIL, security: 'weird' }).security).toBe('tls');
  });

  it('builds ConnectArgs: trimmed, ports as numbers, the address as user name, the password as typed', () => {
    const { args, errors } = connectArgsFromForm(filled);
    expect(errors).toEqual({});
    expect(args).toEqual({
      email: 'help@shop.example',
      imap_host: 'mail.shop.example',
      imap_port: 993,
      smtp_host: 'mail.shop.example',
      smtp_port: 587,
      username: 'help@shop.example',
      security: 'tls',
      password: ' abcd efgh ',
    });
    expect(connectArgsFromForm({ ...filled, username: ' helpdesk ' }).args?.username).toBe('helpdesk');
  });

  it('says what to fix on an empty form, in the order of the fields', () => {
    const { args, errors } = connectArgsFromForm(emptyForm('help@shop.example'));
    expect(args).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['imapHost', 'imapPort', 'password', 'smtpHost', 'smtpPort']);
    expect(errors.imapPort).toMatch(/usually 993/);
    expect(errors.smtpPort).toMatch(/465 or 587/);
    expect(firstError(errors)).toBe('imapHost');
    expect(serverFieldsInvalid(errors)).toBe(true);
    expect(serverFieldsInvalid({ password: 'x' })).toBe(false);
  });

  it('refuses ports out of range and hosts that are not host names', () => {
    const { errors } = connectArgsFromForm({
      ...filled,
      imapPort: '0',
      smtpPort: '70000',
      imapHost: 'imaps://mail.shop.example',
      smtpHost: 'mail.shop.example:465',
    });
    expect(errors.imapPort).toMatch(/1 to 65535/);
    expect(errors.smtpPort).toMatch(/1 to 65535/);
    expect(errors.imapHost).toMatch(/without imap:\/\//);
    expect(errors.smtpHost).toMatch(/own field/);
    expect(connectArgsFromForm({ ...filled, imapHost: 'help@mail.shop.example' }).errors.imapHost).toMatch(/name only/);
    expect(connectArgsFromForm({ ...filled, imapHost: '127.0.0.1', imapPort: '1' }).errors).toEqual({});
  });

  it('needs a plausible address', () => {
    expect(connectArgsFromForm({ ...filled, email: 'help' }).errors.email).toMatch(/@/);
  });
});

describe('describing the settings', () => {
  it('reads as one line', () => {
    expect(describeSettings(GMAIL)).toBe('IMAP imap.gmail.com:993 (TLS) · SMTP smtp.gmail.com:465');
    expect(describeSettings({ ...GMAIL, security: 'starttls', imap_port: 143 })).toBe(
      'IMAP imap.gmail.com:143 (STARTTLS) · SMTP smtp.gmail.com:465',
    );
  });

  it('says where they came from', () => {
    expect(sourceLabel('built-in')).toBe('Built into Kindly');
    expect(sourceLabel('https://autoconfig.shop.example/mail/config-v1.1.xml')).toBe(
      'Published at autoconfig.shop.example',
    );
    expect(sourceLabel('dns')).toBe('From dns');
  });
});

describe('the welcome card', () => {
  const info = { demo: true, role_chosen: true } as AppInfo;
  const sync = { phase: 'not-connected' } as SyncState;

  it('shows on the demo inbox with no mailbox, after the role question, until dismissed', () => {
    expect(showWelcome(info, sync, false)).toBe(true);
    expect(showWelcome(info, sync, true)).toBe(false);
    expect(showWelcome({ ...info, role_chosen: false }, sync, false)).toBe(false);
    expect(showWelcome({ ...info, demo: false }, sync, false)).toBe(false);
    expect(showWelcome(info, { ...sync, phase: 'connecting' }, false)).toBe(false);
    expect(showWelcome(null, sync, false)).toBe(false);
    expect(showWelcome(info, null, false)).toBe(false);
  });

  it('remembers the dismissal, and survives a storage that refuses', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(readDismissed(storage)).toBe(false);
    writeDismissed(storage);
    expect(store.get(WELCOME_DISMISSED_KEY)).toBe('1');
    expect(readDismissed(storage)).toBe(true);
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(readDismissed(broken)).toBe(false);
    expect(() => writeDismissed(broken)).not.toThrow();
    expect(readDismissed(null)).toBe(false);
  });

  it('the sync line offers to connect only when there is no mailbox', () => {
    expect(canConnect(sync)).toBe(true);
    expect(canConnect({ ...sync, phase: 'synced' })).toBe(false);
    expect(canConnect(null)).toBe(false);
  });
});

describe('signing in with the provider', () => {
  it('is offered for the providers the core can sign in with', () => {
    expect(oauthChoice(GMAIL)).toEqual({ provider: 'google', label: 'Sign in with Google' });
    expect(oauthChoice({ oauth: 'microsoft' })?.label).toBe('Sign in with Microsoft');
    expect(oauthChoice({ oauth: null })).toBeNull();
    expect(oauthChoice(null)).toBeNull();
  });

  it('takes the servers without a password', () => {
    const { args, errors } = oauthArgsFromForm({ ...filled, password: '' }, 'google');
    expect(errors).toEqual({});
    expect(args).toEqual({
      email: 'help@shop.example',
      provider: 'google',
      imap_host: 'mail.shop.example',
      imap_port: 993,
      smtp_host: 'mail.shop.example',
      smtp_port: 587,
      username: 'help@shop.example',
      security: 'tls',
    });
    expect(args && 'password' in args).toBe(false);
    const bad = oauthArgsFromForm({ ...filled, imapHost: '' }, 'google');
    expect(bad.args).toBeNull();
    expect(bad.errors.imapHost).toMatch(/IMAP/);
    expect(bad.errors.password).toBeUndefined();
  });
});
