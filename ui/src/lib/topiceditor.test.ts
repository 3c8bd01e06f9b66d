import { describe, expect, it } from 'vitest';
import { KindlyError } from './api';
import { TopicEditor } from './topiceditor.svelte';

type Sent = { caseId: string; topic: string | null; resolve: (err: KindlyError | null) => void };

/** An editor on case `c1` whose saves wait until the test answers them. */
function setup() {
  let caseId = 'c1';
  const sent: Sent[] = [];
  const editor = new TopicEditor({
    caseId: () => caseId,
    send: (forCase, topic) => new Promise((resolve) => sent.push({ caseId: forCase, topic, resolve })),
    emptyError: 'Name it.',
  });
  return { editor, sent, switchTo: (id: string) => (caseId = id) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function submitEvent() {
  let prevented = false;
  return {
    event: { preventDefault: () => (prevented = true) },
    prevented: () => prevented,
  };
}

describe('TopicEditor', () => {
  it('opens on the current topic with no error', async () => {
    const { editor } = setup();
    editor.error = 'old';
    await editor.open('Printable version');
    expect(editor.editing).toBe(true);
    expect(editor.text).toBe('Printable version');
    expect(editor.error).toBeNull();
  });

  it('submits the cleaned-up topic and closes once it is saved', async () => {
    const { editor, sent } = setup();
    await editor.open('');
    editor.text = '  dark   mode ';
    const s = submitEvent();
    editor.submit(s.event);
    expect(s.prevented()).toBe(true);
    expect(sent.map((x) => [x.caseId, x.topic])).toEqual([['c1', 'dark mode']]);
    expect(editor.saving).toBe(true);
    sent[0].resolve(null);
    await flush();
    expect(editor.saving).toBe(false);
    expect(editor.editing).toBe(false);
    expect(editor.error).toBeNull();
  });

  it('says what is missing for an empty topic and sends nothing', async () => {
    const { editor, sent } = setup();
    await editor.open('');
    editor.text = '   ';
    editor.submit(submitEvent().event);
    expect(editor.error).toBe('Name it.');
    expect(editor.editing).toBe(true);
    expect(sent).toEqual([]);
  });

  it('keeps the field open with the error when the save fails', async () => {
    const { editor, sent } = setup();
    await editor.open('x');
    void editor.save('x');
    sent[0].resolve(new KindlyError('bad_args', 'invalid arguments: topic is too long'));
    await flush();
    expect(editor.editing).toBe(true);
    expect(editor.error).toBe('Topic is too long');
  });

  it('sends null to take the topic off, one save at a time', async () => {
    const { editor, sent } = setup();
    void editor.save(null);
    void editor.save('again');
    expect(sent.map((x) => x.topic)).toEqual([null]);
    sent[0].resolve(null);
    await flush();
    void editor.save('again');
    expect(sent.map((x) => x.topic)).toEqual([null, 'again']);
  });

  it('drops the answer when the case changed while the save was on its way', async () => {
    const { editor, sent, switchTo } = setup();
    await editor.open('x');
    void editor.save('x');
    switchTo('c2');
    sent[0].resolve(new KindlyError('internal', 'boom'));
    await flush();
    expect(sent[0].caseId).toBe('c1');
    expect(editor.saving).toBe(false);
    expect(editor.error).toBeNull();
    expect(editor.editing).toBe(true); // the component's case effect closes it
  });

  it('backs out on Escape only', async () => {
    const { editor } = setup();
    await editor.open('x');
    editor.error = 'Name it.';
    let prevented = false;
    editor.keydown({ key: 'Enter', preventDefault: () => (prevented = true) });
    expect(editor.editing).toBe(true);
    expect(prevented).toBe(false);
    editor.keydown({ key: 'Escape', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(editor.editing).toBe(false);
    expect(editor.error).toBeNull();
  });
});
