// The inline topic field a case carries for a suggestion tag and a complaint topic: open it with
// the current topic, submit a cleaned-up name (or pick one), Escape to back out. The save is
// dropped when the case on screen changed while it was on its way, so nothing lands on the next case.
import { tick } from 'svelte';
import { fieldMessage, type KindlyError } from './api';
import { cleanTopic } from './feedback';

export type TopicEditorOptions = {
  /** The case on screen now; read again when a save comes back. */
  caseId: () => string;
  /** Sends `topic` for `caseId` (null: take the topic off); resolves with the error to show, or null. */
  send: (caseId: string, topic: string | null) => Promise<Pick<KindlyError, 'code' | 'message'> | null>;
  /** What the field says when it is submitted empty. */
  emptyError: string;
};

export class TopicEditor {
  editing = $state(false);
  text = $state('');
  saving = $state(false);
  error = $state<string | null>(null);
  /** The field, for `bind:this`. */
  input = $state<HTMLInputElement | null>(null);
  #opts: TopicEditorOptions;

  constructor(opts: TopicEditorOptions) {
    this.#opts = opts;
  }

  /** Opens the field on `text`, then focuses it (or selects all of it, to type over). */
  async open(text: string, opts: { select?: boolean } = {}): Promise<void> {
    this.editing = true;
    this.error = null;
    this.text = text;
    await tick();
    if (opts.select) this.input?.select();
    else this.input?.focus();
  }

  /** Escape, or another case: the field closes and nothing half-typed or failed carries over. */
  close(): void {
    this.editing = false;
    this.error = null;
  }

  /** Saves `topic` (null takes it off); the field closes once it is saved. One save at a time. */
  async save(topic: string | null): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.error = null;
    const forCase = this.#opts.caseId();
    const err = await this.#opts.send(forCase, topic);
    this.saving = false;
    if (this.#opts.caseId() !== forCase) return;
    if (err) this.error = fieldMessage(err);
    else this.editing = false;
  }

  /** The form's submit: the typed topic, cleaned up; an empty one says what is missing. */
  submit = (event: Pick<Event, 'preventDefault'>): void => {
    event.preventDefault();
    const topic = cleanTopic(this.text);
    if (topic === null) {
      this.error = this.#opts.emptyError;
      this.input?.focus();
      return;
    }
    void this.save(topic);
  };

  /** The field's keydown: Escape backs out without saving. */
  keydown = (event: Pick<KeyboardEvent, 'key' | 'preventDefault'>): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
    }
  };
}
