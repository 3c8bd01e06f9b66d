// Caring for customers, on the case: nothing closes without an answer (the owner confirms "no
// reply needed", the assistant is told to reply), the waiting line and the status-update nudge,
// thanking a thank-you note back, follow-ups and phone callbacks, gifts and the apology after
// one, the serial-refunder call, canned replies (a must-edit one is stopped when sent unchanged)
// and the composer's live check (wrong name, cold wording, the parts of a good answer).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseRowIds, eventually, openRow, queueCount, screenshot, showQueue, useApp } from './harness.mjs';

const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const blur = (page) => page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());

/** The demo case of `name` in queue `q`, from the CLI. */
async function caseOf(server, q, name) {
  const item = (await server.json(['queue', q])).find((i) => i.customer_name === name);
  assert.ok(item, `the demo ${q} queue has ${name}`);
  return item.case_id;
}

describe('caring for customers (owner)', () => {
  const ctx = useApp('care');
  const cliCase = (id) => ctx.server.json(['case', id]);

  /** Shows queue `q` and opens the case of `name` in it. */
  async function open(q, name) {
    const id = await caseOf(ctx.server, q, name);
    await showQueue(ctx.server, ctx.app.page, q);
    await openRow(ctx.app.page, id);
    return id;
  }

  it('says since when the customer waits and that it is overdue; closing asks first', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'owner');
    const id = ids[0];
    await openRow(page, id);
    const stored = await cliCase(id);
    assert.ok(stored.answering.unanswered > 0 && stored.answering.overdue, 'the first owner case waits, overdue');
    const line = page.locator('[data-testid=waiting-line]');
    assert.match(await line.innerText(), /^Waiting for an answer.* since .+ — target .+, overdue$/);
    assert.equal(await line.getAttribute('data-overdue'), 'true');

    // The Close button asks; Reply opens the composer instead and nothing closes.
    const first = stored.customer_name.split(' ')[0];
    await page.click('[data-testid=status-closed]');
    const confirm = page.locator('[data-testid=close-confirm]');
    await confirm.waitFor();
    assert.equal(await confirm.locator('[data-testid=close-text]').innerText(), `${first} hasn't had an answer yet. Close without replying?`);
    await page.click('[data-testid=close-reply]');
    await page.locator('[data-testid=composer]').waitFor();
    assert.equal(await confirm.count(), 0);
    assert.equal((await cliCase(id)).status, 'open');

    // e asks again; Esc leaves it open; then "Close — no reply needed" closes it.
    await blur(page);
    await page.keyboard.press('e');
    await confirm.waitFor();
    assert.equal(await focused(page), 'close-no-reply');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    const owner = await queueCount(page, 'owner');
    await blur(page);
    await page.keyboard.press('e');
    await page.click('[data-testid=close-no-reply]');
    await eventually(async () => !(await caseRowIds(page)).includes(id), { message: 'the closed case to leave the list' });
    await eventually(async () => (await queueCount(page, 'owner')) === owner - 1, { message: 'owner count -1' });
    assert.equal((await cliCase(id)).status, 'closed');
    await page.locator(`[data-testid=case-view][data-case-id="${ids[1]}"]`).waitFor();
  });

  it('offers to thank a thank-you note back, with a preview; on the demo it says to connect a mailbox', async () => {
    const { page } = ctx.app;
    const id = await open('owner', 'Nell Whitaker');
    assert.equal((await cliCase(id)).thank_you_note, true);
    const box = page.locator('[data-testid=thank-you-back]');
    await box.locator('[data-testid=thank-you-preview]').filter({ hasText: /Thank you so much for your kind words/ }).waitFor();
    assert.equal((await box.locator('[data-testid=thank-you-send]').innerText()).trim(), 'Thank Nell back');
    await box.locator('[data-testid=thank-you-send]').click();
    const error = box.locator('[data-testid=thank-you-error]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'no_mailbox');
    assert.match(await error.innerText(), /connect/i);
    assert.equal(await box.locator('[data-testid=thank-you-connect]').count(), 1);
    assert.equal((await cliCase(id)).outbox.length, 0);
    // A case with no thank-you note has no such offer.
    await open('owner', 'Derek Malone');
    assert.equal(await page.locator('[data-testid=thank-you-back]').count(), 0);
  });

  it('plans a follow-up with f and a preset, and a callback on the number they wrote; ticks one done', async () => {
    const { page } = ctx.app;
    const id = await open('owner', 'Linda Carver');
    const tasks = page.locator('[data-testid=tasks]');
    await tasks.locator('[data-testid=tasks-empty]').waitFor();

    await blur(page);
    await page.keyboard.press('f');
    await tasks.locator('[data-testid=task-form][data-kind=follow-up]').waitFor();
    assert.equal(await focused(page), 'task-preset-3d', 'f focuses the first quick pick');
    await tasks.locator('[data-testid=task-preset-7d]').click();
    assert.equal(await tasks.locator('[data-testid=task-note-input]').inputValue(), 'Did the new download work?');
    await tasks.locator('[data-testid=task-save]').click();
    const followUp = tasks.locator('[data-testid=task][data-kind=follow-up]');
    await followUp.waitFor();
    assert.match(await followUp.locator('[data-testid=task-due]').innerText(), /^in 7 days · /);
    let stored = (await cliCase(id)).tasks;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].note, 'Did the new download work?');
    const want = await page.evaluate(() => {
      const d = new Date();
      return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 7, 9).getTime();
    });
    assert.equal(stored[0].due_ms, want, '9:00 local, a week on');

    // A callback: the number from her message is offered and picked; the time is on her clock.
    await tasks.locator('[data-testid=task-add-callback]').click();
    const chip = tasks.locator('[data-testid=phone-chip]');
    assert.equal(await chip.innerText(), '+1 (503) 555-0142');
    await chip.click();
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');
    assert.equal(await tasks.locator('[data-testid=task-phone-input]').inputValue(), '+1 (503) 555-0142');
    const localZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.equal(await tasks.locator('[data-testid=task-zone]').inputValue(), localZone, 'the zone starts as this machine’s');
    await tasks.locator('[data-testid=task-zone]').fill('Nowhere/Town');
    await tasks.locator('[data-testid=task-due-input]').fill('2030-01-15T10:00');
    await tasks.locator('[data-testid=task-save]').click();
    assert.match(await tasks.locator('[data-testid=task-error]').innerText(), /time zone/);
    await tasks.locator('[data-testid=task-zone]').fill('America/Los_Angeles');
    await tasks.locator('[data-testid=task-note-input]').fill('She prefers a call in the morning');
    await tasks.locator('[data-testid=task-save]').click();
    const callback = tasks.locator('[data-testid=task][data-kind=callback]');
    await callback.waitFor();
    assert.equal(await callback.locator('[data-testid=task-phone]').innerText(), '+1 (503) 555-0142');
    if (localZone !== 'America/Los_Angeles') {
      assert.match(await callback.locator('[data-testid=task-their-time]').innerText(), /10:00.*their time \(America\/Los_Angeles\)/);
    }
    stored = (await cliCase(id)).tasks;
    const cb = stored.find((t) => t.kind === 'callback');
    assert.equal(cb.phone, '+1 (503) 555-0142');
    assert.equal(cb.time_zone, 'America/Los_Angeles');
    assert.equal(cb.due_ms, Date.UTC(2030, 0, 15, 18, 0), '10:00 in Los Angeles is 18:00 UTC');

    // Done: ticked, struck through, stored.
    const fid = stored.find((t) => t.kind === 'follow-up').uid;
    await tasks.locator(`[data-testid=task][data-task-id="${fid}"] [data-testid=task-done]`).check();
    await tasks.locator(`[data-testid=task][data-task-id="${fid}"][data-done=true]`).waitFor();
    assert.notEqual((await cliCase(id)).tasks.find((t) => t.uid === fid).done_ms, null);
    await screenshot(page, 'care-tasks');
  });

  it('records a gift in the history, then offers to write the apology; the frame sent unchanged is stopped', async () => {
    const { page } = ctx.app;
    const id = await caseOf(ctx.server, 'owner', 'Linda Carver');
    assert.equal(await page.getAttribute('[data-testid=case-view]', 'data-case-id'), id);
    const gifts = page.locator('[data-testid=gifts]');
    await gifts.locator('[data-testid=gifts-empty]').waitFor();
    await gifts.locator('[data-testid=gift-give]').click();
    await gifts.locator('[data-testid=gift-kind-credit]').check();
    await gifts.locator('[data-testid=gift-description-input]').fill('Store credit for the trouble');
    await gifts.locator('[data-testid=gift-save]').click();
    assert.match(await gifts.locator('[data-testid=gift-error]').innerText(), /amount/i, 'a credit needs an amount');
    await gifts.locator('[data-testid=gift-amount-input]').fill('15');
    await gifts.locator('[data-testid=gift-save]').click();
    const gift = gifts.locator('[data-testid=gift]');
    await gift.waitFor();
    assert.equal(await gift.getAttribute('data-kind'), 'credit');
    assert.equal(await gift.locator('[data-testid=gift-description]').innerText(), 'Store credit for the trouble');
    assert.match(await gift.locator('[data-testid=gift-amount]').innerText(), /15/);
    assert.match(await gift.innerText(), /Olivia/);
    const stored = (await cliCase(id)).customer.gifts;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].kind, 'credit');
    assert.equal(stored[0].amount_minor, 1500);

    // The apology opens as a frame to write; sent unchanged it is stopped gently, the draft kept.
    await gifts.locator('[data-testid=gift-apology]').click();
    await page.locator('[data-testid=composer]').waitFor();
    const draft = await page.inputValue('[data-testid=reply-input]');
    assert.match(draft, /\[say what went wrong, in your own words\]/);
    assert.match(await page.innerText('[data-testid=reply-to-write]'), /\[say what went wrong/);
    await page.click('[data-testid=reply-send]');
    const gentle = page.locator('[data-testid=reply-template-unedited]');
    await gentle.waitFor();
    assert.match(await gentle.innerText(), /^The apology is still the template word for word: make it personal/);
    assert.equal(await page.locator('[data-testid=reply-error]').count(), 0, 'a gentle stop, not an error');
    assert.equal(await page.inputValue('[data-testid=reply-input]'), draft, 'the draft is kept');
    assert.equal((await cliCase(id)).outbox.length, 0);
    await screenshot(page, 'care-apology');
    await page.click('[data-testid=reply-discard]');
  });

  it('the status-update nudge opens the composer on the status update; the picker renders any canned reply', async () => {
    const { page } = ctx.app;
    const id = await open('owner', 'Lucía Fernández');
    const nudge = (await cliCase(id)).answering.nudge;
    assert.ok(nudge);
    assert.match(await page.innerText('[data-testid=nudge]'), new RegExp(nudge));
    await page.click('[data-testid=nudge-write]');
    await page.locator('[data-testid=composer]').waitFor();
    assert.match(await page.inputValue('[data-testid=reply-input]'), /^A quick update on your request: \[where things stand\]/);

    // Another canned reply from the picker replaces it; Undo brings the draft back.
    await page.locator('[data-testid=reply-template] option[value=download-check]').waitFor({ state: 'attached' });
    await page.selectOption('[data-testid=reply-template]', 'download-check');
    await eventually(async () => /^Did the new download of/.test(await page.inputValue('[data-testid=reply-input]')), {
      message: 'the download check to fill the draft',
    });
    await page.click('[data-testid=reply-template-undo]');
    assert.match(await page.inputValue('[data-testid=reply-input]'), /^A quick update on your request/);
    await page.click('[data-testid=reply-discard]');
  });

  it('checks the draft as it is written: wrong name, cold wording, and the parts of a good answer', async () => {
    const { page, requests } = ctx.app;
    await open('owner', 'Derek Malone');
    await blur(page);
    await page.keyboard.press('r');
    await page.locator('[data-testid=composer]').waitFor();
    const check = page.locator('[data-testid=draft-check]');
    const parts = check.locator('[data-testid=answer-part]');
    await parts.first().waitFor();
    const total = await parts.count();
    assert.ok(total >= 4, 'the parts of a good answer are listed on an angry case');
    assert.equal(await check.locator('[data-testid=answer-part][data-covered=true]').count(), 0);

    await page.keyboard.type('Hi Dennis,\n\nPer our policy, duplicate charges drop off on their own.');
    await check.locator('[data-testid=draft-warning][data-kind=name]').waitFor();
    assert.match(await check.locator('[data-testid=draft-warning][data-kind=name]').innerText(), /Dennis.*Derek Malone/s);
    assert.match(await check.locator('[data-testid=draft-warning][data-kind=wording]').innerText(), /per our policy/i);
    assert.ok(requests.filter((u) => u.endsWith('/api/check_draft')).length < 20, 'checks are debounced, not one per key');

    // A kinder draft ticks parts off, and the warnings go away.
    await page.fill('[data-testid=reply-input]', "Hi Derek,\n\nI'm so sorry: we charged you twice. The duplicate is refunded today, and the next course is on us.");
    await eventually(async () => (await check.locator('[data-testid=answer-part][data-covered=true]').count()) >= 3, {
      message: 'parts to be ticked',
    });
    for (const part of ['what-went-wrong', 'gift', 'next']) {
      assert.equal(await check.locator(`[data-testid=answer-part][data-part="${part}"]`).getAttribute('data-covered'), 'true', part);
    }
    await eventually(async () => (await check.locator('[data-testid=draft-warning][data-kind=name], [data-testid=draft-warning][data-kind=wording]').count()) === 0, {
      message: 'the name and wording warnings to clear',
    });
    await screenshot(page, 'care-draft-check');
    await page.click('[data-testid=reply-discard]');
  });

  it('shows a serial refunder with the evidence; the owner decides, and can change it', async () => {
    const { page } = ctx.app;
    const id = await open('owner', 'Bree Santos');
    const evidence = (await cliCase(id)).customer.serial_refunder;
    assert.ok(evidence);
    const box = page.locator('[data-testid=refunder]');
    assert.equal(await box.locator('[data-testid=refunder-evidence]').innerText(), evidence);
    await box.locator('[data-testid=refunder-refund-do-not-sell]').click();
    await box.locator('[data-testid=refunder-decision]').filter({ hasText: 'Refund, and stop selling to them' }).waitFor();
    assert.equal((await cliCase(id)).customer.refunder_decision, 'refund-do-not-sell');

    await box.locator('[data-testid=refunder-change]').click();
    assert.equal(await box.locator('[data-testid=refunder-refund-do-not-sell]').getAttribute('aria-pressed'), 'true');
    await box.locator('[data-testid=refunder-decline-kindly]').click();
    await page.locator('[data-testid=composer]').waitFor();
    await eventually(async () => /\[Explain kindly why we cannot refund/.test(await page.inputValue('[data-testid=reply-input]')), {
      message: 'the decline-kindly reply in the composer',
    });
    await box.locator('[data-testid=refunder-decision]').filter({ hasText: 'Decline kindly' }).waitFor();
    assert.equal((await cliCase(id)).customer.refunder_decision, 'decline-kindly');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});

describe('caring for customers (assistant)', () => {
  const ctx = useApp('care-assistant', { role: 'assistant', name: 'Dana' });

  it('refuses to close an unanswered case with the core’s words, and offers to reply', async () => {
    const { page } = ctx.app;
    const id = await caseOf(ctx.server, 'assistant', 'Fatima Zahra');
    await showQueue(ctx.server, page, 'assistant');
    await openRow(page, id);
    await blur(page);
    await page.keyboard.press('e');
    const refused = page.locator('[data-testid=close-refused]');
    await refused.waitFor();
    assert.match(await refused.locator('[data-testid=close-text]').innerText(), /^Fatima has a message with no answer yet: reply first/);
    assert.equal(await refused.locator('[data-testid=close-no-reply]').count(), 0, 'no way around it for the assistant');
    assert.equal((await ctx.server.json(['case', id])).status, 'open');
    assert.ok((await caseRowIds(page)).includes(id));
    await refused.locator('[data-testid=close-reply]').click();
    await page.locator('[data-testid=composer]').waitFor();
    assert.equal(await refused.count(), 0);
    // The refunder box is the owner's call: the assistant is not offered the choices.
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
