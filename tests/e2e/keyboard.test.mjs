// Keyboard: j/k move through the list and open the case, / focuses search,
// ? shows the shortcuts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { screenshot, useApp } from './harness.mjs';

describe('keyboard', () => {
  const ctx = useApp('keyboard');

  const openCaseId = (page) =>
    page.locator('[data-testid=case-view]').getAttribute('data-case-id', { timeout: 5000 }).catch(() => null);

  it('j j k opens the second case', async () => {
    const { page } = ctx.app;
    const rows = page.locator('[data-testid=case-row]');
    await rows.first().waitFor();
    const ids = await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-case-id')));
    assert.ok(ids.length >= 3, `need three cases in the owner queue, have ${ids.length}`);
    // The first case is open on arrival.
    await page.locator(`[data-testid=case-view][data-case-id="${ids[0]}"]`).waitFor();

    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.locator(`[data-testid=case-view][data-case-id="${ids[1]}"]`).waitFor();
    await page.waitForTimeout(300); // a late answer for another case must not replace it
    assert.equal(await openCaseId(page), ids[1]);
    assert.equal(await rows.nth(1).getAttribute('data-row-selected'), 'true');
  });

  it('/ focuses the search box and Escape leaves it', async () => {
    const { page } = ctx.app;
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search');
    // Letters typed there are text, not shortcuts.
    await page.keyboard.type('jk');
    assert.equal(await page.inputValue('[data-testid=search]'), 'jk');
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('[data-testid=search]'), '');
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search');
  });

  it('? toggles the shortcut help and g a goes to the assistant queue', async () => {
    const { page } = ctx.app;
    await page.keyboard.press('?');
    await page.locator('[data-testid=help]').waitFor();
    await screenshot(page, 'keyboard-help');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=help]').waitFor({ state: 'detached' });

    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=queue-assistant]')?.getAttribute('aria-current') === 'page',
    );
    await page.keyboard.press('g');
    await page.keyboard.press('o');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=queue-owner]')?.getAttribute('aria-current') === 'page',
    );
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
