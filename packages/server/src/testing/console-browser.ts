/**
 * A stand-in for a browser tab on the server's own origin, for testing the console's cookie session
 * from Node (whose `fetch` keeps no cookies and sends no Fetch Metadata). It keeps the cookies the
 * server sets, sends them back, and marks every call the way a browser marks a same-origin one:
 * `Sec-Fetch-Site: same-origin`, and `Origin` on calls that change something. Real browsers are
 * tested end to end; this is their test double.
 */
export interface ConsoleBrowser {
  /** A `fetch` for `createConsoleClient({ baseUrl: origin, fetch })`. */
  fetch(input: string, init?: RequestInit): Promise<Response>
  /** A cookie's value as the browser holds it now, or null. */
  cookie(name: string): string | null
}

export function createConsoleBrowser(origin: string): ConsoleBrowser {
  const jar = new Map<string, string>()

  function keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const separator = pair.indexOf('=')
      if (separator === -1) continue
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      const expired = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute))
      if (expired || value === '') jar.delete(name)
      else jar.set(name, value)
    }
  }

  return {
    async fetch(input, init = {}) {
      const headers = new Headers(init.headers)
      headers.set('sec-fetch-site', 'same-origin')
      const method = (init.method ?? 'GET').toUpperCase()
      if (method !== 'GET' && method !== 'HEAD') headers.set('origin', origin)
      if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
      const response = await fetch(input, { ...init, headers })
      keep(response)
      return response
    },
    cookie: (name) => jar.get(name) ?? null,
  }
}

/** A mail as the dev outbox keeps it (the fields this reader needs). */
export interface OutboxMail {
  id: string
  to: string
  subject: string
  text: string
}

/**
 * The console sign-in code in the newest mail to `email` that is not in `seen` (the dev outbox is
 * newest first), or null; the mail's id is added to `seen`, so each code is answered once.
 */
export function takeConsoleCode(mails: readonly OutboxMail[], email: string, seen: Set<string>): string | null {
  const mail = mails.find(
    (candidate) => candidate.to === email && candidate.subject.includes('sign-in code') && !seen.has(candidate.id),
  )
  const code = mail && /\b(\d{6})\b/.exec(mail.text)?.[1]
  if (!mail || !code) return null
  seen.add(mail.id)
  return code
}
