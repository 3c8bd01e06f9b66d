export type KeyAction =
  | 'next'
  | 'prev'
  | 'open'
  | 'focus-search'
  | 'escape'
  | 'goto-owner'
  | 'goto-assistant'
  | 'goto-waiting'
  | 'goto-done'
  | 'help';

export type KeyInput = {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True while the focus is in a text field: single-letter shortcuts are off. */
  typing?: boolean;
  /** Event time in ms, for the `g` prefix timeout. */
  time: number;
};

export type Shortcut = { keys: string[]; label: string };

/** What the help overlay lists. Keep in step with `interpretKey`. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['j'], label: 'Next case' },
  { keys: ['k'], label: 'Previous case' },
  { keys: ['Enter'], label: 'Open the selected case' },
  { keys: ['/'], label: 'Search' },
  { keys: ['Esc'], label: 'Leave or clear search, close this help' },
  { keys: ['g', 'o'], label: 'Go to the owner queue' },
  { keys: ['g', 'a'], label: 'Go to the assistant queue' },
  { keys: ['g', 'w'], label: 'Go to waiting' },
  { keys: ['g', 'd'], label: 'Go to done' },
  { keys: ['?'], label: 'Show or hide this help' },
];

/** How long after `g` the second key of a "go to" pair is accepted. */
export const PREFIX_TIMEOUT_MS = 1500;

/**
 * A small key interpreter with memory for the `g` prefix. Returns the action
 * for a key press, or null when the key is not a shortcut (and the browser
 * should handle it as usual).
 */
export function createKeyInterpreter() {
  let pendingG: number | null = null;

  return function interpretKey(input: KeyInput): KeyAction | null {
    if (input.ctrlKey || input.metaKey || input.altKey) {
      pendingG = null;
      return null;
    }
    if (input.typing) {
      pendingG = null;
      return input.key === 'Escape' ? 'escape' : null;
    }
    if (pendingG !== null) {
      const fresh = input.time - pendingG <= PREFIX_TIMEOUT_MS;
      pendingG = null;
      if (fresh) {
        switch (input.key) {
          case 'o':
            return 'goto-owner';
          case 'a':
            return 'goto-assistant';
          case 'w':
            return 'goto-waiting';
          case 'd':
            return 'goto-done';
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
      case 'g':
        pendingG = input.time;
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
