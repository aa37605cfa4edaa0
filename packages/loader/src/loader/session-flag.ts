/**
 * The one thing the loader keeps on the host page: whether this browser has a chat session for the
 * workspace, so it can create the frame on idle and show the unread badge. A flag ('1'), never the
 * token, which stays in the frame's own storage (docs/security.md A14).
 */
export const sessionFlagKey = (workspaceId: string) => `threadline:session:${workspaceId}`

// Storage can be disabled or throw (privacy modes, sandboxed pages): the flag is an optimisation, so
// failing to read it means "no session known" and failing to write it changes nothing else.
export function readSessionFlag(storage: () => Storage, workspaceId: string): boolean {
  try {
    return storage().getItem(sessionFlagKey(workspaceId)) === '1'
  } catch {
    return false
  }
}

export function writeSessionFlag(storage: () => Storage, workspaceId: string, active: boolean): void {
  try {
    if (active) storage().setItem(sessionFlagKey(workspaceId), '1')
    else storage().removeItem(sessionFlagKey(workspaceId))
  } catch {
    // See above.
  }
}
