// Clicking the first owner case shows its thread, reasons and customer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApp } from './harness.mjs';

describe('case view', () => {
  const ctx = useApp('case-view');

  it('shows the thread, at least one reason and the customer with orders', async () => {
    const { page } = ctx.app;
    const first = page.locator('[data-testid=case-row]').first();
    const caseId = await first.getAttribute('data-case-id');
    await first.click();
    const view = page.locator(`[data-testid=case-view][data-case-id="${caseId}"]`);
    await view.waitFor();

    assert.ok((await view.locator('[data-testid=message]').count()) >= 1, 'at least one message');
    assert.ok((await view.locator('[data-testid=reasons] li').count()) >= 1, 'at least one reason');

    const panel = view.locator('[data-testid=customer-panel]');
    await panel.waitFor();
    assert.ok((await panel.locator('[data-testid=order-row]').count()) >= 1, 'at least one order');
    const ltv = (await panel.locator('[data-testid=lifetime-value]').innerText()).trim();
    assert.match(ltv, /\d/, `lifetime value looks like money: ${ltv}`);

    // What the UI shows matches the CLI's view of the case.
    const detail = JSON.parse(await ctx.server.cli(['case', caseId, '--json']));
    const reasons = await view.locator('[data-testid=reasons] li').allInnerTexts();
    const expectedReasons = detail.reasons ?? detail.summary?.reasons;
    if (Array.isArray(expectedReasons)) assert.deepEqual(reasons.map((r) => r.trim()), expectedReasons);
  });

  it('keeps message text as text', async () => {
    const { page } = ctx.app;
    // No element inside a message body came from mail markup.
    const injected = await page.locator('[data-testid=message] .plain script, [data-testid=message] .plain img').count();
    assert.equal(injected, 0);
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
