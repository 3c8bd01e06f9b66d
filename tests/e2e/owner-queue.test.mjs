// The app opens on the owner queue and shows exactly what the core triaged,
// in the core's order, with the core's counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { screenshot, useApp } from './harness.mjs';

describe('owner queue', () => {
  const ctx = useApp('owner-queue');

  it('opens on the owner queue with the CLI’s cases in the CLI’s order', async () => {
    const { page } = ctx.app;
    const owner = JSON.parse(await ctx.server.cli(['queue', 'owner', '--json']));
    assert.ok(Array.isArray(owner), 'queue --json prints an array');
    assert.ok(owner.length > 0, 'the demo inbox has owner cases');
    for (const item of owner) assert.match(item.lane, /^owner-(excellent|angry)$/);

    assert.equal(await page.getAttribute('[data-testid=queue-owner]', 'aria-current'), 'page');
    await page.locator('[data-testid=case-row]').first().waitFor();
    const shown = await page.locator('[data-testid=case-row]').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-case-id')),
    );
    assert.deepEqual(shown, owner.map((i) => i.case_id));

    // The first row shows its first reason and a lane badge.
    const first = page.locator('[data-testid=case-row]').first();
    if (owner[0].reasons.length > 0) {
      assert.ok((await first.innerText()).includes(owner[0].reasons[0]));
    }
    assert.match(await first.locator('[data-lane]').getAttribute('data-lane'), /^owner-/);
  });

  it('shows the CLI’s counts in the queue entries', async () => {
    const { page } = ctx.app;
    const owner = JSON.parse(await ctx.server.cli(['queue', 'owner', '--json']));
    const assistant = JSON.parse(await ctx.server.cli(['queue', 'assistant', '--json']));
    const count = async (q) => Number(await page.innerText(`[data-testid=queue-${q}] [data-testid=count]`));
    assert.equal(await count('owner'), owner.length);
    assert.equal(await count('owner-excellent'), owner.filter((i) => i.lane === 'owner-excellent').length);
    assert.equal(await count('owner-angry'), owner.filter((i) => i.lane === 'owner-angry').length);
    assert.equal(await count('assistant'), assistant.length);
    for (const q of ['waiting', 'done']) {
      assert.ok(Number.isInteger(await count(q)), `queue-${q} has a count`);
    }
  });

  it('switches to the assistant queue and lists its cases', async () => {
    const { page } = ctx.app;
    const assistant = JSON.parse(await ctx.server.cli(['queue', 'assistant', '--json']));
    await page.click('[data-testid=queue-assistant]');
    await page.waitForFunction(
      (first) => document.querySelector('[data-testid=case-row]')?.getAttribute('data-case-id') === first,
      assistant[0]?.case_id,
    );
    const shown = await page.locator('[data-testid=case-row]').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-case-id')),
    );
    assert.deepEqual(shown, assistant.map((i) => i.case_id));
    await screenshot(page, 'assistant-queue');
    await page.click('[data-testid=queue-owner]');
    await page.locator('[data-testid=case-row]').first().waitFor();
  });

  it('raised no page errors and took the token out of the URL', async () => {
    assert.deepEqual(ctx.app.pageErrors, []);
    assert.ok(!ctx.app.page.url().includes('token='), `URL still carries the token: ${ctx.app.page.url()}`);
  });
});
