/**
 * Where the advisor's key lives between reloads: sessionStorage, so it is gone with the tab. The
 * demo prints a link with the key in the fragment (`#key=…`): a fragment never reaches a server
 * or a Referer header, and the console removes it from the address bar at once.
 */
const storageKey = 'threadline:agent-key'

/** sessionStorage when the browser lets us use it; null in private modes that throw. */
function sessionStore(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage
  } catch {
    return null
  }
}

/** Reads `#key=…`, keeps it for this tab and removes it from the address bar (and the history entry). */
export function takeKeyFromFragment(): string | null {
  if (typeof location === 'undefined') return null
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''))
  const key = fragment.get('key')?.trim()
  if (!key) return null
  fragment.delete('key')
  const rest = fragment.toString()
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest === '' ? '' : `#${rest}`}`)
  return key
}

export function readStoredKey(): string | null {
  try {
    return sessionStore()?.getItem(storageKey) ?? null
  } catch {
    return null
  }
}

export function storeKey(key: string): void {
  try {
    sessionStore()?.setItem(storageKey, key)
  } catch {
    // Storage full or blocked: the key still works until the tab reloads.
  }
}

export function forgetKey(): void {
  try {
    sessionStore()?.removeItem(storageKey)
  } catch {
    // Nothing stored, nothing to forget.
  }
}
