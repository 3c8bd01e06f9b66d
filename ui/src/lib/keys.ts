import type { Lane } from '../bindings';
import { laneForDigit } from './lanes';

export type KeyAction =
  | 'next'
  | 'prev'
  | 'open'
  | 'focus-search'
  | 'escape'
  | 'goto-owner'
  | 'goto-assistant'
  | 'goto-waiting'
  | 'goto-snoozed'
  | 'goto-done'
  | 'goto-unanswered'
  | 'goto-due'
  | 'goto-nudges'
  | 'goto-review'
  | 'goto-settings'
  | 'goto-suggestions'
  | 'goto-complaints'
  | 'help'
  /** `y`: keep triage's lane (review mode). */
  | 'keep'
  /** `e`: close the open case. */
  | 'close'
  /** `r`: reply to the open case. */
  | 'reply'
  /** `a`: claim, hand back or escalate the open case (whichever the role offers). */
  | 'assign'
  /** `n`: write a note on the open case. */
  | 'note'
  /** `z`: snooze the open case (opens the choices). */
  | 'snooze'
  /** `f`: plan a follow-up on the open case (opens the form). */
  | 'follow-up'
  /** `s`: tag the open case as a suggestion (opens the topic field). */
  | 'suggestion'
  /** `M` (Shift+m; `m` is the move prefix): merge the open case into another of the customer's. */
  | 'merge'
  /** `1`/`2`/`3` on their own: pick a lane (review mode). */
  | { pick: Lane }
  /** `m` then `1`/`2`/`3`/`0`: move the open case (`null`: back to automatic). */
  | { move: Lane | null };

export type KeyInput = {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True while the focus is in a text field: single-letter shortcuts are off. */
  typing?: boolean;
  /** Event time in ms, for the `g` and `m` prefix timeout. */
  time: number;
};

/** `keys` are pressed one after another, or with `or`, any one of them. */
export type Shortcut = { keys: string[]; label: string; or?: boolean };
export type ShortcutGroup = { title: string; shortcuts: Shortcut[] };

/** What the help overlay lists. Keep in step with `interpretKey`. */
export const SHORTCUT_GROUPS: ShortcutGroup[] = [
  {
    title: 'Everywhere',
    shortcuts: [
      { keys: ['j'], label: 'Next case' },
      { keys: ['k'], label: 'Previous case' },
      { keys: ['Enter'], label: 'Open the selected case' },
      { keys: ['/'], label: 'Search' },
      { keys: ['Esc'], label: 'Leave or clear search, close this help' },
      { keys: ['g', 'r'], label: 'Go to review' },
      { keys: ['g', 'o'], label: 'Go to the owner queue' },
      { keys: ['g', 'a'], label: 'Go to the assistant queue' },
      { keys: ['g', 'w'], label: 'Go to waiting' },
      { keys: ['g', 'z'], label: 'Go to snoozed' },
      { keys: ['g', 'd'], label: 'Go to done' },
      { keys: ['g', 'u'], label: 'Go to unanswered' },
      { keys: ['g', 'f'], label: 'Go to follow-ups & callbacks due' },
      { keys: ['g', 'n'], label: 'Go to status updates owed' },
      { keys: ['g', 'i'], label: 'Go to suggestions (ideas)' },
      { keys: ['g', 'c'], label: 'Go to complaints' },
      { keys: ['g', 's'], label: 'Go to settings' },
      { keys: ['?'], label: 'Show or hide this help' },
    ],
  },
  {
    title: 'On a case',
    shortcuts: [
      { keys: ['r'], label: 'Reply' },
      { keys: ['e'], label: 'Close' },
      { keys: ['a'], label: 'Claim, hand back or escalate' },
      { keys: ['n'], label: 'Write a note' },
      { keys: ['z'], label: 'Snooze: later today, tomorrow, next week…' },
      { keys: ['f'], label: 'Plan a follow-up' },
      { keys: ['s'], label: 'Tag as a suggestion' },
      { keys: ['Shift+M'], label: 'Merge into another case of this customer' },
      { keys: ['m', '1'], label: 'Move to Excellent (yours)' },
      { keys: ['m', '2'], label: 'Move to Angry (yours)' },
      { keys: ['m', '3'], label: 'Move to the assistant' },
      { keys: ['m', '0'], label: 'Let triage choose again' },
    ],
  },
  {
    title: 'In review',
    shortcuts: [
      { keys: ['Enter', 'y'], or: true, label: 'Keep the suggested lane, next case' },
      { keys: ['1'], label: 'Excellent, next case' },
      { keys: ['2'], label: 'Angry, next case' },
      { keys: ['3'], label: 'Assistant, next case' },
      { keys: ['j', 'k'], or: true, label: 'Next or previous line without deciding' },
    ],
  },
];

/** Every shortcut, flat. */
export const SHORTCUTS: Shortcut[] = SHORTCUT_GROUPS.flatMap((g) => g.shortcuts);

/** How long after `g` or `m` the second key of a pair is accepted. */
export const PREFIX_TIMEOUT_MS = 1500;

const GOTO: Record<string, KeyAction> = {
  o: 'goto-owner',
  a: 'goto-assistant',
  w: 'goto-waiting',
  z: 'goto-snoozed',
  d: 'goto-done',
  u: 'goto-unanswered',
  f: 'goto-due',
  n: 'goto-nudges',
  r: 'goto-review',
  s: 'goto-settings',
  i: 'goto-suggestions',
  c: 'goto-complaints',
};

/**
 * A small key interpreter with memory for the `g` and `m` prefixes. Returns
 * the action for a key press, or null when the key is not a shortcut (and
 * the browser should handle it as usual).
 */
export function createKeyInterpreter() {
  let pending: { key: 'g' | 'm'; time: number } | null = null;

  return function interpretKey(input: KeyInput): KeyAction | null {
    if (input.ctrlKey || input.metaKey || input.altKey) {
      pending = null;
      return null;
    }
    if (input.typing) {
      pending = null;
      return input.key === 'Escape' ? 'escape' : null;
    }
    if (pending !== null) {
      const prefix = pending;
      pending = null;
      if (input.time - prefix.time <= PREFIX_TIMEOUT_MS) {
        if (prefix.key === 'g' && input.key in GOTO) return GOTO[input.key];
        if (prefix.key === 'm') {
          if (input.key === '0') return { move: null };
          const lane = laneForDigit(input.key);
          if (lane) return { move: lane };
        }
      }
    }
    switch (input.key) {
      case 'j':
      case 'ArrowDown':
        return 'next';
      case 'k':
      case 'ArrowUp':
        return 'prev';
      case 'Enter':
        return 'open';
      case '/':
        return 'focus-search';
      case 'Escape':
        return 'escape';
      case '?':
        return 'help';
      case 'y':
        return 'keep';
      case 'e':
        return 'close';
      case 'r':
        return 'reply';
      case 'a':
        return 'assign';
      case 'n':
        return 'note';
      case 'z':
        return 'snooze';
      case 'f':
        return 'follow-up';
      case 's':
        return 'suggestion';
      case 'M':
        return 'merge';
      case '1':
      case '2':
      case '3': {
        const lane = laneForDigit(input.key);
        return lane ? { pick: lane } : null;
      }
      case 'g':
      case 'm':
        pending = { key: input.key, time: input.time };
        return null;
      default:
        return null;
    }
  };
}

/** True when keyboard focus is in a place that takes text. */
export function isTypingTarget(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el.getAttribute('type') ?? 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}
