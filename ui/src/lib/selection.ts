/**
 * Keyboard selection in a list of ids (j/k). With nothing selected (or the
 * selected id gone from the list) "next" starts at the first item and
 * "previous" at the last. Movement stops at the ends instead of wrapping,
 * like mail clients do.
 */
export function moveSelection(ids: readonly string[], current: string | null, delta: number): string | null {
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index === -1) return delta >= 0 ? ids[0] : ids[ids.length - 1];
  const next = Math.min(ids.length - 1, Math.max(0, index + delta));
  return ids[next];
}

/**
 * After a list refresh, keep the selection if it is still there, otherwise
 * select the item that took its place (same index, clamped), or nothing.
 */
export function keepSelection(
  previousIds: readonly string[],
  ids: readonly string[],
  current: string | null,
): string | null {
  if (ids.length === 0) return null;
  if (current !== null && ids.includes(current)) return current;
  const oldIndex = current === null ? -1 : previousIds.indexOf(current);
  if (oldIndex === -1) return ids[0];
  return ids[Math.min(oldIndex, ids.length - 1)];
}
