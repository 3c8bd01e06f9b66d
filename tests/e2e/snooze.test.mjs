// Snoozing a case as the owner: z opens the choices, the case leaves its queue for Snoozed (the
// next case opens, as after closing), says until when, and "Wake now" brings it back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseRowIds, eventually, openRow, queueCount, screenshot, showQueue, useApp } from './harness.mjs';

const blur = (page) => page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

/** "Snoozed until Tue 24 Nov, 09:00" (the year only when it is not this one). */
const UNTIL_TEXT = /^Snoozed until (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}( \d{4})?, \d{2}:\d{2}$/;

describe('snoozing a case', () => {
  const ctx = useApp('snooze');
  const cliQueue = (q) => ctx.server.json(['queue', q]);
  const cliCase = (id) => ctx.server.json(['case', id]);



  let snoozedId = '';

  it('shows a Snoozed queue in the sidebar, empty at first', async () => {
    const { page } = ctx.app;
    const snoozed = page.locator('[data-testid=queue-snoozed]');
    assert.match(await snoozed.innerText(), /Snoozed/);
    assert.equal(await queueCount(page, 'snoozed'), 0);
    // Between Waiting and Done, as in the design.
    const order = await page
      .locator('nav [data-testid^=queue-]')
      .evaluateAll((b) => b.map((e) => e.getAttribute('data-testid')));
    assert.ok(order.indexOf('queue-waiting') < order.indexOf('queue-snoozed'));
    assert.ok(order.indexOf('queue-snoozed') < order.indexOf('queue-done'));
    await showQueue(ctx.server, page, 'snoozed');
    assert.match(await page.innerText('[data-testid=empty-state]'), /Nothing snoozed/);
  });

  it('z then a digit snoozes the open case until tomorrow 9:00; the next case opens', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'owner');
    assert.ok(ids.length >= 2);
    await openRow(page, ids[0]);
    const owner = await queueCount(page, 'owner');
    await blur(page);

    await page.keyboard.press('z');
    const menu = page.locator('[data-testid=snooze-menu]');
    await menu.waitFor();
    const options = await menu
      .locator('[data-snooze-option]')
      .evaluateAll((b) => b.map((e) => e.getAttribute('data-testid')));
    assert.ok(options.includes('snooze-tomorrow') && options.includes('snooze-next-week'), options.join(', '));
    assert.equal(options.at(-1), 'snooze-pick');
    assert.equal(await focused(page), options[0], 'the first choice has the focus');
    const tomorrow = menu.locator('[data-testid=snooze-tomorrow]');
    assert.match(await tomorrow.innerText(), /Tomorrow morning/);
    // 9:00 tomorrow on this machine's clock.
    const expected = await page.evaluate(() => {
      const d = new Date();
      return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 9).getTime();
    });
    assert.equal(Number(await tomorrow.getAttribute('data-until')), expected);
    await screenshot(page, 'snooze-menu');

    await page.keyboard.press(String(options.indexOf('snooze-tomorrow') + 1));
    await eventually(async () => !(await caseRowIds(page)).includes(ids[0]), { message: 'the case to leave the owner list' });
    await eventually(async () => (await queueCount(page, 'snoozed')) === 1, { message: 'snoozed count 1' });
    assert.equal(await queueCount(page, 'owner'), owner - 1);
    await page.locator(`[data-testid=case-view][data-case-id="${ids[1]}"]`).waitFor();

    const stored = await cliCase(ids[0]);
    assert.equal(stored.snoozed_until_ms, expected);
    assert.equal(stored.status, 'open', 'snoozing is not closing');
    assert.ok(!(await cliQueue('owner')).some((i) => i.case_id === ids[0]), 'in no open queue');
    assert.deepEqual((await cliQueue('snoozed')).map((i) => i.case_id), [ids[0]]);
    snoozedId = ids[0];
  });

  it('lists it in Snoozed with "Snoozed until …", on the row and on the case', async () => {
    const { page } = ctx.app;
    assert.deepEqual(await showQueue(ctx.server, page, 'snoozed'), [snoozedId]);
    const row = page.locator(`[data-testid=case-row][data-case-id="${snoozedId}"]`);
    const rowText = (await row.locator('[data-testid=row-snoozed]').innerText()).trim();
    assert.match(rowText, UNTIL_TEXT);
    assert.match(rowText, /, 09:00$/);
    await page.locator(`[data-testid=case-view][data-case-id="${snoozedId}"]`).waitFor();
    const pill = page.locator('[data-testid=case-view] [data-testid=snoozed-until]');
    assert.equal((await pill.innerText()).trim(), rowText);
    await page.locator('[data-testid=snooze-wake]').waitFor();
    await screenshot(page, 'snooze-queue');
  });

  it('Wake now brings it back to the owner queue', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=snooze-wake]');
    await eventually(async () => (await cliCase(snoozedId)).snoozed_until_ms === null, { message: 'the case to wake' });
    await eventually(async () => (await queueCount(page, 'snoozed')) === 0, { message: 'snoozed count 0' });
    await eventually(async () => !(await caseRowIds(page)).includes(snoozedId), { message: 'the case to leave Snoozed' });
    // The woken case stays open to work on, without the snooze line.
    assert.equal(await page.getAttribute('[data-testid=case-view]', 'data-case-id'), snoozedId);
    await page.locator('[data-testid=case-view] [data-testid=snoozed-until]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid=snooze-wake]').count(), 0);
    assert.ok((await showQueue(ctx.server, page, 'owner')).includes(snoozedId));
    assert.ok((await cliQueue('owner')).some((i) => i.case_id === snoozedId));
  });

  it('snoozes until a picked date and time, and refuses one in the past', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'owner');
    const id = ids[0];
    await openRow(page, id);
    await page.click('[data-testid=snooze]');
    await page.locator('[data-testid=snooze-menu]').waitFor();
    await page.click('[data-testid=snooze-pick]');
    const input = page.locator('[data-testid=snooze-at]');
    await input.waitFor();
    assert.equal(await focused(page), 'snooze-at');

    await input.fill('2020-01-01T09:00');
    await page.click('[data-testid=snooze-at-confirm]');
    assert.match(await page.innerText('[data-testid=snooze-at-error]'), /future/);
    assert.equal((await cliCase(id)).snoozed_until_ms, null, 'nothing was snoozed');

    // Three days on, 16:30 local time.
    const { value, ms } = await page.evaluate(() => {
      const n = new Date();
      const d = new Date(n.getFullYear(), n.getMonth(), n.getDate() + 3, 16, 30);
      const p = (x) => String(x).padStart(2, '0');
      return {
        value: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T16:30`,
        ms: d.getTime(),
      };
    });
    await input.fill(value);
    await input.press('Enter');
    await eventually(async () => (await cliCase(id)).snoozed_until_ms === ms, { message: 'the picked snooze' });
    await eventually(async () => !(await caseRowIds(page)).includes(id), { message: 'the case to leave the owner list' });
    await eventually(async () => (await queueCount(page, 'snoozed')) === 1, { message: 'snoozed count 1' });

    // The CLI wakes it too, and the app follows.
    await ctx.server.cli(['case', id, '--snooze', 'off']);
    assert.equal((await cliCase(id)).snoozed_until_ms, null);
    assert.deepEqual(await showQueue(ctx.server, page, 'snoozed'), []);
  });

  it('Esc closes the choices; z does nothing on a closed case', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'owner');
    await openRow(page, ids[0]);
    await blur(page);
    await page.keyboard.press('z');
    await page.locator('[data-testid=snooze-menu]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=snooze-menu]').waitFor({ state: 'detached' });
    assert.equal((await cliCase(ids[0])).snoozed_until_ms, null);

    // A done case has nothing to snooze.
    // It has had no answer: closing it takes the owner's "no reply needed".
    await ctx.server.cli(['case', ids.at(-1), '--status', 'closed', '--no-reply-needed']);
    const done = await showQueue(ctx.server, page, 'done');
    assert.deepEqual(done, [ids.at(-1)]);
    await page.locator(`[data-testid=case-view][data-case-id="${done[0]}"]`).waitFor();
    await blur(page);
    await page.keyboard.press('z');
    await page.waitForTimeout(200);
    assert.equal(await page.locator('[data-testid=snooze-menu]').count(), 0);
    assert.equal(await page.locator('[data-testid=snooze]').count(), 0, 'no Snooze on a done case');
  });

  it('lists z and g z in the shortcut help; g z opens Snoozed; no page errors', async () => {
    const { page } = ctx.app;
    await blur(page);
    await page.keyboard.press('?');
    const help = page.locator('[data-testid=help]');
    await help.waitFor();
    const text = await help.innerText();
    assert.match(text, /Snooze: later today, tomorrow, next week/);
    assert.match(text, /Go to snoozed/);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('g');
    await page.keyboard.press('z');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=queue-snoozed]')?.getAttribute('aria-current') === 'page',
    );
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
