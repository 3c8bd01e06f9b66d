// Search: a word from the demo inbox finds its message, the hit is
// highlighted with <mark>, and clicking the hit opens the case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { screenshot, useApp } from './harness.mjs';

/** A word that is in the demo inbox (src-tauri/core/src/demo/inbox.mbox). */
export const DEMO_WORD = process.env.KINDLY_E2E_SEARCH_WORD || 'Trustpilot';

describe('search', () => {
  const ctx = useApp('search');

  it(`finds “${DEMO_WORD}” with highlighted hits`, async () => {
    const { page } = ctx.app;
    const expected = JSON.parse(await ctx.server.cli(['search', DEMO_WORD, '--json']));
    assert.ok(expected.length >= 1, `the demo inbox mentions “${DEMO_WORD}”`);

    await page.fill('[data-testid=search]', DEMO_WORD);
    await page.press('[data-testid=search]', 'Enter');
    const hits = page.locator('[data-testid=search-hit]');
    await hits.first().waitFor();
    assert.equal(await hits.count(), expected.length);

    const marks = await hits.first().locator('mark').allInnerTexts();
    assert.ok(marks.length >= 1, 'the first hit has a <mark>');
    assert.ok(
      marks.some((m) => m.toLowerCase().includes(DEMO_WORD.toLowerCase().slice(0, 5))),
      `a mark shows the word: ${JSON.stringify(marks)}`,
    );
    // The control characters around hits never reach the page.
    const text = await hits.first().innerText();
    assert.ok(!/[\u0002\u0003]/.test(text), 'no raw snippet markers');
  });

  it('opens the case of a clicked hit', async () => {
    const { page } = ctx.app;
    const hit = page.locator('[data-testid=search-hit]').first();
    const caseId = await hit.getAttribute('data-case-id');
    await hit.click();
    const view = page.locator(`[data-testid=case-view][data-case-id="${caseId}"]`);
    await view.waitFor();
    assert.ok((await view.locator('[data-testid=message]').count()) >= 1);
    await screenshot(page, 'search-opened');
  });

  it('Escape leaves the search and brings the queue back', async () => {
    const { page } = ctx.app;
    await page.focus('[data-testid=search]');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=case-row]').first().waitFor();
    assert.equal(await page.locator('[data-testid=search-hit]').count(), 0);
    assert.equal(await page.inputValue('[data-testid=search]'), '');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
