// The triage settings page: thresholds in friendly units, checked inline, and a save that
// re-triages every case (the counts and the list follow).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, screenshot, useApp } from './harness.mjs';

describe('triage settings', () => {
  const ctx = useApp('settings');
  const cliQueue = async (q) => JSON.parse(await ctx.server.cli(['queue', q, '--json']));
  const count = async (page, q) => Number(await page.innerText(`[data-testid=queue-${q}] [data-testid=count]`));
  const lifetime = '[data-testid=settings-valuable-lifetime]';
  const orders = '[data-testid=settings-valuable-orders]';

  it('opens from the gear with the current thresholds in dollars', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=open-settings]');
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === '300', lifetime);
    assert.equal(await page.inputValue(orders), '4');
    assert.equal(await page.inputValue('[data-testid=settings-serial-refunds]'), '3');
    assert.equal(await page.inputValue('[data-testid=settings-serial-ratio]'), '50');
    assert.equal(await page.isDisabled('[data-testid=settings-save]'), true, 'nothing to save yet');
  });

  it('says what is wrong and saves nothing', async () => {
    const { page } = ctx.app;
    const excellent = (await cliQueue('owner-excellent')).length;
    await page.fill(lifetime, 'a lot');
    await page.fill('[data-testid=settings-serial-ratio]', '150');
    await page.click('[data-testid=settings-save]');
    const errors = await page.locator('[data-testid=settings-error]').allInnerTexts();
    assert.equal(errors.length, 2, errors.join(' | '));
    assert.match(errors[0], /number/);
    assert.match(errors[1], /100%/);
    assert.equal(await page.getAttribute(lifetime, 'aria-invalid'), 'true');
    assert.equal((await cliQueue('owner-excellent')).length, excellent);
    await screenshot(page, 'settings-invalid');
    await page.fill('[data-testid=settings-serial-ratio]', '50');
  });

  it('raising what counts as valuable re-triages: Excellent shrinks, counts and list follow', async () => {
    const { page } = ctx.app;
    const before = (await cliQueue('owner-excellent')).length;
    assert.ok(before > 0, 'the demo inbox has excellent customers');
    assert.equal(await count(page, 'owner-excellent'), before);

    // $100,000 in dollars, stored as minor units. Every Excellent customer in the demo also has
    // four or more orders (the "or bought N times" rule), so raise that too.
    await page.fill(lifetime, '100,000');
    await page.fill(orders, '100');
    await page.click('[data-testid=settings-save]');
    await page.locator('[data-testid=settings-status]').waitFor();
    const after = await cliQueue('owner-excellent');
    assert.ok(after.length < before, `Excellent went from ${before} to ${after.length}`);
    await eventually(async () => (await count(page, 'owner-excellent')) === after.length, {
      message: 'the sidebar to show the new Excellent count',
    });
    assert.equal(await count(page, 'owner'), (await cliQueue('owner')).length);
    assert.equal(await count(page, 'assistant'), (await cliQueue('assistant')).length);
    assert.match(await page.innerText('[data-testid=settings-status]'), new RegExp(`Excellent ${before} → ${after.length}`));
    assert.equal(await page.inputValue(lifetime), '100000');
    await screenshot(page, 'settings-saved');

    // The owner queue lists what the core now says.
    await page.click('[data-testid=queue-owner]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=case-row]').length === n,
      (await cliQueue('owner')).length,
    );
    const shown = await page.locator('[data-testid=case-row]').evaluateAll((r) => r.map((e) => e.getAttribute('data-case-id')));
    assert.deepEqual(shown, (await cliQueue('owner')).map((i) => i.case_id));
  });

  it('keeps the saved thresholds across a reload', async () => {
    const { page } = ctx.app;
    await page.reload();
    await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    await page.click('[data-testid=open-settings]');
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === '100000', lifetime);
    assert.equal(await page.inputValue(orders), '100');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
