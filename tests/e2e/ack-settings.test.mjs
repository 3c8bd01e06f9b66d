// The automatic acknowledgement in Settings: off at first, cannot be switched on without words,
// saves with them ("On since …"), previews the mail for an example customer, and is read-only
// on an assistant's machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { screenshot, useApp } from './harness.mjs';

describe('automatic acknowledgement settings', () => {
  const ctx = useApp('ack-settings');
  const card = '[data-testid=settings-ack]';
  const toggle = `${card} [data-testid=ack-enabled]`;
  const body = `${card} [data-testid=ack-body]`;
  const save = `${card} [data-testid=ack-save]`;
  const WORDS = 'Thank you for writing about {subject}. I read every message myself and will look at {product} today.';

  it('shows the card, off, with the rules in plain words', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=open-settings]');
    await page.locator(card).waitFor();
    await page.locator(`${card} [data-testid=ack-state]`).filter({ hasText: 'Off' }).waitFor();
    assert.equal(await page.isChecked(toggle), false);
    assert.equal(await page.getAttribute(toggle, 'role'), 'switch');
    assert.ok((await page.inputValue(body)).length > 0, 'the default words are there to start from');
    const rules = await page.innerText(`${card} [data-testid=ack-rules]`);
    for (const rule of [/first message of a new case/, /automatic mail/, /once a day/, /owner's machine/, /before you switched it on/]) {
      assert.match(rules, rule);
    }
    assert.equal(await page.isDisabled(save), true, 'nothing to save yet');
    assert.match(await ctx.server.cli(['ack']), /Acknowledgements are off/);
  });

  it('will not switch on without words, and says why', async () => {
    const { page } = ctx.app;
    await page.fill(body, '');
    await page.check(toggle);
    await page.click(save);
    const error = page.locator(`${card} [data-testid=ack-error]`);
    await error.waitFor();
    assert.match(await error.innerText(), /^Write the acknowledgement first/);
    assert.match(await ctx.server.cli(['ack']), /Acknowledgements are off/);
    assert.match(await page.innerText(`${card} [data-testid=ack-state]`), /^Off · Save to switch it on$/);
    await page.locator(card).scrollIntoViewIfNeeded();
    await screenshot(page, 'ack-settings-error');
  });

  it('previews the mail for Maria as the words are typed', async () => {
    const { page } = ctx.app;
    await page.fill(body, WORDS);
    assert.equal(await page.locator(`${card} [data-testid=ack-error]`).count(), 0, 'typing clears the error');
    const preview = page.locator(`${card} [data-testid=ack-preview]`);
    const text = await preview.innerText();
    assert.match(text, /Hi Maria,/);
    assert.match(text, /writing about “Download link broken”/);
    assert.match(text, /look at Watercolour Basics today/);
    assert.match(text, /Re: Download link broken/);
    assert.doesNotMatch(text, /\{(first_name|product|subject)\}/);
  });

  it('saves with words: On since …, and the CLI says it is on', async () => {
    const { page } = ctx.app;
    await page.click(save);
    await page.locator(`${card} [data-testid=ack-status]`).waitFor();
    const state = await page.innerText(`${card} [data-testid=ack-state]`);
    assert.match(state, /^On since .*\d/);
    assert.equal(await page.isDisabled(save), true, 'saved: nothing left to save');
    const cli = await ctx.server.cli(['ack']);
    assert.match(cli, /Acknowledgements are on/);
    assert.ok(cli.includes(WORDS), cli);
    await screenshot(page, 'ack-settings-on');

    // Still there after a reload.
    await page.reload();
    await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    await page.click('[data-testid=open-settings]');
    await page.locator(`${card} [data-testid=ack-state]`).filter({ hasText: 'On since' }).waitFor();
    assert.equal(await page.isChecked(toggle), true);
    assert.equal(await page.inputValue(body), WORDS);
  });

  it('is read-only on an assistant’s machine: sent from the owner’s', async () => {
    const { page } = ctx.app;
    await page.check('[data-testid=settings-role-assistant]');
    await page.fill('[data-testid=settings-name]', 'Dana');
    await page.click('[data-testid=settings-role-save]');
    await page.locator('[data-testid=settings-role-status]').waitFor();
    await page.locator(`${card} [data-testid=ack-readonly]`).filter({ hasText: "Sent from the owner's machine" }).waitFor();
    assert.equal(await page.isDisabled(toggle), true);
    assert.equal(await page.isDisabled(body), true);
    assert.equal(await page.locator(save).count(), 0, 'no Save for the assistant');
    assert.match(await page.innerText(`${card} [data-testid=ack-state]`), /^On since/);
    assert.match(await page.innerText(`${card} [data-testid=ack-preview]`), /Hi Maria,/);
    await page.locator(card).scrollIntoViewIfNeeded();
    await screenshot(page, 'ack-settings-assistant');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
