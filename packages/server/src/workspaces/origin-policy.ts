import type { ServerMode } from '../server-context.js'

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for `http(s)://localhost:<any port>` and the loopback addresses. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && loopbackHosts.has(url.hostname)
  } catch {
    return false
  }
}

/**
 * Whether a browser page on `origin` may use a workspace: only its configured origins, compared
 * exactly (scheme, host and port). In development any loopback origin is also allowed, so the
 * examples and a local shop work without configuration.
 */
export function isOriginAllowed(allowedOrigins: readonly string[], origin: string, mode: ServerMode): boolean {
  if (allowedOrigins.includes(origin)) return true
  return mode === 'development' && isLoopbackOrigin(origin)
}
