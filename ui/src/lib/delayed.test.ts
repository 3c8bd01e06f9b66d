import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelayedFlag } from './delayed.svelte';

describe('DelayedFlag', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never turns on for work that ends before the delay', () => {
    const flag = new DelayedFlag(200);
    flag.set(true);
    vi.advanceTimersByTime(150);
    flag.set(false);
    vi.advanceTimersByTime(500);
    expect(flag.value).toBe(false);
  });

  it('turns on after the delay and off at once when done', () => {
    const flag = new DelayedFlag(200);
    flag.set(true);
    expect(flag.value).toBe(false);
    vi.advanceTimersByTime(200);
    expect(flag.value).toBe(true);
    flag.set(true); // still loading: no restart
    expect(flag.value).toBe(true);
    flag.set(false);
    expect(flag.value).toBe(false);
  });
});
