// Working a case as the owner (Olivia): the sync line, notes (shared and private), claiming and
// handing back, closing with `e`, and the composer on the demo inbox (no mailbox to send from).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseRowIds, eventually, openRow, queueCount, screenshot, showQueue, useApp } from './harness.mjs';

const openCaseId = (page) => page.getAttribute('[data-testid=case-view]', 'data-case-id', { timeout: 5000 });
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const blur = (page) => page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());

describe('working a case', () => {
  const ctx = useApp('case-work');
  const cliQueue = (q) => ctx.server.json(['queue', q]);
  const cliCase = (id) => ctx.server.json(['case', id]);



  it('says in the sidebar that the demo inbox is not connected, and who works here', async () => {
    const { page } = ctx.app;
    const status = page.locator('[data-testid=sync-status]');
    await status.locator('[data-testid=sync-text]').filter({ hasText: 'Not connected — demo inbox' }).waitFor();
    assert.equal(await status.getAttribute('role'), 'status');
    assert.equal(await status.getAttribute('data-tone'), 'warn');
    assert.equal((await page.innerText('[data-testid=whoami]')).trim(), 'Olivia · Owner');
    assert.equal(await page.locator('[data-testid=role-dialog]').count(), 0, 'the role was chosen beforehand');
  });

  it('adds a note with its author and time, and it is still there after a reload', async () => {
    const { page } = ctx.app;
    const id = (await caseRowIds(page))[0];
    await openRow(page, id);
    await blur(page);
    await page.keyboard.press('n');
    assert.equal(await focused(page), 'note-input', 'n focuses the note box');
    await page.keyboard.type('Called Jürgen: the key went to spam. Refund if he still wants it.');
    await page.click('[data-testid=note-add]');

    const note = page.locator('[data-testid=case-view] [data-testid=note]').last();
    await note.locator('[data-testid=note-text]').filter({ hasText: 'Called Jürgen' }).waitFor();
    assert.equal((await note.locator('[data-testid=note-author]').innerText()).trim(), 'Olivia');
    assert.match(await note.locator('[data-testid=note-time]').innerText(), /\d/);
    assert.equal(await note.locator('[data-testid=note-private-badge]').count(), 0);
    assert.equal(await page.inputValue('[data-testid=note-input]'), '', 'the box is empty again');

    const stored = (await cliCase(id)).notes.at(-1);
    assert.equal(stored.text, 'Called Jürgen: the key went to spam. Refund if he still wants it.');
    assert.equal(stored.author_role, 'owner');
    assert.equal(stored.author_name, 'Olivia');
    assert.equal(stored.private, false);
    // The time shown is the stored time in the local zone.
    assert.equal(await note.locator('[data-testid=note-time]').getAttribute('datetime'), stored.created_at);

    await page.reload();
    await page.locator('[data-testid=queue-owner] [data-testid=count]').filter({ hasText: /\d/ }).waitFor();
    await page.locator(`[data-testid=case-row][data-case-id="${id}"]`).waitFor();
    await openRow(page, id);
    const again = page.locator('[data-testid=case-view] [data-testid=note]').last();
    assert.match(await again.innerText(), /Called Jürgen/);
    assert.match(await again.innerText(), /Olivia/);
  });

  it('offers the owner a private note, badged and stored as private', async () => {
    const { page } = ctx.app;
    const id = await openCaseId(page);
    const box = page.locator('[data-testid=case-view] [data-testid=note-private]');
    assert.equal(await box.count(), 1);
    assert.match(await page.innerText('[data-testid=case-view] [data-testid=notes]'), /Private — only on this machine/);
    await page.fill('[data-testid=note-input]', 'He is a friend of a friend: be generous.');
    await box.check();
    await page.click('[data-testid=note-add]');
    const note = page.locator('[data-testid=case-view] [data-testid=note]').last();
    await note.locator('[data-testid=note-text]').filter({ hasText: 'friend of a friend' }).waitFor();
    assert.equal(await note.locator('[data-testid=note-private-badge]').innerText(), 'Private');
    assert.equal(await box.isChecked(), false, 'the next note is shared again');
    const stored = (await cliCase(id)).notes.at(-1);
    assert.equal(stored.private, true);
    assert.equal(stored.text, 'He is a friend of a friend: be generous.');
    await screenshot(page, 'case-work-notes');
  });

  it('hands a case back to the assistant with a note, and claims it back', async () => {
    const { page } = ctx.app;
    const id = (await showQueue(ctx.server, page, 'owner'))[1];
    await openRow(page, id);
    assert.match(await page.innerText('[data-testid=assignee]'), /^Owner's case$/);
    const owner = await queueCount(page, 'owner');
    const assistant = await queueCount(page, 'assistant');

    await page.click('[data-testid=assign-hand-back]');
    await page.locator('[data-testid=assign-panel]').waitFor();
    await page.fill('[data-testid=assign-note]', 'Send the replacement key and a 20% code.');
    await page.click('[data-testid=assign-confirm]');

    await eventually(async () => !(await caseRowIds(page)).includes(id), { message: 'the case to leave the owner list' });
    await eventually(async () => (await queueCount(page, 'assistant')) === assistant + 1, { message: 'assistant count +1' });
    assert.equal(await queueCount(page, 'owner'), owner - 1);
    assert.equal(await queueCount(page, 'owner'), (await cliQueue('owner')).length);
    let stored = await cliCase(id);
    assert.equal(stored.assignee, 'assistant');
    assert.equal(stored.assignee_manual, true);
    assert.equal(stored.notes.at(-1).text, 'Send the replacement key and a 20% code.');
    assert.equal(stored.notes.at(-1).author_role, 'owner');
    assert.ok((await cliQueue('assistant')).some((i) => i.case_id === id));

    // In the assistant queue, the owner can claim it back (a).
    assert.ok((await showQueue(ctx.server, page, 'assistant')).includes(id));
    await openRow(page, id);
    assert.match(await page.innerText('[data-testid=assignee]'), /Assistant's case \(claimed\)/);
    await blur(page);
    await page.keyboard.press('a');
    await eventually(async () => !(await caseRowIds(page)).includes(id), { message: 'the case to leave the assistant list' });
    await eventually(async () => (await queueCount(page, 'owner')) === owner, { message: 'owner count back' });
    assert.equal(await queueCount(page, 'assistant'), assistant);
    stored = await cliCase(id);
    assert.equal(stored.assignee, 'owner');
    // Claiming keeps the case open to work on.
    assert.equal(await openCaseId(page), id);
    assert.match(await page.innerText('[data-testid=assignee]'), /Owner's case \(claimed\)/);
  });

  it('e closes the open case: it leaves the open queue and the next case opens', async () => {
    const { page } = ctx.app;
    const ids = await showQueue(ctx.server, page, 'owner');
    await openRow(page, ids[0]);
    const owner = await queueCount(page, 'owner');
    const done = await queueCount(page, 'done');
    await blur(page);
    await page.keyboard.press('e');
    // The customer has had no answer yet: the owner confirms "no reply needed" (Enter on the focused button).
    await page.locator('[data-testid=close-confirm]').waitFor();
    assert.equal(await focused(page), 'close-no-reply');
    await page.keyboard.press('Enter');

    await eventually(async () => !(await caseRowIds(page)).includes(ids[0]), { message: 'the closed case to leave the list' });
    await eventually(async () => (await queueCount(page, 'owner')) === owner - 1, { message: 'owner count -1' });
    assert.equal(await queueCount(page, 'done'), done + 1);
    assert.equal((await cliCase(ids[0])).status, 'closed');
    assert.ok(!(await cliQueue('owner')).some((i) => i.case_id === ids[0]));
    await page.locator(`[data-testid=case-view][data-case-id="${ids[1]}"]`).waitFor();

    // Waiting on customer, then reopen from the Waiting queue.
    await page.click('[data-testid=status-waiting]');
    await eventually(async () => (await cliCase(ids[1])).status === 'waiting', { message: 'the case to wait' });
    assert.ok((await showQueue(ctx.server, page, 'waiting')).includes(ids[1]));
    await openRow(page, ids[1]);
    await page.click('[data-testid=status-open]');
    await eventually(async () => (await cliCase(ids[1])).status === 'open', { message: 'the case to reopen' });
  });

  it('r opens the composer; on the demo, Send says to connect a mailbox and keeps the draft', async () => {
    const { page, requests } = ctx.app;
    const id = (await showQueue(ctx.server, page, 'owner'))[0];
    await openRow(page, id);
    await blur(page);
    await page.keyboard.press('r');
    await page.locator('[data-testid=composer]').waitFor();
    assert.equal(await focused(page), 'reply-input', 'r focuses the reply box');
    const draft = 'Hello Jürgen,\n\nI am sorry the key never arrived. Here it is again.';
    await page.keyboard.type(draft);
    await eventually(() => requests.some((u) => u.endsWith('/api/replying')), { message: 'presence to be announced' });

    await page.click('[data-testid=reply-send]');
    const error = page.locator('[data-testid=reply-error]');
    await error.waitFor();
    assert.match(await error.innerText(), /connect/i);
    assert.equal(await page.inputValue('[data-testid=reply-input]'), draft, 'the draft is kept');
    assert.equal((await cliCase(id)).outbox.length, 0, 'nothing was queued');
    await screenshot(page, 'case-work-composer');

    // Closing keeps the draft for later.
    const before = requests.filter((u) => u.endsWith('/api/replying')).length;
    await page.click('[data-testid=reply-close]');
    await eventually(() => requests.filter((u) => u.endsWith('/api/replying')).length > before, {
      message: 'presence to be withdrawn',
    });
    assert.match(await page.innerText('[data-testid=reply-open]'), /Continue your reply/);
    await page.click('[data-testid=reply-open]');
    assert.equal(await page.inputValue('[data-testid=reply-input]'), draft);
  });

  it('shows the role and name in Settings, where the name can change', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=whoami]');
    await page.locator('[data-testid=settings-role]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=settings-name]')?.value === 'Olivia');
    assert.equal(await page.isChecked('[data-testid=settings-role-owner]'), true);
    assert.equal(await page.isDisabled('[data-testid=settings-role-save]'), true, 'nothing to save yet');
    await page.fill('[data-testid=settings-name]', 'Liv');
    await page.click('[data-testid=settings-role-save]');
    await page.locator('[data-testid=settings-role-status]').waitFor();
    assert.equal((await page.innerText('[data-testid=whoami]')).trim(), 'Liv · Owner');
    assert.match(await ctx.server.cli(['role']), /owner's \(Liv\)/);
    await page.click('[data-testid=queue-owner]');
  });

  it('lists the new keys in the shortcut help, with no page errors', async () => {
    const { page } = ctx.app;
    await blur(page);
    await page.keyboard.press('?');
    const help = page.locator('[data-testid=help]');
    await help.waitFor();
    const text = await help.innerText();
    for (const label of ['Reply', 'Close', 'Claim, hand back or escalate', 'Write a note']) assert.ok(text.includes(label), label);
    await page.keyboard.press('Escape');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
