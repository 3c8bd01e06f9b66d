// Review mode: the owner sees every new case first and keeps or moves it with one key.
// On a case: the lane control, "m" then a digit, and the owner's corrections of triage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, screenshot, useApp } from './harness.mjs';

const reviewCount = async (page) => Number(await page.innerText('[data-testid=queue-review] [data-testid=count]'));
const rowIds = (page) =>
  page.locator('[data-testid=review-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-id')));
const selectedRowId = (page) =>
  page.getAttribute('[data-testid=review-row][data-row-selected=true]', 'data-case-id', { timeout: 5000 });

describe('review mode', () => {
  const ctx = useApp('review');
  const cliReview = async () => JSON.parse(await ctx.server.cli(['queue', 'review', '--json']));
  const cliCase = async (id) => JSON.parse(await ctx.server.cli(['case', id, '--json']));

  it('shows the CLI’s review count and lists its cases, most urgent first', async () => {
    const { page } = ctx.app;
    const review = await cliReview();
    assert.ok(review.length >= 5, `the demo inbox has new cases to review, has ${review.length}`);
    await page.locator('[data-testid=queue-review] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    assert.equal(await reviewCount(page), review.length);

    await page.click('[data-testid=queue-review]');
    await page.locator('[data-testid=review-row]').first().waitFor();
    assert.equal(await page.getAttribute('[data-testid=queue-review]', 'aria-current'), 'page');
    assert.deepEqual(await rowIds(page), review.map((i) => i.case_id));
    assert.equal((await page.innerText('[data-testid=review-progress]')).trim(), `0 of ${review.length} reviewed`);

    // A line: customer, subject, the suggested lane and its top reason.
    const first = page.locator('[data-testid=review-row]').first();
    const text = await first.innerText();
    assert.ok(text.includes(review[0].customer_name), text);
    assert.ok(text.includes(review[0].subject.slice(0, 20)), text);
    if (review[0].reasons.length > 0) assert.ok(text.includes(review[0].reasons[0].slice(0, 20)), text);
    assert.equal(await first.locator('.line [data-lane]').getAttribute('data-lane'), review[0].suggested_lane);
  });

  it('Enter keeps the first line’s lane: the count drops by one and the CLI has it reviewed', async () => {
    const { page } = ctx.app;
    const review = await cliReview();
    const before = await reviewCount(page);
    const first = review[0];
    assert.equal(await selectedRowId(page), first.case_id);

    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=queue-review] [data-testid=count]')?.textContent?.trim() === String(n),
      before - 1,
    );
    // The cursor went on to the next line.
    assert.equal(await selectedRowId(page), review[1].case_id);
    assert.equal((await page.innerText('[data-testid=review-progress]')).trim(), `1 of ${review.length} reviewed`);

    await eventually(async () => !(await cliReview()).some((i) => i.case_id === first.case_id), {
      message: 'the case to leave the CLI’s review queue',
    });
    const after = await cliCase(first.case_id);
    assert.equal(after.reviewed, true);
    assert.equal(after.lane, first.suggested_lane, 'keeping the suggestion does not move the case');
    assert.equal(after.lane_manual, false, 'keeping the suggestion is not a manual lane');
    assert.equal(await reviewCount(page), (await cliReview()).length);
  });

  it('3 on an owner-lane line moves it to the assistant', async () => {
    const { page } = ctx.app;
    const ids = await rowIds(page);
    const pending = await page
      .locator('[data-testid=review-row][data-state=pending]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-id')));
    // An open case triage put in an owner lane (waiting cases are in no lane queue).
    const review = await cliReview();
    const target = pending
      .map((id) => review.find((i) => i.case_id === id))
      .find((i) => i && i.status === 'open' && i.suggested_lane.startsWith('owner-') && !i.lane_manual);
    assert.ok(target, 'an undecided open line suggests an owner lane');
    const [targetId, suggested] = [target.case_id, target.suggested_lane];

    // j / k move without deciding.
    const from = ids.indexOf(await selectedRowId(page));
    const to = ids.indexOf(targetId);
    for (let i = from; i < to; i++) await page.keyboard.press('j');
    for (let i = from; i > to; i--) await page.keyboard.press('k');
    assert.equal(await selectedRowId(page), targetId);
    const reviewBefore = await reviewCount(page);
    const ownerBefore = Number(await page.innerText('[data-testid=queue-owner] [data-testid=count]'));

    await page.keyboard.press('3');
    const row = page.locator(`[data-testid=review-row][data-case-id="${targetId}"]`);
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid=review-row][data-case-id="${id}"]`)?.getAttribute('data-state') === 'done',
      targetId,
    );
    assert.equal(await row.locator('.line [data-lane]').getAttribute('data-lane'), 'assistant');

    const after = await cliCase(targetId);
    assert.equal(after.lane, 'assistant');
    assert.equal(after.lane_manual, true);
    assert.equal(after.suggested_lane, suggested, 'triage’s suggestion is kept apart from the owner’s choice');
    assert.equal(after.reviewed, true);
    assert.equal(await reviewCount(page), reviewBefore - 1);
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=queue-owner] [data-testid=count]')?.textContent?.trim() === String(n),
      ownerBefore - 1,
    );
    const owner = JSON.parse(await ctx.server.cli(['queue', 'owner', '--json']));
    assert.ok(!owner.some((i) => i.case_id === targetId), 'the case left the owner queue');
    await screenshot(page, 'review-mode');
  });

  it('Enter on a case moved by hand before the review puts it back in the suggested lane', async () => {
    const { page } = ctx.app;
    const review = await cliReview();
    const target = review.find((i) => i.status === 'open' && i.suggested_lane !== 'assistant' && !i.lane_manual);
    assert.ok(target, 'an unreviewed open owner case');
    await ctx.server.cli(['case', target.case_id, '--lane', 'assistant']);

    // g r opens review afresh with what the core has now.
    await page.keyboard.press('g');
    await page.keyboard.press('r');
    const row = page.locator(`[data-testid=review-row][data-case-id="${target.case_id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /now Assistant/);
    assert.equal(await row.getAttribute('data-state'), 'pending');
    const ids = await rowIds(page);
    for (let i = 0; i < ids.indexOf(target.case_id); i++) await page.keyboard.press('j');
    assert.equal(await selectedRowId(page), target.case_id);

    await page.keyboard.press('Enter');
    await eventually(async () => (await cliCase(target.case_id)).reviewed, { message: 'the case to be reviewed' });
    const after = await cliCase(target.case_id);
    assert.equal(after.lane, target.suggested_lane);
    assert.equal(after.lane_manual, false);
  });

  it('a decision the core refuses is taken back and the error is shown', async () => {
    const { page } = ctx.app;
    const id = await selectedRowId(page);
    const before = await reviewCount(page);
    await page.route('**/api/review_confirm', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'store_busy', message: 'The case store is busy. Try again in a moment.' }),
      }),
    );
    try {
      await page.keyboard.press('2');
      const banner = page.locator('[data-testid=error-banner]');
      await banner.waitFor();
      assert.match(await banner.innerText(), /store is busy/);
      await page.waitForFunction(
        (rowId) =>
          document.querySelector(`[data-testid=review-row][data-case-id="${rowId}"]`)?.getAttribute('data-state') ===
          'pending',
        id,
      );
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid=queue-review] [data-testid=count]')?.textContent?.trim() === String(n),
        before,
      );
      assert.ok((await cliReview()).some((i) => i.case_id === id), 'still unreviewed in the core');
    } finally {
      await page.unroute('**/api/review_confirm');
    }
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=error-banner]').waitFor({ state: 'detached' });
    // Back on that line to go on from there.
    const ids = await rowIds(page);
    const at = ids.indexOf(await selectedRowId(page));
    for (let i = at; i > ids.indexOf(id); i--) await page.keyboard.press('k');
    assert.equal(await selectedRowId(page), id);
  });

  it('y through the rest ends in a clear done state', async () => {
    const { page } = ctx.app;
    const total = (await rowIds(page)).length;
    const left = await page.locator('[data-testid=review-row][data-state=pending]').count();
    for (let i = 0; i < left; i++) await page.keyboard.press('y');
    const done = page.locator('[data-testid=review-done]');
    await done.waitFor();
    assert.match(await done.innerText(), new RegExp(`All caught up — ${total} cases reviewed`));
    await page.waitForFunction(
      () => document.querySelector('[data-testid=queue-review] [data-testid=count]')?.textContent?.trim() === '0',
    );
    await eventually(async () => (await cliReview()).length === 0, { message: 'the CLI’s review queue to empty' });
    await screenshot(page, 'review-done');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});

describe('lanes and corrections on a case', () => {
  const ctx = useApp('case-lane');
  const cliQueue = async (q) => JSON.parse(await ctx.server.cli(['queue', q, '--json']));
  const cliCase = async (id) => JSON.parse(await ctx.server.cli(['case', id, '--json']));
  let caseId;

  it('“Not angry” takes a case out of the Angry queue and Undo brings it back', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=queue-owner-angry]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=queue-owner-angry]')?.getAttribute('aria-current') === 'page',
    );
    const angry = await cliQueue('owner-angry');
    assert.ok(angry.length > 0, 'the demo inbox has angry customers');
    caseId = angry[0].case_id;
    const view = page.locator(`[data-testid=case-view][data-case-id="${caseId}"]`);
    await view.waitFor();
    assert.match(await view.locator('[data-testid=lane-origin]').innerText(), /Chosen by triage/);

    await view.locator('[data-testid=correct-not-angry]').click();
    await eventually(async () => !(await cliQueue('owner-angry')).some((i) => i.case_id === caseId), {
      message: 'the case to leave the CLI’s angry queue',
    });
    assert.deepEqual((await cliCase(caseId)).corrections, ['not-angry']);
    await view.locator('[data-testid=undo-not-angry]').waitFor();
    await page.locator(`[data-testid=case-row][data-case-id="${caseId}"]`).waitFor({ state: 'detached' });
    assert.equal(
      Number(await page.innerText('[data-testid=queue-owner-angry] [data-testid=count]')),
      (await cliQueue('owner-angry')).length,
    );
    await screenshot(page, 'case-corrected');

    await view.locator('[data-testid=undo-not-angry]').click();
    await eventually(async () => (await cliQueue('owner-angry')).some((i) => i.case_id === caseId), {
      message: 'the case to come back to the CLI’s angry queue',
    });
    assert.deepEqual((await cliCase(caseId)).corrections, []);
    await view.locator('[data-testid=correct-not-angry]').waitFor();
    await page.locator(`[data-testid=case-row][data-case-id="${caseId}"]`).waitFor();
  });

  it('m 3 moves the open case to the assistant, the lane control says so, m 0 hands it back', async () => {
    const { page } = ctx.app;
    const view = page.locator(`[data-testid=case-view][data-case-id="${caseId}"]`);
    await page.keyboard.press('m');
    await page.keyboard.press('3');
    await eventually(async () => (await cliCase(caseId)).lane === 'assistant', { message: 'the case to move' });
    const moved = await cliCase(caseId);
    assert.equal(moved.lane_manual, true);
    const control = view.locator('[data-testid=lane-control]');
    await control.locator('[data-testid=lane-origin]').filter({ hasText: 'Moved by you · triage suggested Angry' }).waitFor();
    assert.equal(await control.locator('[data-testid=lane-option-assistant]').getAttribute('aria-pressed'), 'true');
    await screenshot(page, 'case-moved');

    await page.keyboard.press('m');
    await page.keyboard.press('0');
    await eventually(async () => !(await cliCase(caseId)).lane_manual, { message: 'the case to go back to triage' });
    assert.equal((await cliCase(caseId)).lane, 'owner-angry');
    await control.locator('[data-testid=lane-origin]').filter({ hasText: 'Chosen by triage' }).waitFor();
  });

  it('the lane control moves a case with the mouse', async () => {
    const { page } = ctx.app;
    const view = page.locator(`[data-testid=case-view][data-case-id="${caseId}"]`);
    await view.locator('[data-testid=lane-option-owner-excellent]').click();
    await eventually(async () => (await cliCase(caseId)).lane === 'owner-excellent', { message: 'the case to move' });
    assert.ok((await cliQueue('owner-excellent')).some((i) => i.case_id === caseId));
    await view.locator('[data-testid=lane-option-auto]').click();
    await eventually(async () => (await cliCase(caseId)).lane === 'owner-angry', { message: 'triage to take over' });
  });

  it('shows tags such as Auto-reply and Spam as chips on rows', async () => {
    const { page } = ctx.app;
    const assistant = await cliQueue('assistant');
    const tagged = assistant.find((i) => i.tags.length > 0);
    assert.ok(tagged, 'the demo inbox has automated mail');
    await page.click('[data-testid=queue-assistant]');
    const row = page.locator(`[data-testid=case-row][data-case-id="${tagged.case_id}"]`);
    await row.waitFor();
    const chips = await row.locator('[data-testid=tag]').evaluateAll((t) => t.map((e) => e.getAttribute('data-tag')));
    assert.deepEqual(chips, tagged.tags);
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
