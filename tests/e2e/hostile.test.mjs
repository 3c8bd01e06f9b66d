// Hostile mail (tests/fixtures/hostile.mbox): scripts, event handlers,
// javascript: links, remote images and iframes must neither run nor reach
// the network, and clicking a link must not navigate the ctx.app.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { foreignRequests, hostileMbox, openApp, screenshot, useApp } from './harness.mjs';

const CSP_META =
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`;

describe('hostile mail', () => {
  const ctx = useApp('hostile');

  it('opens the hostile message and shows its HTML sandboxed', async () => {
    const { page } = ctx.app;
    const found = JSON.parse(await ctx.server.cli(['search', 'Invoice overdue', '--json']));
    const target = found.find((h) => h.from_email === 'mallory@evil.example');
    assert.ok(target, 'the CLI finds the hostile message');
    const caseId = target.case_id;

    await page.fill('[data-testid=search]', 'Invoice overdue');
    await page.press('[data-testid=search]', 'Enter');
    const hit = page.locator(`[data-testid=search-hit][data-case-id="${caseId}"]`).first();
    await hit.click();
    const view = page.locator(`[data-testid=case-view][data-case-id="${caseId}"]`);
    await view.waitFor();

    const message = view.locator('[data-testid=message]', { hasText: 'mallory@evil.example' }).first();
    // Plain text by default.
    assert.equal(await message.locator('[data-testid=message-html]').count(), 0);
    await message.getByRole('button', { name: 'Show formatted' }).click();

    const frameEl = message.locator('[data-testid=message-html]');
    await frameEl.waitFor();
    assert.equal(await frameEl.getAttribute('sandbox'), 'allow-same-origin');
    const srcdoc = await frameEl.getAttribute('srcdoc');
    assert.ok(srcdoc.startsWith(CSP_META), `srcdoc starts with the CSP meta: ${srcdoc.slice(0, 120)}`);
    await message.getByText('Remote images blocked').waitFor();

    // Click the (formerly javascript:) link inside the frame.
    const frame = page.frameLocator('[data-testid=case-view] [data-testid=message-html]').first();
    await frame.getByText('click', { exact: true }).click();
    await page.waitForTimeout(500);

    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined', 'nothing ran in the page');
    const inFrame = await page.evaluate(() => {
      const f = /** @type {HTMLIFrameElement|null} */ (document.querySelector('[data-testid=message-html]'));
      const w = /** @type {any} */ (f?.contentWindow);
      return { pwned: typeof w?.__pwned, href: w?.location?.href };
    });
    assert.equal(inFrame.pwned, 'undefined', 'nothing ran in the frame');
    assert.equal(inFrame.href, 'about:srcdoc', 'the frame did not navigate');
    assert.ok(page.url().startsWith(ctx.server.origin + '/'), `the app did not navigate: ${page.url()}`);
    assert.equal(page.context().pages().length, 1, 'no window was opened');
  });

  it('sent no request to any host but 127.0.0.1', async () => {
    assert.deepEqual(foreignRequests(ctx.app.requests), []);
    assert.ok(ctx.app.requests.some((u) => u.startsWith(ctx.server.origin + '/api/case')), 'the case was loaded');
    assert.deepEqual(ctx.app.pageErrors, []);
  });

  // The core sanitizes mail HTML; the UI's sandbox and CSP must hold on their
  // own. Feed the page the fixture's raw, unsanitized HTML part and try again.
  it('keeps even unsanitized HTML inert (the UI’s own wall)', async () => {
    const mbox = await readFile(hostileMbox, 'utf8');
    const raw = mbox.slice(mbox.indexOf('<!DOCTYPE html>'), mbox.indexOf('</html>') + '</html>'.length);
    assert.match(raw, /<script>window.__pwned=1<\/script>/);

    const unsafe = await openApp(ctx.browser, ctx.server);
    const { page } = unsafe;
    await page.route('**/api/case', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const m of body.messages ?? []) {
        if (m.from_email === 'mallory@evil.example') {
          m.html = raw.replace('</body>', '<p><a href="https://shop.example/help">help page</a></p></body>');
          m.remote_content_blocked = true;
        }
      }
      await route.fulfill({ response, json: body });
    });
    try {
      await page.fill('[data-testid=search]', 'Invoice overdue');
      await page.press('[data-testid=search]', 'Enter');
      await page.locator('[data-testid=search-hit]', { hasText: 'Invoice overdue' }).first().click();
      const message = page.locator('[data-testid=case-view] [data-testid=message]', { hasText: 'mallory@evil.example' });
      await message.getByRole('button', { name: 'Show formatted' }).click();
      const frame = page.frameLocator('[data-testid=case-view] [data-testid=message-html]').first();
      await frame.getByText('click', { exact: true }).click();
      await page.waitForTimeout(800);

      const state = await page.evaluate(() => {
        const f = /** @type {HTMLIFrameElement|null} */ (document.querySelector('[data-testid=message-html]'));
        const w = /** @type {any} */ (f?.contentWindow);
        return {
          page: typeof (/** @type {any} */ (window).__pwned),
          frame: typeof w?.__pwned,
          href: w?.location?.href,
          scriptsInFrame: f?.contentDocument?.querySelectorAll('script').length,
        };
      });
      assert.equal(state.scriptsInFrame, 1, 'the raw <script> really is in the frame');

      // A web link opens in a new window without an opener (window.open is
      // stubbed so that nothing leaves the machine), never inside the frame.
      await page.evaluate(() => {
        const w = /** @type {any} */ (window);
        w.__opened = [];
        w.open = (...args) => {
          w.__opened.push(args);
          return null;
        };
      });
      await frame.getByText('help page').click();
      await page.waitForTimeout(300);
      assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).__opened), [
        ['https://shop.example/help', '_blank', 'noopener,noreferrer'],
      ]);
      assert.equal(
        await page.evaluate(() => document.querySelector('[data-testid=message-html]')?.contentWindow?.location.href),
        'about:srcdoc',
      );

      // Shortcuts still work with the focus inside the mail.
      await page.keyboard.press('?');
      await page.locator('[data-testid=help]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('[data-testid=help]').waitFor({ state: 'detached' });
      assert.equal(state.page, 'undefined', 'nothing ran in the page');
      assert.equal(state.frame, 'undefined', 'nothing ran in the frame');
      assert.equal(state.href, 'about:srcdoc', 'the frame did not navigate');
      assert.equal(page.context().pages().length, 1, 'no window was opened');
      // Chromium reports the tracker pixel as a request that CSP refused
      // before it reached the network; nothing else may even be attempted.
      assert.deepEqual(foreignRequests(unsafe.requests, unsafe.blockedByCsp), [], 'no request left 127.0.0.1');
      assert.ok(
        unsafe.blockedByCsp.includes('https://tracker.example/p.gif'),
        `the tracker pixel was refused by CSP: ${JSON.stringify(unsafe.blockedByCsp)}`,
      );
      assert.deepEqual(unsafe.pageErrors, []);
      await screenshot(page, 'hostile-unsanitized');
    } finally {
      await unsafe.context.close();
    }
  });
});
