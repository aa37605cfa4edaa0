import type { Context } from 'hono'
import { consoleLifetimeMs } from '../advisors/console-sessions.js'

/**
 * H2: `__Host-` means Secure, Path=/ and no Domain, so no other host (nor a subdomain) can set or
 * read it. Chromium and Firefox treat `http://localhost` as secure and accept it there too.
 */
export const consoleCookieName = '__Host-tl_console'

/** The console session's cookie value, or null. */
export function consoleCookie(c: Context): string | null {
  return readCookie(c, consoleCookieName)
}

/** The value of the cookie called `name` in the request, or null when it is absent or empty. */
export function readCookie(c: Context, name: string): string | null {
  const header = c.req.header('cookie') ?? ''
  for (const part of header.split(';')) {
    const separator = part.indexOf('=')
    if (separator === -1) continue
    if (part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim()
      return value === '' ? null : value
    }
  }
  return null
}

/** `HttpOnly` (no script reads it), `SameSite=Lax` (no cross-site request sends it but a top-level link). */
export function setConsoleCookie(c: Context, token: string): void {
  c.header(
    'Set-Cookie',
    `${consoleCookieName}=${token}; Path=/; Max-Age=${consoleLifetimeMs / 1000}; HttpOnly; Secure; SameSite=Lax`,
    { append: true },
  )
}

export function clearConsoleCookie(c: Context): void {
  c.header('Set-Cookie', `${consoleCookieName}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`, { append: true })
}
