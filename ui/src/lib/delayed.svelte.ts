/**
 * A loading flag that only turns on after `delay` ms, so quick loads (most
 * of them: the store is local) never flash a spinner or a dimmed pane.
 */
export class DelayedFlag {
  value = $state(false);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #delay: number;

  constructor(delay = 180) {
    this.#delay = delay;
  }

  set(on: boolean): void {
    if (on) {
      if (this.#timer !== null || this.value) return;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.value = true;
      }, this.#delay);
    } else {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      this.value = false;
    }
  }
}
