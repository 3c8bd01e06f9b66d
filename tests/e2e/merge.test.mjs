// One case per customer problem: Sam bought two things 12 minutes apart and wrote about each, so
// the two mails are one case ("This case includes", with the purchase-session note); Split brings
// the second case back to the queue; a case shown inside another says so and links to it;
// "Merge into…" (Shift+M) merges a case by hand and it leaves the list; the purchase-session
// setting saves, and 2000 minutes is refused.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { caseRowIds, eventually, openRow, showQueue, useApp } from './harness.mjs';

// As in tests/tests/merge.rs: the first two orders are one session, the planner a month earlier.
const ORDERS = `order_id,email,name,product,amount,currency,purchased_at,refunded_at
S-1,sam.lee@example.com,Sam Lee,Focus Journal,12.00,USD,2026-11-20T10:00:00Z,
S-2,sam.lee@example.com,Sam Lee,Habit Course,49.00,USD,2026-11-20T10:12:00Z,
S-3,sam.lee@example.com,Sam Lee,Deep Work Planner,15.00,USD,2026-10-01T08:00:00Z,
`;

const mail = (id, subject, body, date) =>
  `From sam.lee@example.com Fri Nov 20 11:00:00 2026\nFrom: Sam Lee <sam.lee@example.com>\n` +
  `To: Quillmark Support <support@quillmark.example>\nSubject: ${subject}\nDate: ${date}\n` +
  `Message-ID: ${id}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${body}\n\n`;

const MBOX = [
  mail('<sam-1@example.com>', 'Where is my download?', 'I bought the Focus Journal this morning but the download link never came.', 'Fri, 20 Nov 2026 11:00:00 +0000'),
  mail('<sam-2@example.com>', 'Cannot log in to the course', 'Also, the Habit Course says my login is wrong.', 'Fri, 20 Nov 2026 11:20:00 +0000'),
  mail('<sam-3@example.com>', 'Planner pages', 'A question about the Deep Work Planner I bought in October.', 'Fri, 20 Nov 2026 12:00:00 +0000'),
].join('');

const SESSION_NOTE = 'Bought in one session: Focus Journal, Habit Course';

describe('one case per customer problem', () => {
  const ctx = useApp('merge');
  const cliCase = (id) => ctx.server.json(['case', id]);
  /** Sam's case ids by subject, from the CLI: only cases that stand on their own are listed. */
  const ids = {};

  before(async () => {
    const { server, app } = ctx;
    const csv = join(server.dir, 'sam.csv');
    const mbox = join(server.dir, 'sam.mbox');
    await writeFile(csv, ORDERS);
    await writeFile(mbox, MBOX);
    await server.cli(['import-orders', '--csv', csv]);
    await server.cli(['import', '--mbox', mbox]);
    await app.page.reload();
    await app.page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    for (const row of await server.json(['queue', 'all'])) {
      if (row.customer_email === 'sam.lee@example.com') ids[row.subject] = row.case_id;
    }
  });

  it('shows the two mails about one purchase session as one case, with why', async () => {
    const { page } = ctx.app;
    assert.deepEqual(Object.keys(ids).sort(), ['Planner pages', 'Where is my download?']);
    const main = ids['Where is my download?'];
    const stored = await cliCase(main);
    assert.equal(stored.lane, 'assistant');
    ids['Cannot log in to the course'] = stored.merged[0].case_id;

    const listed = await showQueue(ctx.server, page, 'assistant');
    assert.ok(!listed.includes(ids['Cannot log in to the course']), 'the merged case is not listed on its own');
    await openRow(page, main);
    const view = page.locator('[data-testid=case-view]');
    assert.equal(await view.locator('[data-testid=message]').count(), 2);
    const item = view.locator('[data-testid=merged-strip] [data-testid=merged-case]');
    assert.equal(await item.count(), 1);
    assert.match(await item.innerText(), /Cannot log in to the course/);
    assert.equal(await item.locator('[data-testid=merged-note]').innerText(), SESSION_NOTE);
    assert.match(await page.innerText('[data-testid=merged-strip]'), /This case includes/i);
    // The message that came with the merged case says so; the case's own does not.
    const tags = view.locator('[data-testid=message] [data-testid=message-from-case]');
    assert.equal(await tags.count(), 1);
    assert.equal((await tags.innerText()).trim(), 'From “Cannot log in to the course”');
  });

  it('Split brings the second case back into the queue and keeps the open case', async () => {
    const { page } = ctx.app;
    const main = ids['Where is my download?'];
    const course = ids['Cannot log in to the course'];
    await page.click('[data-testid=merged-split]');
    const done = page.locator('[data-testid=merged-split-done]');
    await done.waitFor();
    assert.match(await done.innerText(), /“Cannot log in to the course” is its own case again/);
    await eventually(async () => (await caseRowIds(page)).includes(course), { message: 'the split case in the list' });
    assert.equal(await page.getAttribute('[data-testid=case-view]', 'data-case-id'), main);
    assert.equal(await page.locator('[data-testid=case-view] [data-testid=message]').count(), 1);
    assert.equal(await page.locator('[data-testid=merged-case]').count(), 0);
    assert.equal((await cliCase(course)).shown_in, null);

    // "Open it" shows the split case, with its own message.
    await done.locator('button').click();
    await page.locator(`[data-testid=case-view][data-case-id="${course}"]`).waitFor();
    assert.equal(await page.locator('[data-testid=case-view] [data-testid=message]').count(), 1);
  });

  it('a case shown inside another says so and opens it; split from there it stands alone again', async () => {
    const { page } = ctx.app;
    const planner = ids['Planner pages'];
    const course = ids['Cannot log in to the course'];
    await openRow(page, planner);
    // Merged meanwhile elsewhere (the other machine, the CLI); opening the row again shows it.
    await ctx.server.cli(['case', planner, '--merge-into', course]);
    await page.click(`[data-testid=case-row][data-case-id="${planner}"]`);
    const line = page.locator('[data-testid=part-of]');
    await line.waitFor();
    assert.match(await line.innerText(), /^This case is part of “Cannot log in to the course”/);
    await line.locator('[data-testid=part-of-open]').click();
    await page.locator(`[data-testid=case-view][data-case-id="${course}"]`).waitFor();
    const item = page.locator(`[data-testid=merged-case][data-case-id="${planner}"]`);
    assert.equal(await item.locator('[data-testid=merged-note]').innerText(), 'Merged by Olivia');
    assert.equal(await item.getAttribute('data-manual'), 'true');
    await item.locator('[data-testid=merged-split]').click();
    await eventually(async () => (await cliCase(planner)).shown_in === null, { message: 'the planner case split out' });
  });

  it('"Merge into…" (Shift+M) merges the planner case by hand, and it leaves the list', async () => {
    const { page } = ctx.app;
    const main = ids['Where is my download?'];
    const planner = ids['Planner pages'];
    const listed = await showQueue(ctx.server, page, 'assistant');
    assert.ok(listed.includes(planner));
    await openRow(page, planner);

    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await page.keyboard.press('Shift+M');
    const menu = page.locator('[data-testid=merge-menu]');
    await menu.waitFor();
    const targets = await menu.locator('[data-testid=merge-target]').allInnerTexts();
    assert.deepEqual(targets.map((t) => t.replace(/^\d\s*/, '').trim()).sort(), ['Cannot log in to the course', 'Where is my download?']);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    await page.click('[data-testid=merge-into]');
    await menu.locator(`[data-testid=merge-target][data-case-id="${main}"]`).click();
    await page.locator(`[data-testid=case-view][data-case-id="${main}"]`).waitFor();
    const item = page.locator(`[data-testid=merged-case][data-case-id="${planner}"]`);
    assert.equal(await item.locator('[data-testid=merged-note]').innerText(), 'Merged by Olivia');
    assert.equal(await page.locator('[data-testid=case-view] [data-testid=message]').count(), 2);
    await eventually(async () => !(await caseRowIds(page)).includes(planner), { message: 'the merged case to leave the list' });
    assert.equal(await page.getAttribute('[data-testid=case-row][data-row-selected=true]', 'data-case-id'), main);
    assert.equal((await cliCase(planner)).shown_in, main);

    // The help overlay lists the key.
    await page.keyboard.press('?');
    assert.match(await page.innerText('[data-testid=help]'), /Shift\+M\s*Merge into another case of this customer/);
    await page.keyboard.press('Escape');
  });

  it('offers no "Merge into…" when the customer has no other case', async () => {
    const { page } = ctx.app;
    let alone = null;
    for (const row of await ctx.server.json(['queue', 'owner'])) {
      if ((await cliCase(row.case_id)).merge_candidates.length === 0) {
        alone = row.case_id;
        break;
      }
    }
    assert.ok(alone, 'a demo case of a customer with one case');
    await showQueue(ctx.server, page, 'owner');
    await openRow(page, alone);
    assert.equal(await page.locator('[data-testid=merge-into]').count(), 0);
    await page.keyboard.press('Shift+M');
    assert.equal(await page.locator('[data-testid=merge-menu]').count(), 0);
  });

  it('saves the purchase session in Settings, and refuses more than a day', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=open-settings]');
    const field = page.locator('[data-testid=care-session-minutes]');
    await page.waitForFunction(() => document.querySelector('[data-testid=care-session-minutes]')?.value === '30');
    const card = page.locator('[data-testid=settings-care]');
    assert.match(await card.innerText(), /Mails about orders bought within this many minutes of each other become one case; 0 turns it off/);

    await field.fill('2000');
    assert.match(await card.locator('[data-testid=care-field-error]').innerText(), /at most 1,440/);
    await page.click('[data-testid=care-save]');
    assert.match(await page.innerText('[data-testid=care-error]'), /Nothing was saved/);

    await field.fill('45');
    await page.click('[data-testid=care-save]');
    await page.locator('[data-testid=care-status]').waitFor();
    const res = await fetch(`${ctx.server.origin}/api/care_settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kindly-token': ctx.server.token },
      body: '{}',
    });
    assert.equal((await res.json()).session_minutes, 45);
    await page.reload();
    await page.click('[data-testid=open-settings]');
    await page.waitForFunction(() => document.querySelector('[data-testid=care-session-minutes]')?.value === '45');
  });
});
