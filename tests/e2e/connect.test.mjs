// Connecting the support mailbox from the window: the welcome card on the demo inbox, the
// dialog that finds the settings for an address (built-in for Gmail, none for an unknown
// domain), and a login check that fails with words to act on, keeping what was typed.
// Nothing here reaches the internet: Gmail's settings are built in, the unknown domain's
// lookup fails in the sandbox, and the "server" is a closed port on 127.0.0.1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, screenshot, useApp } from './harness.mjs';

const ready = (page) => page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();

describe('connect the mailbox', () => {
  const ctx = useApp('connect');
  const appInfo = async () => {
    const res = await fetch(`${ctx.server.origin}/api/app_info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kindly-token': ctx.server.token },
      body: '{}',
    });
    return res.json();
  };
  const dialog = () => ctx.app.page.locator('[data-testid=connect-dialog]');

  it('welcomes the owner to the demo inbox, and "Keep exploring" puts the card away for good', async () => {
    const { page } = ctx.app;
    const card = page.locator('[data-testid=welcome]');
    await card.waitFor();
    assert.match(await card.innerText(), /You're exploring the demo inbox/);
    assert.equal(await page.locator('[data-testid=welcome-connect]').innerText(), 'Connect your support mailbox');
    // Non-blocking: the queue works under it.
    assert.ok((await page.locator('[data-testid=case-row]').count()) > 0);
    await page.keyboard.press('j');
    assert.equal(await page.getAttribute('[data-testid=queue-owner]', 'aria-current'), 'page');
    await screenshot(page, 'connect-welcome');

    await page.click('[data-testid=welcome-dismiss]');
    await card.waitFor({ state: 'detached' });
    await page.reload();
    await ready(page);
    await page.locator('[data-testid=case-row]').first().waitFor();
    await page.locator('[data-testid=sync-text]').filter({ hasText: 'Not connected — demo inbox' }).waitFor();
    assert.equal(await card.count(), 0, 'still dismissed after a reload');
  });

  it('the card offers the dialog too, and the sync line does while no mailbox is connected', async () => {
    const { page } = ctx.app;
    await page.evaluate(() => localStorage.removeItem('kindly.welcome.dismissed'));
    await page.reload();
    await ready(page);
    await page.click('[data-testid=welcome-connect]');
    await dialog().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'connect-email');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid=welcome]').count(), 1, 'closing the dialog does not dismiss the card');

    await page.click('[data-testid=sync-connect]');
    await dialog().waitFor();
    await page.click('[data-testid=connect-close]');
    await dialog().waitFor({ state: 'detached' });
  });

  it('Settings has a Mailbox card; a gmail.com address gets Gmail’s servers and the app-password advice', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=open-settings]');
    const card = page.locator('[data-testid=settings-mailbox]');
    await card.waitFor();
    assert.match(await card.innerText(), /demo inbox/);
    await page.click('[data-testid=settings-connect]');
    await dialog().waitFor();

    // The address is checked before anything is looked up.
    await page.fill('[data-testid=connect-email]', 'help at gmail');
    await page.click('[data-testid=connect-continue]');
    assert.match(await page.innerText('[data-testid=connect-email-error]'), /no spaces/);

    await page.fill('[data-testid=connect-email]', 'help.shop@gmail.com');
    await page.click('[data-testid=connect-continue]');
    await page.locator('[data-testid=connect-found]').waitFor();
    assert.equal(await page.innerText('[data-testid=connect-provider]'), 'Gmail');
    assert.equal(await page.innerText('[data-testid=connect-source]'), 'Built into Kindly');
    assert.equal(
      await page.innerText('[data-testid=connect-summary]'),
      'IMAP imap.gmail.com:993 (TLS) · SMTP smtp.gmail.com:465',
    );
    assert.match(await page.innerText('[data-testid=connect-advice]'), /app password/i);
    assert.match(await page.innerText('[data-testid=connect-demo-warning]'), /replaces the demo inbox/);
    // The servers stay folded away until asked for; the password has the focus.
    assert.equal(await page.locator('[data-testid=connect-servers]').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'connect-password');
    assert.equal(await page.getAttribute('[data-testid=connect-password]', 'type'), 'password');
    assert.equal(await page.getAttribute('[data-testid=connect-password]', 'autocomplete'), 'off');

    await page.click('[data-testid=connect-edit-servers]');
    await page.locator('[data-testid=connect-servers]').waitFor();
    assert.equal(await page.inputValue('[data-testid=connect-imap-host]'), 'imap.gmail.com');
    assert.equal(await page.inputValue('[data-testid=connect-imap-port]'), '993');
    assert.equal(await page.inputValue('[data-testid=connect-smtp-host]'), 'smtp.gmail.com');
    assert.equal(await page.inputValue('[data-testid=connect-smtp-port]'), '465');
    assert.equal(await page.inputValue('[data-testid=connect-security]'), 'tls');
    // The usual port follows the security choice; the summary follows the fields.
    await page.selectOption('[data-testid=connect-security]', 'starttls');
    assert.equal(await page.inputValue('[data-testid=connect-imap-port]'), '143');
    assert.match(await page.innerText('[data-testid=connect-summary]'), /^IMAP imap\.gmail\.com:143 \(STARTTLS\)/);
    await page.selectOption('[data-testid=connect-security]', 'tls');
    assert.equal(await page.inputValue('[data-testid=connect-imap-port]'), '993');
    await screenshot(page, 'connect-gmail');
  });

  it('an unknown domain leaves the servers open and empty, and says where to find them', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=connect-change]');
    await page.fill('[data-testid=connect-email]', 'help@shop.example');
    await page.click('[data-testid=connect-continue]');
    // The lookup goes over HTTPS (none here): it can take a while to give up.
    await page.locator('[data-testid=connect-notfound]').waitFor({ timeout: 30_000 });
    assert.match(
      await page.innerText('[data-testid=connect-notfound]'),
      /We couldn't find the settings for shop\.example: your provider's help pages list them/,
    );
    assert.equal(await page.locator('[data-testid=connect-found]').count(), 0);
    for (const field of ['imap-host', 'imap-port', 'smtp-host', 'smtp-port', 'username']) {
      assert.equal(await page.inputValue(`[data-testid=connect-${field}]`), '', `${field} is empty`);
    }
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'connect-imap-host');

    // Connect says what is missing, and sends nothing.
    await page.click('[data-testid=connect-submit]');
    const errors = await page.locator('[data-testid=connect-field-error]').allInnerTexts();
    assert.ok(errors.length >= 4, errors.join(' | '));
    assert.equal(await page.getAttribute('[data-testid=connect-imap-host]', 'aria-invalid'), 'true');
    await page.fill('[data-testid=connect-imap-port]', '70000');
    await page.click('[data-testid=connect-submit]');
    assert.ok((await page.locator('[data-testid=connect-field-error]').allInnerTexts()).some((e) => /1 to 65535/.test(e)));
  });

  it('a server that cannot be reached says so, keeps the fields, and the demo stays', async () => {
    const { page } = ctx.app;
    await page.fill('[data-testid=connect-imap-host]', '127.0.0.1');
    await page.fill('[data-testid=connect-imap-port]', '1');
    await page.fill('[data-testid=connect-smtp-host]', '127.0.0.1');
    await page.fill('[data-testid=connect-smtp-port]', '1');
    await page.fill('[data-testid=connect-password]', 'not-a-real-password');
    await page.click('[data-testid=connect-submit]');
    const error = page.locator('[data-testid=connect-error]');
    await error.waitFor({ timeout: 30_000 });
    assert.match(await error.innerText(), /cannot reach 127\.0\.0\.1:1/i);
    assert.equal(await page.inputValue('[data-testid=connect-imap-host]'), '127.0.0.1');
    assert.equal(await page.inputValue('[data-testid=connect-imap-port]'), '1');
    assert.equal(await page.inputValue('[data-testid=connect-smtp-host]'), '127.0.0.1');
    assert.equal(await page.inputValue('[data-testid=connect-password]'), 'not-a-real-password');
    assert.equal(await page.isDisabled('[data-testid=connect-submit]'), false);
    await screenshot(page, 'connect-unreachable');

    await page.click('[data-testid=connect-close]');
    await dialog().waitFor({ state: 'detached' });
    const info = await appInfo();
    assert.equal(info.demo, true, 'the demo inbox is still loaded');
    assert.ok(info.case_count > 0);
    await page.locator('[data-testid=sync-text]').filter({ hasText: 'Not connected — demo inbox' }).waitFor();
    await page.click('[data-testid=queue-owner]');
    await eventually(async () => (await page.locator('[data-testid=case-row]').count()) > 0, {
      message: 'the demo cases to be listed',
    });
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
