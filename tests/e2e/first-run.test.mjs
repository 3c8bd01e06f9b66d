// First run: "Are you the owner or an assistant?" The answer is stored, the app opens on that
// role's queue (now and on later launches), and an assistant works the way an assistant does:
// no private notes, escalation to the owner with a note.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseRowIds, eventually, queueCount, screenshot, useApp } from './harness.mjs';


describe('first run', () => {
  const ctx = useApp('first-run', { role: null });
  const cliQueue = (q) => ctx.server.json(['queue', q]);
  const cliCase = (id) => ctx.server.json(['case', id]);

  it('asks who works on this machine before anything else', async () => {
    const { page } = ctx.app;
    const dialog = page.locator('[data-testid=role-dialog]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /owner/i);
    assert.equal(await page.locator('[data-testid=role-owner]').count(), 1);
    assert.equal(await page.locator('[data-testid=role-assistant]').count(), 1);
    assert.match(await ctx.server.cli(['role']), /No role chosen/);
    // The name field has the focus; shortcuts do nothing while the question is open.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'role-name');
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.waitForTimeout(200);
    assert.equal(await page.getAttribute('[data-testid=queue-owner]', 'aria-current'), 'page');
    assert.equal(await dialog.count(), 1, 'Escape does not skip the question');
    await screenshot(page, 'first-run-dialog');
  });

  it('an assistant who gives a name opens on the assistant queue', async () => {
    const { page } = ctx.app;
    await page.fill('[data-testid=role-name]', 'Dana');
    await page.click('[data-testid=role-assistant]');
    await page.locator('[data-testid=role-dialog]').waitFor({ state: 'detached' });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=queue-assistant]')?.getAttribute('aria-current') === 'page',
    );
    const assistant = await cliQueue('assistant');
    assert.ok(assistant.length > 0, 'the demo inbox has assistant cases');
    await eventually(async () => JSON.stringify(await caseRowIds(page)) === JSON.stringify(assistant.map((i) => i.case_id)), {
      message: 'the list to show the CLI’s assistant queue',
    });
    assert.match(await ctx.server.cli(['role']), /assistant's \(Dana\)/);
    assert.equal((await page.innerText('[data-testid=whoami]')).trim(), 'Dana · Assistant');
    // Review is the owner's first look at new cases.
    assert.equal(await page.locator('[data-testid=queue-review]').count(), 0);
  });

  it('opens on the assistant queue again after a reload, without asking', async () => {
    const { page } = ctx.app;
    await page.reload();
    await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    await page.locator('[data-testid=case-row]').first().waitFor();
    assert.equal(await page.getAttribute('[data-testid=queue-assistant]', 'aria-current'), 'page');
    assert.equal(await page.locator('[data-testid=role-dialog]').count(), 0);
  });

  it('an assistant writes shared notes only, and escalates to the owner with a note', async () => {
    const { page } = ctx.app;
    const ids = await caseRowIds(page);
    const target = ids[0];
    await page.locator(`[data-testid=case-view][data-case-id="${target}"]`).waitFor();
    const view = page.locator('[data-testid=case-view]');
    assert.match(await view.locator('[data-testid=assignee]').innerText(), /Assistant's case/);
    assert.equal(await view.locator('[data-testid=note-input]').count(), 1);
    assert.equal(await view.locator('[data-testid=note-private]').count(), 0, 'no private notes for an assistant');
    assert.equal(await view.locator('[data-testid=assign-claim]').count(), 0);

    const ownerBefore = await queueCount(page, 'owner');
    const assistantBefore = await queueCount(page, 'assistant');
    // a: escalate, with the note box open and focused.
    await page.keyboard.press('a');
    await page.locator('[data-testid=assign-panel]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'assign-note');
    await page.keyboard.type('Wants a bulk licence for 40 seats: your call.');
    await screenshot(page, 'first-run-escalate');
    await page.click('[data-testid=assign-confirm]');

    await eventually(async () => !(await caseRowIds(page)).includes(target), { message: 'the case to leave the assistant list' });
    await eventually(async () => (await queueCount(page, 'owner')) === ownerBefore + 1, { message: 'the owner count to grow' });
    assert.equal(await queueCount(page, 'assistant'), assistantBefore - 1);
    const stored = await cliCase(target);
    assert.equal(stored.assignee, 'owner');
    assert.equal(stored.assignee_manual, true);
    const note = stored.notes.at(-1);
    assert.equal(note.text, 'Wants a bulk licence for 40 seats: your call.');
    assert.equal(note.author_role, 'assistant');
    assert.equal(note.author_name, 'Dana');
    assert.equal(note.private, false);
    assert.ok((await cliQueue('owner')).some((i) => i.case_id === target), 'the owner queue has it');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
