// Test harness for the browser specs: a fresh Kindly database (demo inbox plus
// tests/fixtures/hostile.mbox), `kindly serve` on a free loopback port, and
// Debian's Chromium driven by playwright-core.
//
//   KINDLY_BIN      the kindly binary (default: <repo>/target/debug/kindly)
//   KINDLY_UI_DIR   the built UI that `kindly serve` serves (default: <repo>/ui/dist)
//   CHROMIUM_BIN    the browser (default: /usr/bin/chromium)
//   KINDLY_E2E_EXTRA_MBOX / KINDLY_E2E_EXTRA_ORDERS   optional extra mail / orders CSV to import

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const kindlyBin = process.env.KINDLY_BIN || join(repoRoot, 'target', 'debug', 'kindly');
export const uiDir = process.env.KINDLY_UI_DIR || join(repoRoot, 'ui', 'dist');
export const hostileMbox = join(repoRoot, 'tests', 'fixtures', 'hostile.mbox');
export const outDir = join(here, 'out');

/** The exact line `kindly serve` prints once it listens. */
const URL_LINE = /(http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))/;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function preflight() {
  if (!existsSync(kindlyBin)) {
    throw new Error(`kindly binary not found at ${kindlyBin}. Build it (cargo build) or set KINDLY_BIN.`);
  }
  if (!existsSync(join(uiDir, 'index.html'))) {
    throw new Error(`the UI is not built at ${uiDir}. Run \`npm ci && npm run build\` in ui/, or set KINDLY_UI_DIR.`);
  }
}

/** Run the kindly CLI against `db` (with extra environment `env`); resolves with stdout. */
export async function kindly(db, args, { timeout = 60_000, env = {} } = {}) {
  try {
    const { stdout } = await run(kindlyBin, ['--db', db, ...args], {
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...env, KINDLY_UI_DIR: uiDir },
    });
    return stdout;
  } catch (err) {
    const e = /** @type {any} */ (err);
    throw new Error(`kindly ${args.join(' ')} failed (exit ${e.code}): ${e.stderr || e.message}`);
  }
}

/**
 * Start a server on a fresh database holding the demo inbox and the hostile
 * fixture. Returns { url, origin, token, port, db, dir, cli, stop }.
 *
 * The first-run question ("Are you the owner or an assistant?") is answered beforehand with
 * `kindly role <role> --name <name>` (owner Olivia by default); `role: null` leaves it open.
 * `env` is extra environment for the server and `cli` (a fake payment provider's address, a
 * private keychain's bus), read when the server starts.
 */
export async function startKindly({ importHostile = true, startTimeoutMs = 30_000, role = 'owner', name = 'Olivia', env = {} } = {}) {
  preflight();
  const dir = await mkdtemp(join(tmpdir(), 'kindly-e2e-'));
  const db = join(dir, 'k.db');
  await kindly(db, ['demo']);
  if (role) await kindly(db, ['role', role, ...(name ? ['--name', name] : [])]);
  if (importHostile) await kindly(db, ['import', '--mbox', hostileMbox]);
  if (process.env.KINDLY_E2E_EXTRA_MBOX) await kindly(db, ['import', '--mbox', process.env.KINDLY_E2E_EXTRA_MBOX]);
  if (process.env.KINDLY_E2E_EXTRA_ORDERS) {
    await kindly(db, ['import-orders', '--csv', process.env.KINDLY_E2E_EXTRA_ORDERS]);
  }

  const child = spawn(kindlyBin, ['--db', db, 'serve', '--port', '0'], {
    env: { ...process.env, ...env, KINDLY_UI_DIR: uiDir, RUST_LOG: process.env.RUST_LOG || 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
  });
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  const found = await new Promise((resolveUrl, rejectUrl) => {
    let stdout = '';
    const timer = setTimeout(() => {
      rejectUrl(new Error(`kindly serve printed no URL within ${startTimeoutMs} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, startTimeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      for (const line of stdout.split('\n')) {
        const m = URL_LINE.exec(line);
        if (m) {
          clearTimeout(timer);
          resolveUrl({ url: m[1], port: Number(m[2]), token: m[3] });
          return;
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rejectUrl(new Error(`kindly serve exited (${code ?? signal}) before printing its URL.\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  }).catch(async (err) => {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  });

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // graceful shutdown (the server waits for Ctrl-C)
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  return {
    ...found,
    origin: `http://127.0.0.1:${found.port}`,
    db,
    dir,
    cli: (args) => kindly(db, args, { env }),
    /** The CLI's `--json` answer, parsed. */
    json: async (args) => JSON.parse(await kindly(db, [...args, '--json'], { env })),
    stderr: () => stderr,
    stop,
  };
}

/** Debian's Chromium, headless, with the network chatter switched off. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/**
 * A fresh page on the server's URL that records every request and every
 * uncaught page error. Resolves once the app has rendered its queues.
 */
export async function openApp(browser, server, { width = 1440, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const requests = [];
  const blockedByCsp = [];
  const pageErrors = [];
  const consoleErrors = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    if (why === 'csp' || why.includes('BLOCKED_BY_CSP')) blockedByCsp.push(req.url());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  await page.goto(server.url);
  await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
  return { context, page, requests, blockedByCsp, pageErrors, consoleErrors };
}

/** Full-page screenshot to tests/e2e/out/<name>.png (the folder is git-ignored). */
export async function screenshot(page, name) {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Requests to any host but 127.0.0.1. URLs in `blocked` (refused by CSP
 * inside the browser, so never sent) are left out.
 */
export function foreignRequests(requests, blocked = []) {
  return requests.filter((u) => {
    if (blocked.includes(u)) return false;
    if (u.startsWith('data:') || u.startsWith('about:') || u.startsWith('blob:')) return false;
    try {
      return new URL(u).hostname !== '127.0.0.1';
    } catch {
      return true;
    }
  });
}

/** Poll `fn` until it returns a truthy value (or throw after `timeout` ms). */
export async function eventually(fn, { timeout = 10_000, interval = 50, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${message}; last value: ${String(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Registers a spec's before/after hooks: a fresh Kindly, Chromium, and the app open on it; a
 * screenshot named `name` at the end. The returned object gains `server`, `browser` and `app`.
 * `options` go to startKindly, e.g. `{ role: null }` for the first-run dialog, or
 * `{ role: 'assistant', name: 'Dana' }`.
 */
export function useApp(name, options) {
  const ctx = {};
  before(async () => {
    ctx.server = await startKindly(options);
    ctx.browser = await launchBrowser();
    ctx.app = await openApp(ctx.browser, ctx.server);
  });
  after(async () => {
    if (ctx.app) await screenshot(ctx.app.page, name).catch(() => {});
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

/** The count the sidebar shows for queue `q`. */
export const queueCount = async (page, q) => Number(await page.innerText(`[data-testid=queue-${q}] [data-testid=count]`));

/** The case ids in the list, top to bottom. */
export const caseRowIds = (page) =>
  page.locator('[data-testid=case-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-id')));

/** Goes to queue `q` and waits until the list is the CLI's; returns its case ids. */
export async function showQueue(server, page, q) {
  await page.click(`[data-testid=queue-${q}]`);
  const want = JSON.stringify((await server.json(['queue', q])).map((i) => i.case_id));
  await eventually(async () => JSON.stringify(await caseRowIds(page)) === want, { message: `the ${q} list` });
  return JSON.parse(want);
}

/** Opens the list row of case `id` and waits for its case view. */
export async function openRow(page, id) {
  await page.click(`[data-testid=case-row][data-case-id="${id}"]`);
  await page.locator(`[data-testid=case-view][data-case-id="${id}"]`).waitFor();
}
