// Where you sell: Stripe connected from Settings (the key goes to a real keychain, a private
// gnome-keyring on its own D-Bus), its charges imported into a demo customer's orders, and the
// order refunded at Stripe from the customer panel: one POST /v1/refunds, with an Idempotency-Key.
// The Stripe here is a small fake on 127.0.0.1 speaking the list format the core reads.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, screenshot, useApp } from './harness.mjs';

const KEY = 'sk_test_kindly_e2e_4242';
const CUSTOMER = 'derek.malone@example.com';
const CHARGE = 'ch_e2e_derek';
const NOW_S = Math.floor(Date.now() / 1000);

function charge(id, { amount = 4900, email = CUSTOMER, created = NOW_S - 86_400 } = {}) {
  return {
    id,
    object: 'charge',
    amount,
    amount_refunded: 0,
    currency: 'usd',
    created,
    status: 'succeeded',
    paid: true,
    refunded: false,
    billing_details: { email, name: 'Derek Malone' },
    receipt_email: null,
    description: 'Quillmark Draft',
    metadata: { product: 'Quillmark Draft (Stripe)' },
  };
}

/**
 * A fake Stripe: `GET /v1/charges` and `/v1/refunds` (newest first, `created[gte]`,
 * `starting_after`, `has_more`), `POST /v1/refunds` (answers a repeated Idempotency-Key with its
 * first answer), Bearer auth. Every request is kept in `seen`.
 */
async function startStripe() {
  // `refusals`: refunds to refuse before the next one goes through (as Stripe does when the balance is short).
  // `chargesDelayMs`: the next charges page answers this much later (a slow account, once).
  const shop = { charges: [charge(CHARGE)], refunds: [], seen: [], replies: new Map(), refusals: 0, chargesDelayMs: 0 };
  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res, status, code, message) =>
    send(res, status, { error: { type: 'invalid_request_error', code, message } });
  const list = (items, q, url) => {
    const gte = Number(q.get('created[gte]') ?? 0);
    const limit = Number(q.get('limit') ?? 10);
    const all = items.filter((i) => i.created >= gte).sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
    const afterId = q.get('starting_after');
    const start = afterId ? all.findIndex((i) => i.id === afterId) + 1 : 0;
    return { object: 'list', url, data: all.slice(start, start + limit), has_more: start + limit < all.length };
  };

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const idempotencyKey = req.headers['idempotency-key'] ?? null;
      shop.seen.push({ method: req.method, path: url.pathname, auth: req.headers.authorization ?? '', idempotencyKey, body });
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        return error(res, 401, '', 'Invalid API Key provided: sk_test_****');
      }
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /v1/charges') {
        const delay = shop.chargesDelayMs;
        shop.chargesDelayMs = 0;
        return setTimeout(() => send(res, 200, list(shop.charges, url.searchParams, '/v1/charges')), delay);
      }
      if (route === 'GET /v1/refunds') return send(res, 200, list(shop.refunds, url.searchParams, '/v1/refunds'));
      if (route === 'POST /v1/refunds') {
        if (idempotencyKey && shop.replies.has(idempotencyKey)) return send(res, 200, shop.replies.get(idempotencyKey));
        const id = new URLSearchParams(body).get('charge');
        const target = shop.charges.find((c) => c.id === id);
        if (!target) return error(res, 404, 'resource_missing', 'No such charge');
        if (target.refunded) return error(res, 400, 'charge_already_refunded', 'Charge has already been refunded.');
        if (shop.refusals > 0) {
          shop.refusals -= 1;
          return error(res, 400, 'balance_insufficient', 'Your Stripe balance is too low to refund this charge.');
        }
        Object.assign(target, { refunded: true, amount_refunded: target.amount });
        const refund = {
          id: `re_${shop.refunds.length + 1}`,
          object: 'refund',
          amount: target.amount,
          charge: target.id,
          created: Math.floor(Date.now() / 1000),
          status: 'succeeded',
        };
        shop.refunds.push(refund);
        if (idempotencyKey) shop.replies.set(idempotencyKey, refund);
        return send(res, 200, refund);
      }
      return error(res, 404, 'resource_missing', `Unrecognized request URL (${route})`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { shop, url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * A real OS keychain, as the Rust tests start it (tests/src/keychain.rs): a private D-Bus session
 * bus with gnome-keyring's Secret Service, unlocked, in a home of its own. The machine running the
 * tests may have no keychain at all, and its own must not be touched.
 */
async function startKeychain() {
  const home = await mkdtemp(join(tmpdir(), 'kindly-e2e-keychain-'));
  await mkdir(join(home, 'data'));
  await mkdir(join(home, 'run'), { mode: 0o700 });
  const bus = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
  if (bus.error || bus.status !== 0) throw new Error(`dbus-daemon did not start (apt-get install dbus-daemon): ${bus.error ?? bus.stderr}`);
  const [address, pid] = bus.stdout.trim().split('\n').map((l) => l.trim());
  const env = {
    DBUS_SESSION_BUS_ADDRESS: address,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_RUNTIME_DIR: join(home, 'run'),
  };
  const stop = async () => {
    // gnome-keyring leaves with its session bus.
    try {
      process.kill(Number(pid));
    } catch {}
    await rm(home, { recursive: true, force: true });
  };
  const daemon = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--daemonize'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  daemon.stdin.end('login keyring password');
  const code = await new Promise((resolve) => {
    daemon.once('error', () => resolve(-1));
    daemon.once('exit', resolve);
  });
  if (code !== 0) {
    await stop();
    throw new Error('gnome-keyring-daemon did not start (apt-get install gnome-keyring)');
  }
  return { env, stop };
}

describe('where you sell: Stripe', () => {
  const env = {};
  let stripe;
  let keychain;
  // Before useApp's hook: the server starts with this environment.
  before(async () => {
    stripe = await startStripe();
    keychain = await startKeychain();
    Object.assign(env, keychain.env, { KINDLY_STRIPE_API: stripe.url });
  });
  const ctx = useApp('commerce', { env });
  after(async () => {
    await stripe?.close();
    await keychain?.stop();
  });

  const card = () => ctx.app.page.locator('[data-testid=commerce-card]');
  const row = () => card().locator('[data-testid=commerce-stripe]');
  let caseId;
  const orderLine = (id) => ctx.app.page.locator(`[data-testid=case-view] [data-testid=order-refund][data-order-id="${id}"]`);
  const posts = () => stripe.shop.seen.filter((r) => r.method === 'POST');

  /** Opens the customer's case from the owner queue. */
  async function openCase() {
    const { page } = ctx.app;
    await page.click('[data-testid=queue-owner]');
    // A queue still loading opens its first case when it arrives: click until this one stays.
    await eventually(
      async () => {
        await page.click(`[data-testid=case-row][data-case-id="${caseId}"]`, { timeout: 5000 });
        await page.locator(`[data-testid=case-view][data-case-id="${caseId}"] [data-testid=customer-panel]`).waitFor();
        await page.waitForTimeout(300);
        return (await page.getAttribute('[data-testid=case-view]', 'data-case-id')) === caseId;
      },
      { timeout: 20_000, interval: 200, message: `case ${caseId} to stay open` },
    );
  }

  async function importNow() {
    await ctx.app.page.click('[data-testid=open-settings]');
    await row().locator('[data-testid=commerce-import]').click();
    const result = row().locator('[data-testid=commerce-result]');
    await result.waitFor();
    return result.innerText();
  }

  async function connect(key) {
    await row().locator('[data-testid=commerce-connect]').click();
    const input = row().locator('[data-testid=commerce-key]');
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill(key);
    await row().locator('[data-testid=commerce-connect-save]').click();
    await row().locator('[data-testid=commerce-status]').filter({ hasText: /^Connected/ }).waitFor();
    assert.equal(await row().locator('[data-testid=commerce-key]').count(), 0, 'the key field closes');
  }

  it('shows Stripe and Gumroad, not connected, in Settings', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=open-settings]');
    await card().waitFor();
    assert.match(await card().locator('h3').innerText(), /Where you sell/);
    for (const id of ['stripe', 'gumroad']) {
      const state = card().locator(`[data-testid=commerce-${id}] [data-testid=commerce-state]`);
      assert.equal((await state.innerText()).trim(), 'Not connected');
    }
    await row().locator('[data-testid=commerce-connect]').click();
    assert.match(await row().innerText(), /Developers → API keys/, 'says where to find the key');
    await page.keyboard.press('Escape');
    assert.equal(await row().locator('[data-testid=commerce-key]').count(), 0, 'Escape closes the form');
  });

  it('a refused key says so inline, with the core’s words', async () => {
    await connect('sk_test_wrong');
    assert.equal((await row().locator('[data-testid=commerce-state]').innerText()).trim(), 'Connected');
    await row().locator('[data-testid=commerce-import]').click();
    const error = row().locator('[data-testid=commerce-error]');
    await error.waitFor();
    assert.match(await error.innerText(), /Stripe refused the API key/);
    assert.equal(await row().locator('[data-testid=commerce-result]').count(), 0);
  });

  it('connects Stripe with the right key, kept in the keychain and never shown again', async () => {
    const { page } = ctx.app;
    await connect(KEY);
    assert.equal(await page.content().then((html) => html.includes(KEY)), false, 'the key is not on the page');
    const db = await readFile(ctx.server.db);
    assert.equal(db.includes(Buffer.from(KEY)), false, 'the key is not in the store');
  });

  it('imports now: one new order, read with the key', async () => {
    stripe.shop.seen.length = 0;
    await row().locator('[data-testid=commerce-import]').click();
    const result = row().locator('[data-testid=commerce-result]');
    await result.waitFor();
    assert.match(await result.innerText(), /Imported from Stripe: 1 new order\b/);
    const paths = stripe.shop.seen.map((r) => `${r.method} ${r.path}`);
    assert.ok(paths.includes('GET /v1/charges') && paths.includes('GET /v1/refunds'), paths.join(', '));
    assert.ok(stripe.shop.seen.every((r) => r.auth === `Bearer ${KEY}`));
    await screenshot(ctx.app.page, 'commerce-imported');
  });

  it('shows the imported order in the customer’s panel, refundable at Stripe', async () => {
    const { page } = ctx.app;
    const item = (await ctx.server.json(['queue', 'owner'])).find((i) => i.customer_email === CUSTOMER);
    assert.ok(item, `${CUSTOMER} has a case in the owner queue`);
    caseId = item.case_id;
    const order = (await ctx.server.json(['case', caseId])).customer.orders.find((o) => o.order_id === CHARGE);
    assert.equal(order?.source, 'stripe');

    await openCase();
    const line = orderLine(CHARGE);
    assert.equal((await line.locator('[data-testid=refund]').innerText()).trim(), 'Refund $49.00 at Stripe');
    assert.equal(await line.locator('[data-testid=provider-hint]').count(), 0, 'no hint: Stripe is connected');
  });

  it('refunds at Stripe: one POST with an Idempotency-Key, and done', async () => {
    const { page } = ctx.app;
    const line = orderLine(CHARGE);
    stripe.shop.seen.length = 0;
    await line.locator('[data-testid=refund]').click();
    const box = line.locator('[data-testid=refund-confirm-box]');
    assert.equal((await box.locator('p').innerText()).trim(), 'Refund the whole $49.00 at Stripe, fees included?');
    await line.locator('[data-testid=refund-confirm]').click();
    await line.locator('[data-testid=refund-provider-done]').filter({ hasText: /Refunded at Stripe/ }).waitFor();
    await line.locator('[data-testid=refund-clock]').filter({ hasText: /Done at the payment provider/ }).waitFor();
    assert.equal(await line.locator('[data-testid=refund]').count(), 0, 'no second refund');

    const sent = posts();
    assert.equal(sent.length, 1, JSON.stringify(stripe.shop.seen));
    assert.equal(sent[0].path, '/v1/refunds');
    assert.equal(new URLSearchParams(sent[0].body).get('charge'), CHARGE);
    assert.equal(sent[0].idempotencyKey, `kindly-refund-stripe-${CHARGE}`);
    const order = (await ctx.server.json(['case', caseId])).customer.orders.find((o) => o.order_id === CHARGE);
    assert.equal(typeof order.refunded_ms, 'number');
    assert.equal(typeof order.refund_done_ms, 'number', 'done at the provider');
    await screenshot(page, 'commerce-refunded');
  });

  it('a refund Stripe refuses says why; the decision stands and is sent again, never twice', async () => {
    const second = 'ch_e2e_second';
    stripe.shop.charges.push(charge(second, { amount: 1900, created: NOW_S - 7200 }));
    stripe.shop.refusals = 1;
    assert.match(await importNow(), /: 1 new order\b/, 'only what is new');
    await openCase();
    const line = orderLine(second);
    stripe.shop.seen.length = 0;
    await line.locator('[data-testid=refund]').click();
    await line.locator('[data-testid=refund-confirm]').click();
    const error = line.locator('[data-testid=refund-error]');
    await error.waitFor();
    assert.match(await error.innerText(), /balance is too low/);
    assert.match(await line.locator('[data-testid=refund-clock]').innerText(), /Refund decided just now/);

    const retry = line.locator('[data-testid=refund-provider-retry]');
    assert.equal((await retry.innerText()).trim(), 'Refund at Stripe');
    await retry.click();
    await line.locator('[data-testid=refund-provider-done]').waitFor();
    await line.locator('[data-testid=refund-clock]').filter({ hasText: /Done at the payment provider/ }).waitFor();
    assert.equal(await line.locator('[data-testid=refund-error]').count(), 0);
    const keys = posts().map((r) => r.idempotencyKey);
    assert.deepEqual(keys, [`kindly-refund-stripe-${second}`, `kindly-refund-stripe-${second}`], 'the same key both times');
    assert.equal(stripe.shop.refunds.filter((r) => r.charge === second).length, 1, 'refunded once');
  });

  it('shows how far an import has read while the provider is slow', async () => {
    const { page } = ctx.app;
    stripe.shop.chargesDelayMs = 2500;
    await page.click('[data-testid=open-settings]');
    await row().locator('[data-testid=commerce-import]').click();
    const progress = row().locator('[data-testid=commerce-progress]');
    await progress.waitFor({ timeout: 2000 });
    assert.match(await progress.innerText(), /^Reading Stripe: [\d,]+ records?…$/);
    await row().locator('[data-testid=commerce-result]').waitFor();
    assert.equal(await progress.count(), 0, 'the progress line goes once the import is done');
  });

  it('imports everything again, listing what it skipped', async () => {
    const { page } = ctx.app;
    const bad = charge('ch_e2e_bad');
    bad.amount = '49.00';
    stripe.shop.charges.push(bad);
    stripe.shop.seen.length = 0;
    await page.click('[data-testid=open-settings]');
    await row().locator('[data-testid=commerce-import-full]').click();
    const result = row().locator('[data-testid=commerce-result]');
    await result.waitFor();
    assert.match(await result.innerText(), /0 new orders.*1 skipped/);
    const skipped = row().locator('[data-testid=commerce-skipped]');
    assert.match(await skipped.locator('summary').innerText(), /1 record skipped/);
    assert.match(await skipped.locator('li').innerText(), /charge ch_e2e_bad/);
    assert.equal(posts().length, 0, 'importing refunds nothing');
  });

  it('disconnects after asking once; the orders stay', async () => {
    await row().locator('[data-testid=commerce-disconnect]').click();
    const confirm = row().locator('[data-testid=commerce-disconnect-confirm]');
    assert.match(await confirm.innerText(), /Forget the key on this machine\? Orders stay\./);
    await row().locator('[data-testid=commerce-disconnect-yes]').click();
    await row().locator('[data-testid=commerce-status]').filter({ hasText: /^Disconnected/ }).waitFor();
    assert.equal((await row().locator('[data-testid=commerce-state]').innerText()).trim(), 'Not connected');
    assert.equal((await ctx.server.json(['case', caseId])).customer.orders.some((o) => o.order_id === CHARGE), true);
    assert.equal(await row().locator('[data-testid=commerce-import]').count(), 0, 'nothing to import from');
  });

  it('raised no page errors', () => {
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
