// The only module that talks to the backend. Every call is a command name plus
// JSON args, answered with a JSON result or an ApiError {code, message}.
// In the desktop app the call goes over Tauri IPC (`api` command); in a browser
// tab (`kindly serve`) it goes to POST /api/<name> on the loopback server.
import { invoke } from '@tauri-apps/api/core';
import type { ApiError, Commands } from '../bindings';

export const TOKEN_KEY = 'kindly.token';

/** An error from the backend (or from reaching it), with a stable code. */
export class KindlyError extends Error implements ApiError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'KindlyError';
    this.code = code;
  }
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}

/** Turn anything thrown on the way into a KindlyError. */
export function toKindlyError(err: unknown): KindlyError {
  if (err instanceof KindlyError) return err;
  if (isApiError(err)) return new KindlyError(err.code, err.message);
  if (typeof err === 'string') return new KindlyError('internal', err);
  if (err instanceof Error) return new KindlyError('internal', err.message);
  return new KindlyError('internal', 'Something went wrong. Try again, and restart Kindly if it keeps happening.');
}

/**
 * The message as a sentence to show next to a field: the core's "invalid arguments: write it
 * first" reads "Write it first" (the code already says the arguments were refused).
 */
export function fieldMessage(err: Pick<ApiError, 'code' | 'message'>): string {
  let text = err.message.trim();
  if (err.code === 'bad_args') text = text.replace(/^invalid arguments:\s*/i, '');
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

let token: string | null = null;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Web mode: `kindly serve` opens the page as `/?token=…`. Keep the token in
 * sessionStorage (it survives a reload of this tab only) and take it out of
 * the visible URL so it does not end up in bookmarks, history or screenshots.
 */
export function initWebToken(): void {
  if (typeof window === 'undefined' || isTauri()) return;
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    token = fromUrl;
    storage()?.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    const clean = url.pathname + (url.search === '?' ? '' : url.search) + url.hash;
    window.history.replaceState(window.history.state, '', clean);
  } else {
    token = storage()?.getItem(TOKEN_KEY) ?? null;
  }
}

async function callWeb(name: string, args: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch('/api/' + name, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kindly-token': token ?? '' },
      body: JSON.stringify(args ?? {}),
    });
  } catch {
    throw new KindlyError(
      'unreachable',
      'Kindly is not answering. Check that `kindly serve` is still running, then reload this page.',
    );
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    if (isApiError(body)) throw new KindlyError(body.code, body.message);
    if (response.status === 401 || response.status === 403) {
      throw new KindlyError(
        'unauthorized',
        'This page is not signed in. Open the link that `kindly serve` printed (it carries the token).',
      );
    }
    throw new KindlyError(`http_${response.status}`, `Kindly answered with HTTP ${response.status}. Try again.`);
  }
  if (text && body === null) {
    throw new KindlyError('bad_response', 'Kindly sent an answer this page cannot read. Reload the page.');
  }
  return body;
}

async function callTauri(name: string, args: unknown): Promise<unknown> {
  try {
    return await invoke('api', { name, args: args ?? {} });
  } catch (err) {
    throw toKindlyError(err);
  }
}

/** Call a backend command. Rejects with a KindlyError. */
export function call<K extends keyof Commands>(
  name: K,
  args: Commands[K]['args'],
): Promise<Commands[K]['result']> {
  const run = isTauri() ? callTauri : callWeb;
  return run(name, args) as Promise<Commands[K]['result']>;
}
