// Learning from customers: tagging a case as a suggestion (s, the customer's own sentence shown,
// existing topics as chips), the Suggestions view (topics with their cases, shipped, thanking
// everyone: first without a mailbox, then with one), and the Complaints view grouped by product,
// regrouped when a complaint's topic is renamed on the case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, openRow, showQueue, useApp } from './harness.mjs';

const blur = (page) => page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

const TOPIC = 'Printable one-page version';

describe('learning from suggestions and complaints', () => {
  const ctx = useApp('feedback');
  const cliCase = (id) => ctx.server.json(['case', id]);
  const cliFeedback = (kind) => ctx.server.json(['feedback', kind]);

  /** The demo case of `name` in queue `q`, from the CLI. */
  async function caseOf(q, name) {
    const item = (await ctx.server.json(['queue', q])).find((i) => i.customer_name === name);
    assert.ok(item, `the demo ${q} queue has ${name}`);
    return item.case_id;
  }

  /** `g` then `key`, with nothing focused that takes text. */
  async function go(key) {
    const { page } = ctx.app;
    await blur(page);
    await page.keyboard.press('g');
    await page.keyboard.press(key);
  }

  const topicCard = (page, topic, product) =>
    page.locator(`[data-testid=feedback-topic][data-topic="${topic}"]${product === undefined ? '' : `[data-product="${product}"]`}`);

  let walter;
  let chloe;

  it('says how to start when there are no suggestions yet', async () => {
    const { page } = ctx.app;
    await page.click('[data-testid=view-suggestions]');
    const empty = page.locator('[data-testid=feedback-view][data-kind=suggestion] [data-testid=feedback-empty]');
    assert.equal((await empty.innerText()).trim(), 'No suggestions yet. Press s on a case to tag one.');
    assert.equal(await page.getAttribute('[data-testid=view-suggestions]', 'aria-current'), 'page');
  });

  it('tags a case with s, showing the customer’s suggestion; another joins the topic by a chip', async () => {
    const { page } = ctx.app;
    walter = await caseOf('waiting', 'Walter Nguyen');
    chloe = await caseOf('assistant', 'Chloé Dubois');
    await showQueue(ctx.server, page, 'waiting');
    await openRow(page, walter);
    const box = page.locator('[data-testid=suggestion]');
    assert.equal(
      await box.locator('[data-testid=suggestion-hint]').innerText(),
      'Walter suggests: “A one-page printable version would be great.”',
    );
    assert.match(await box.locator('[data-testid=suggestion-tag]').innerText(), /Tag as suggestion/);

    await blur(page);
    await page.keyboard.press('s');
    await box.locator('[data-testid=suggestion-input]').waitFor();
    assert.equal(await focused(page), 'suggestion-input');
    await box.locator('[data-testid=suggestion-no-topics]').waitFor();
    // Nothing typed: it says what to do rather than tagging an empty topic.
    await page.keyboard.press('Enter');
    assert.match(await box.locator('[data-testid=suggestion-error]').innerText(), /Name what they suggest/);
    await page.keyboard.type(`  ${TOPIC} `);
    await page.keyboard.press('Enter');
    await box.locator(`[data-testid=suggestion-chip][data-topic="${TOPIC}"]`).waitFor();
    assert.equal((await cliCase(walter)).suggestion, TOPIC);

    // Chloé's case has no hint: s opens the field, and the topic in use is a chip.
    await showQueue(ctx.server, page, 'assistant');
    await openRow(page, chloe);
    assert.equal(await page.locator('[data-testid=suggestion]').count(), 0, 'nothing shown without a hint or a tag');
    await blur(page);
    await page.keyboard.press('s');
    await page.click(`[data-testid=suggestion-topic-chip][data-topic="${TOPIC}"]`);
    await page.locator(`[data-testid=suggestion-chip][data-topic="${TOPIC}"]`).waitFor();
    assert.equal((await cliCase(chloe)).suggestion, TOPIC);

    // Remove takes the tag away; tagging again by the chip puts it back.
    await page.click('[data-testid=suggestion-remove]');
    await eventually(async () => (await cliCase(chloe)).suggestion === null, { message: 'the tag removed' });
    await page.locator('[data-testid=suggestion]').waitFor({ state: 'detached' });
    await blur(page);
    await page.keyboard.press('s');
    await page.click(`[data-testid=suggestion-topic-chip][data-topic="${TOPIC}"]`);
    await page.locator(`[data-testid=suggestion-chip][data-topic="${TOPIC}"]`).waitFor();
  });

  it('lists the topic with its two cases in Suggestions (g i); the links open them', async () => {
    const { page } = ctx.app;
    await go('i');
    const card = topicCard(page, TOPIC);
    await card.waitFor();
    assert.equal(await card.locator('[data-testid=feedback-count]').innerText(), '2');
    assert.match(await page.innerText('[data-testid=feedback-summary]'), /^1 topic from 2 customers$/);
    const linked = await card
      .locator('[data-testid=feedback-case]')
      .evaluateAll((links) => links.map((l) => l.getAttribute('data-case-id')).sort());
    assert.deepEqual(linked, [walter, chloe].sort());

    for (const id of [walter, chloe]) {
      await card.locator(`[data-testid=feedback-case][data-case-id="${id}"]`).click();
      await page.locator(`[data-testid=case-view][data-case-id="${id}"]`).waitFor();
      await page.locator(`[data-testid=case-row][data-case-id="${id}"][data-row-selected=true]`).waitFor();
      await go('i');
      await card.waitFor();
    }
  });

  it('marks it shipped and, without a mailbox, says to connect one; with one, thanks both once', async () => {
    const { page } = ctx.app;
    const card = topicCard(page, TOPIC);
    assert.equal((await card.locator('[data-testid=feedback-thank]').innerText()).trim(), 'Shipped — thank everyone');
    await card.locator('[data-testid=feedback-thank]').click();
    const dialog = page.locator('[data-testid=thank-dialog]');
    await dialog.waitFor();
    const body = dialog.locator('[data-testid=thank-body]');
    await eventually(async () => /A while ago you suggested \{topic\}/.test(await body.inputValue()), {
      message: 'the suggestion-shipped reply in the box',
    });
    assert.match(await dialog.locator('[data-testid=thank-recipients]').innerText(), /Walter Nguyen/);
    await body.fill('Hi {first_name}, you suggested {topic} and it is here now. Thank you!\n\n{my_name}');
    await dialog.locator('[data-testid=thank-send]').click();
    const error = dialog.locator('[data-testid=thank-error]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'no_mailbox');
    assert.match(await error.innerText(), /no support mailbox is connected.*Connect it, then press Send again/s);
    assert.equal(await dialog.locator('[data-testid=thank-connect]').count(), 1);
    // Shipped, but nobody thanked and nothing queued.
    let [group] = await cliFeedback('suggestions');
    assert.ok(group.done_ms !== null, 'marked shipped');
    assert.ok(group.cases.every((c) => c.thanked_ms === null));
    assert.equal((await cliCase(walter)).outbox.length, 0);
    await card.locator('[data-testid=feedback-done-state]').filter({ hasText: /^Shipped/ }).waitFor();

    // Escape closes the dialog.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    process.env.KINDLY_E2E_FEEDBACK_PW = 'not-used';
    await ctx.server.cli([
      'account', 'add', '--email', 'support@quillmark.example', '--imap', '127.0.0.1:9', '--smtp', '127.0.0.1:9',
      '--user', 'support', '--security', 'none', '--password-env', 'KINDLY_E2E_FEEDBACK_PW',
    ]);

    assert.equal((await card.locator('[data-testid=feedback-thank]').innerText()).trim(), 'Thank everyone');
    await card.locator('[data-testid=feedback-thank]').click();
    await dialog.waitFor();
    assert.equal((await dialog.locator('[data-testid=thank-send]').innerText()).trim(), 'Send 2 replies');
    await dialog.locator('[data-testid=thank-send]').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.innerText('[data-testid=feedback-notice]'), '2 thank-you replies queued');
    await eventually(async () => (await card.locator('[data-testid=feedback-thanked]').count()) === 2, {
      message: 'both shown as thanked',
    });
    assert.equal(await card.locator('[data-testid=feedback-thank]').count(), 0, 'nobody left to thank');

    [group] = await cliFeedback('suggestions');
    assert.ok(group.cases.every((c) => c.thanked_ms !== null), 'both thanked in the core');
    const outbox = (await cliCase(walter)).outbox;
    assert.equal(outbox.length, 1);
    assert.deepEqual([outbox[0].kind, outbox[0].to_email, outbox[0].state], ['reply', 'walter.nguyen@example.net', 'queued']);
    assert.equal((await cliCase(chloe)).outbox.length, 1);
  });

  it('groups complaints by product (g c); renaming one on the case moves it', async () => {
    const { page } = ctx.app;
    await go('c');
    const view = page.locator('[data-testid=feedback-view][data-kind=complaint]');
    await view.waitFor();
    const masterclass = view.locator('[data-testid=feedback-product][data-product="Story Structure Masterclass"]');
    const billing = masterclass.locator('[data-testid=feedback-topic][data-topic="Billing and charges"]');
    const derek = await caseOf('owner-angry', 'Derek Malone');
    await billing.locator(`[data-testid=feedback-case][data-case-id="${derek}"]`).waitFor();
    assert.match(await billing.innerText(), /Derek Malone/);
    assert.equal((await billing.locator('[data-testid=feedback-thank]').innerText()).trim(), 'Fixed — thank them');

    // Linda's complaint, renamed on her case.
    const linda = await caseOf('owner-angry', 'Linda Carver');
    const draft = view.locator('[data-testid=feedback-product][data-product="Quillmark Draft"]');
    const licence = draft.locator('[data-testid=feedback-topic][data-topic="Licence and activation"]');
    await licence.locator(`[data-testid=feedback-case][data-case-id="${linda}"]`).click();
    await page.locator(`[data-testid=case-view][data-case-id="${linda}"]`).waitFor();
    assert.equal(await page.innerText('[data-testid=complaint-topic]'), 'Licence and activation');
    await page.click('[data-testid=complaint-rename]');
    await page.fill('[data-testid=complaint-input]', 'Licence rejected after 3.2');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=complaint-topic]').filter({ hasText: /^Licence rejected after 3\.2$/ }).waitFor();
    assert.equal((await cliCase(linda)).complaint_topic, 'Licence rejected after 3.2');

    await go('c');
    const renamed = draft.locator('[data-testid=feedback-topic][data-topic="Licence rejected after 3.2"]');
    await renamed.locator(`[data-testid=feedback-case][data-case-id="${linda}"]`).waitFor();
    assert.equal(await licence.locator(`[data-testid=feedback-case][data-case-id="${linda}"]`).count(), 0);
    assert.equal(await licence.locator('[data-testid=feedback-count]').innerText(), '1', 'Jürgen stays');

    // Automatic reads it from the mail again.
    await renamed.locator(`[data-testid=feedback-case][data-case-id="${linda}"]`).click();
    await page.click('[data-testid=complaint-rename]');
    await page.click('[data-testid=complaint-auto]');
    await page.locator('[data-testid=complaint-topic]').filter({ hasText: /^Licence and activation$/ }).waitFor();
  });

  it('lists the new keys in the help overlay', async () => {
    const { page } = ctx.app;
    await blur(page);
    await page.keyboard.press('?');
    const text = await page.innerText('[data-testid=help]');
    assert.match(text, /Tag as a suggestion/);
    assert.match(text, /Go to suggestions/);
    assert.match(text, /Go to complaints/);
    await page.keyboard.press('Escape');
    assert.deepEqual(ctx.app.pageErrors, []);
  });
});
