// The real desktop window: the Tauri binary (WebKitGTK) under Xvfb, driven through tauri-driver and
// WebKitWebDriver. On a first launch with an empty store the app must load the demo inbox, ask who
// works on this machine, and (answered "owner") open on the owner queue. Saves docs/screenshot.png
// for the README.
//
// Run under a display: `xvfb-run -a -s "-screen 0 1440x900x24" node --test tests/e2e/desktop/window.test.mjs`
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const app = process.env.KINDLY_DESKTOP_BIN ?? join(repo, 'target/debug/kindly-desktop');
const cli = process.env.KINDLY_BIN ?? join(repo, 'target/debug/kindly');
const home = mkdtempSync(join(tmpdir(), 'kindly-desktop-'));
const db = join(home, 'kindly.db');
let driver;
let port;
let session;

const freePort = () =>
  new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });

async function wd(method, path, body) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

// A W3C element reference is an object with one key (element-6066-…) holding the id.
const id = (el) => Object.values(el)[0];
const find = (css) => wd('POST', `/session/${session}/elements`, { using: 'css selector', value: css });

async function waitFor(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function saveScreenshot(path) {
  const png = await wd('GET', `/session/${session}/screenshot`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.from(png, 'base64'));
}

before(async () => {
  port = await freePort();
  driver = spawn('tauri-driver', ['--port', String(port), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    env: { ...process.env, KINDLY_DB: db, XDG_DATA_HOME: join(home, 'data') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor('tauri-driver', async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: app } } },
  });
  session = created.sessionId;
});

after(async () => {
  // DELETE /session sometimes drops the connection once the app is gone: that is not a failure.
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
  driver?.kill();
  rmSync(home, { recursive: true, force: true });
});

test('first launch opens the demo owner queue in the real window', async () => {
  // A first launch asks who works on this machine: this one is the owner's.
  const owner = await waitFor('the first-run question', async () => {
    const r = await find('[data-testid=role-owner]');
    return r.length > 0 ? r[0] : null;
  });
  await wd('POST', `/session/${session}/element/${id(owner)}/click`, {});
  await waitFor('the first-run question to close', async () => (await find('[data-testid=role-dialog]')).length === 0);
  // Then the demo offers to connect the real mailbox; this run keeps exploring.
  const keep = await waitFor('the welcome card', async () => {
    const r = await find('[data-testid=welcome-dismiss]');
    return r.length === 1 ? r[0] : null;
  });
  await wd('POST', `/session/${session}/element/${id(keep)}/click`, {});
  await waitFor('the welcome card to go', async () => (await find('[data-testid=welcome]')).length === 0);
  const rows = await waitFor('owner queue rows', async () => {
    const r = await find('[data-testid=case-row]');
    return r.length > 0 ? r : null;
  });
  await saveScreenshot(join(repo, 'tests/e2e/out/desktop-queue.png'));
  // The window and the CLI read the same store and must agree on the owner queue.
  const expected = JSON.parse(execFileSync(cli, ['--db', db, 'queue', 'owner', '--json'], { encoding: 'utf8' }));
  assert.ok(expected.length >= 10, `the demo owner queue has ${expected.length} cases`);
  assert.equal(rows.length, expected.length);
  const shown = await wd('POST', `/session/${session}/execute/sync`, {
    script: "return [...document.querySelectorAll('[data-testid=case-row]')].map(r => [r.dataset.caseId, r.textContent])",
    args: [],
  });
  assert.deepEqual(
    shown.map(([caseId]) => caseId),
    expected.map((c) => c.case_id),
    'the window shows the owner queue in the CLI order',
  );
  const who = expected[0].customer_name || expected[0].customer_email;
  assert.ok(shown[0][1].includes(who), `first row "${shown[0][1]}" names ${who}`);

  // Open the most urgent case, then take the README's screenshot.
  await wd('POST', `/session/${session}/element/${id(rows[0])}/click`, {});
  await waitFor('case view with reasons', async () => (await find('[data-testid=case-view] [data-testid=reasons]')).length > 0);
  await new Promise((r) => setTimeout(r, 500));
  await saveScreenshot(join(repo, 'docs/screenshot.png'));
});
