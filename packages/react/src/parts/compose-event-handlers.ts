/**
 * Runs the caller's handler first; the part's own behaviour runs only if the caller did not call
 * `event.preventDefault()` (Radix's contract).
 */
export function composeEventHandlers<E extends { defaultPrevented: boolean }>(
  theirs: ((event: E) => void) | undefined,
  ours: (event: E) => void,
): (event: E) => void {
  return (event) => {
    theirs?.(event)
    if (!event.defaultPrevented) ours(event)
  }
}
