// Everyone gets an answer: the Unanswered, Follow-ups & callbacks due and Status updates owed
// queues in the sidebar, what their rows say, and the "Caring for customers" settings card
// (answer targets, cold words, canned replies) that survives a reload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, openRow, queueCount, screenshot, showQueue, useApp } from './harness.mjs';

const blur = (page) => page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
const current = (page, q) =>
  page.waitForFunction((q) => document.querySelector(`[data-testid=queue-${q}]`)?.getAttribute('aria-current') === 'page', q);

describe('everyone gets an answer', () => {
  const ctx = useApp('care-queues');
  const cliQueue = (q) => ctx.server.json(['queue', q]);
  /** The backend API as the page calls it, with the server's token. */
  async function api(name, args) {
    const res = await fetch(`${ctx.server.origin}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kindly-token': ctx.server.token },
      body: JSON.stringify(args),
    });
    const body = await res.json();
    assert.ok(res.ok, `${name}: ${JSON.stringify(body)}`);
    return body;
  }
  const overdueCount = async (page) => {
    const badge = page.locator('[data-testid=queue-unanswered] [data-testid=overdue]');
    return (await badge.count()) === 0 ? 0 : Number((await badge.innerText()).replace(/\D/g, ''));
  };

  it('groups the three queues under "Everyone gets an answer" with the core’s counts', async () => {
    const { page } = ctx.app;
    assert.match(await page.innerText('[data-testid=care-queues]'), /Unanswered/);
    assert.match(await page.innerText('nav'), /Everyone gets an answer/i);
    const unanswered = await cliQueue('unanswered');
    assert.ok(unanswered.length > 0, 'the demo inbox has unanswered mail');
    assert.equal(await queueCount(page, 'unanswered'), unanswered.length);
    assert.equal(await queueCount(page, 'nudges'), (await cliQueue('nudges')).length);
    assert.equal(await queueCount(page, 'due'), 0);
    const overdue = unanswered.filter((i) => i.answering.overdue).length;
    assert.ok(overdue > 0, 'some demo mail is past its target');
    assert.equal(await overdueCount(page), overdue);
    assert.match(await page.innerText('[data-testid=queue-unanswered] [data-testid=overdue]'), /^\d+ overdue$/);
  });

  it('lists Unanswered by deadline; rows say how long they waited and which are overdue', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'unanswered');
    const items = await cliQueue('unanswered');
    const late = items.find((i) => i.answering.overdue);
    const row = page.locator(`[data-testid=case-row][data-case-id="${late.case_id}"]`);
    assert.match(await row.locator('[data-testid=row-waiting]').innerText(), /[Ww]aiting \d+(m|h|d|w|mo|y) · \d+(m|h|d|w|mo|y) past target$/);
    assert.equal((await row.locator('[data-testid=row-overdue]').innerText()).trim(), 'Overdue');
    // Every row waits for an answer; only the overdue ones carry the badge.
    assert.equal(await page.locator('[data-testid=case-row] [data-testid=row-waiting]').count(), ids.length);
    assert.equal(
      await page.locator('[data-testid=case-row] [data-testid=row-overdue]').count(),
      items.filter((i) => i.answering.overdue).length,
    );
    const owner = items.find((i) => i.lane !== 'assistant');
    if (owner) {
      const title = await page.getAttribute(`[data-testid=case-row][data-case-id="${owner.case_id}"] [data-testid=row-waiting]`, 'title');
      assert.match(title, /owner lane/);
    }
    await screenshot(page, 'care-unanswered');
  });

  it('shows the nudge sentence on the Status updates owed rows', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'nudges');
    assert.ok(ids.length > 0, 'the demo inbox owes someone news');
    const first = (await cliQueue('nudges'))[0];
    const nudge = await page.innerText(`[data-testid=case-row][data-case-id="${ids[0]}"] [data-testid=row-nudge]`);
    assert.equal(nudge.trim(), first.answering.nudge);
    assert.match(nudge, /^Send \S+ a status update: it's been \d+ days?$/);
  });

  it('Follow-ups & callbacks due is empty, then lists a follow-up due a minute ago with its note', async () => {
    const { page } = ctx.app;
    assert.deepEqual(await showQueue(ctx.server, page, 'due'), []);
    assert.match(await page.innerText('[data-testid=empty-state]'), /No follow-ups or callbacks are due/);

    const target = (await cliQueue('unanswered'))[0].case_id;
    await api('add_task', {
      case_id: target,
      kind: 'follow-up',
      due_ms: Date.now() - 60_000,
      note: 'Did the new download work?',
      phone: null,
      time_zone: null,
    });
    // The app sees it on the next visit to the queue.
    await page.click('[data-testid=queue-owner]');
    await eventually(async () => (await queueCount(page, 'due')) === 1, { message: 'due count 1' });
    assert.deepEqual(await showQueue(ctx.server, page, 'due'), [target]);
    const task = page.locator(`[data-testid=case-row][data-case-id="${target}"] [data-testid=row-task]`);
    assert.match(await task.innerText(), /Follow up: Did the new download work\?/);
    assert.match(await task.locator('[data-testid=row-task-when]').innerText(), /^Due \d{2}:\d{2} · (1|2)m ago$/);
    await openRow(page, target);
    await screenshot(page, 'care-due');
  });

  it('lists a callback in the customer’s time zone', async () => {
    const { page } = ctx.app;
    const other = (await cliQueue('unanswered'))[1].case_id;
    await api('add_task', {
      case_id: other,
      kind: 'callback',
      due_ms: Date.now() - 5 * 60_000,
      note: '',
      phone: '+1 503 555 0100',
      time_zone: 'America/Los_Angeles',
    });
    await page.click('[data-testid=queue-owner]');
    await eventually(async () => (await queueCount(page, 'due')) === 2, { message: 'due count 2' });
    await showQueue(ctx.server, page, 'due');
    const text = await page.innerText(`[data-testid=case-row][data-case-id="${other}"] [data-testid=row-task]`);
    assert.match(text, /Call \+1 503 555 0100 at \d{2}:\d{2} their time \(America\/Los_Angeles\)/);
  });

  it('g u, g f and g n open the queues; the help lists them', async () => {
    const { page } = ctx.app;
    await blur(page);
    for (const [key, q] of [['u', 'unanswered'], ['f', 'due'], ['n', 'nudges']]) {
      await page.keyboard.press('g');
      await page.keyboard.press(key);
      await current(page, q);
    }
    await page.keyboard.press('?');
    const help = await page.innerText('[data-testid=help]');
    assert.match(help, /Go to unanswered/);
    assert.match(help, /Go to follow-ups & callbacks due/);
    assert.match(help, /Go to status updates owed/);
    await page.keyboard.press('Escape');
  });

  it('a longer owner-lane target in Settings lowers the overdue count, also after a reload', async () => {
    const { page } = ctx.app;
    const before = await overdueCount(page);
    await page.click('[data-testid=open-settings]');
    const owner = page.locator('[data-testid=care-owner-hours]');
    await page.waitForFunction(() => document.querySelector('[data-testid=care-owner-hours]')?.value === '4');
    assert.equal(await page.inputValue('[data-testid=care-assistant-hours]'), '24');
    assert.equal(await page.inputValue('[data-testid=care-nudge-hours]'), '48');
    assert.equal(await page.isDisabled('[data-testid=care-save]'), true, 'nothing to save yet');

    // A wrong value is explained next to the field and nothing is saved.
    await owner.fill('0');
    assert.match(await page.innerText('[data-testid=settings-care] [data-testid=care-field-error]'), /at least 1/);
    await page.click('[data-testid=care-save]');
    assert.match(await page.innerText('[data-testid=care-error]'), /Nothing was saved/);
    assert.equal((await api('care_settings', {})).answer_owner_hours, 4);

    await owner.fill('1000');
    await page.click('[data-testid=care-save]');
    await page.locator('[data-testid=care-status]').waitFor();
    assert.equal((await api('care_settings', {})).answer_owner_hours, 1000);
    const want = (await cliQueue('unanswered')).filter((i) => i.answering.overdue).length;
    assert.ok(want < before, `overdue went from ${before} to ${want}`);
    await eventually(async () => (await overdueCount(page)) === want, { message: 'the sidebar overdue count' });
    assert.match(await page.innerText('[data-testid=care-status]'), new RegExp(`${want} unanswered`));

    await page.reload();
    await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    assert.equal(await overdueCount(page), want);
    await page.click('[data-testid=open-settings]');
    await page.waitForFunction(() => document.querySelector('[data-testid=care-owner-hours]')?.value === '1000');
  });

  it('a new cold word and a new canned reply persist after a reload', async () => {
    const { page } = ctx.app;
    const words = page.locator('[data-testid=care-cold-words]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=care-cold-words]')?.value ?? '').includes('per our policy'));
    await words.fill(`${await words.inputValue()}\nnot our problem\n`);

    const before = await page.locator('[data-testid=care-reply]').count();
    await page.click('[data-testid=care-add-reply]');
    const added = page.locator('[data-testid=care-reply]').nth(before);
    // The new reply's name has the focus.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'care-reply-name');
    await page.keyboard.type('Where is my order?');
    await page.click('[data-testid=care-save]');
    // An empty reply is not saved: its field says why.
    assert.match(await added.locator('[data-testid=care-reply-error]').innerText(), /Write the reply/);
    await added.locator('[data-testid=care-reply-body]').fill('Hi {first_name}, your order of {product} is on its way. [When it arrives]');
    await added.locator('[data-testid=care-reply-must-edit]').check();
    await page.click('[data-testid=care-save]');
    await page.locator('[data-testid=care-status]').waitFor();

    const saved = await api('care_settings', {});
    assert.ok(saved.cold_words.includes('not our problem'), saved.cold_words.join(', '));
    const reply = saved.templates.find((t) => t.name === 'Where is my order?');
    assert.ok(reply, 'the reply was saved');
    assert.equal(reply.id, 'where-is-my-order');
    assert.equal(reply.must_edit, true);
    assert.ok(saved.templates.some((t) => t.id === 'apology'), 'the built-in replies keep their ids');

    await page.reload();
    await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    await page.click('[data-testid=open-settings]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=care-cold-words]')?.value ?? '').includes('not our problem'));
    const row = page.locator('[data-testid=care-reply][data-reply-id="where-is-my-order"]');
    assert.equal(await row.locator('[data-testid=care-reply-name]').inputValue(), 'Where is my order?');
    assert.equal(await row.locator('[data-testid=care-reply-must-edit]').isChecked(), true);
    await screenshot(page, 'care-settings');

    // Removing it persists too; the built-in ones cannot be removed.
    assert.equal(await page.locator('[data-testid=care-reply][data-reply-id="apology"] [data-testid=care-reply-remove]').count(), 0);
    await row.locator('[data-testid=care-reply-remove]').click();
    await page.click('[data-testid=care-save]');
    await page.locator('[data-testid=care-status]').waitFor();
    assert.ok(!(await api('care_settings', {})).templates.some((t) => t.id === 'where-is-my-order'));
  });

  it('shows the core’s refusal inline', async () => {
    const { page } = ctx.app;
    await page.route('**/api/set_care_settings', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'bad_args', message: 'invalid arguments: two canned replies share an id: give each its own' }),
      }),
    );
    await page.fill('[data-testid=care-nudge-hours]', '72');
    await page.click('[data-testid=care-save]');
    assert.equal(await page.innerText('[data-testid=care-error]'), 'Two canned replies share an id: give each its own');
    await page.unroute('**/api/set_care_settings');
    assert.equal((await api('care_settings', {})).status_update_hours, 48);
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
