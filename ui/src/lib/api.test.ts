import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// api.ts reads window, history and sessionStorage at call time; give it a
// minimal browser-shaped world.
function fakeBrowser(href: string) {
  const store = new Map<string, string>();
  const location = { href };
  const history = {
    state: null,
    replaceState: vi.fn((_s: unknown, _t: string, url: string) => {
      location.href = new URL(url, location.href).href;
    }),
  };
  vi.stubGlobal('window', { location, history });
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  });
  return { location, history, store };
}

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('api (web mode)', () => {
  beforeEach(() => {
    vi.resetModules();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('takes the token out of the URL, keeps it, and sends it', async () => {
    const b = fakeBrowser('http://127.0.0.1:4100/?token=s3cret#x');
    const api = await import('./api');
    api.initWebToken();
    expect(b.location.href).toBe('http://127.0.0.1:4100/#x');
    expect(b.store.get(api.TOKEN_KEY)).toBe('s3cret');

    const fetchMock = vi.fn(async () => jsonResponse(200, { items: [] }));
    vi.stubGlobal('fetch', fetchMock);
    const result = await api.call('queue', { queue: 'owner' });
    expect(result).toEqual({ items: [] });
    expect(fetchMock).toHaveBeenCalledWith('/api/queue', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kindly-token': 's3cret' },
      body: JSON.stringify({ queue: 'owner' }),
    });
  });

  it('keeps other query parameters and reads the token back after a reload', async () => {
    const b = fakeBrowser('http://127.0.0.1:4100/?a=1&token=t');
    let api = await import('./api');
    api.initWebToken();
    expect(b.location.href).toBe('http://127.0.0.1:4100/?a=1');

    vi.resetModules();
    api = await import('./api');
    api.initWebToken();
    const fetchMock = vi.fn(async () => jsonResponse(200, {}));
    vi.stubGlobal('fetch', fetchMock);
    await api.call('app_info', {});
    const init = (fetchMock.mock.calls[0] as unknown[])[1] as RequestInit;
    expect((init.headers as Record<string, string>)['x-kindly-token']).toBe('t');
  });

  it('throws the backend error with its code and message', async () => {
    fakeBrowser('http://127.0.0.1:4100/?token=t');
    const api = await import('./api');
    api.initWebToken();
    vi.stubGlobal('fetch', async () =>
      jsonResponse(404, { code: 'not_found', message: 'No case with id abc. Reload the queue.' }),
    );
    const err = await api.call('case', { case_id: 'abc' }).catch((e) => e);
    expect(err).toBeInstanceOf(api.KindlyError);
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('No case with id abc. Reload the queue.');
  });

  it('explains a missing token and an unreachable server', async () => {
    fakeBrowser('http://127.0.0.1:4100/');
    const api = await import('./api');
    api.initWebToken();
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 401 }));
    await expect(api.call('app_info', {})).rejects.toMatchObject({ code: 'unauthorized' });
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.call('app_info', {})).rejects.toMatchObject({ code: 'unreachable' });
  });
});

describe('toKindlyError', () => {
  it('keeps an ApiError object from a rejected Tauri invoke', async () => {
    const { toKindlyError } = await import('./api');
    const e = toKindlyError({ code: 'db_locked', message: 'Close the other Kindly window.' });
    expect(e.code).toBe('db_locked');
    expect(e.message).toBe('Close the other Kindly window.');
    expect(toKindlyError('boom').message).toBe('boom');
  });
});

describe('fieldMessage', () => {
  it('shows what to do, as a sentence', async () => {
    const { fieldMessage } = await import('./api');
    expect(
      fieldMessage({
        code: 'bad_args',
        message: 'invalid arguments: write the acknowledgement first (a sentence or two, in your words)',
      }),
    ).toBe('Write the acknowledgement first (a sentence or two, in your words)');
    expect(fieldMessage({ code: 'no_mailbox', message: 'No mailbox is connected.' })).toBe('No mailbox is connected.');
    expect(fieldMessage({ code: 'invalid', message: 'invalid arguments: kept when the code says otherwise' })).toBe(
      'Invalid arguments: kept when the code says otherwise',
    );
    expect(fieldMessage({ code: 'bad_args', message: '' })).toBe('');
  });
});
