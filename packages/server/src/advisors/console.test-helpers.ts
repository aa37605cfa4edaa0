import type { AdvisorRole, TeamMember } from '@threadline/protocol'
import type { CallResult, TestServer } from '../testing/test-server.test-helpers.js'

export interface ConsoleCallOptions {
  cookie?: string | null
  body?: unknown
  /** Replaces the same-origin headers a browser on the console sends. */
  headers?: Record<string, string>
}

/** A call as the console page makes it: same origin, JSON, the cookie. */
export async function consoleCall(
  test: TestServer,
  method: string,
  path: string,
  { cookie = null, body, headers }: ConsoleCallOptions = {},
): Promise<CallResult> {
  const response = await fetch(`${test.url}${path}`, {
    method,
    headers: {
      ...(headers ?? {
        'sec-fetch-site': 'same-origin',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      }),
      ...(cookie === null ? {} : { cookie: `__Host-tl_console=${cookie}` }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: (text === '' ? null : JSON.parse(text)) as CallResult['body'],
    headers: response.headers,
  }
}

/** Invites through the admin API (the workspace secret). */
export async function inviteByAdmin(
  test: TestServer,
  { email, name = 'Advisor', role = 'advisor' }: { email: string; name?: string; role?: AdvisorRole },
): Promise<TeamMember> {
  const result = await test.call('POST', '/v1/admin/advisors', {
    token: test.workspace.secret,
    body: { email, name, role },
  })
  if (result.status !== 200) throw new Error(`invite answered ${result.status}: ${JSON.stringify(result.body)}`)
  return (result.body as unknown as { advisor: TeamMember }).advisor
}

/** The newest console code mailed to `email`, or null. */
export function consoleCodeFor(test: TestServer, email: string): string | null {
  const mail = test.outbox
    .messages()
    .find((message) => message.to === email && message.subject.includes('sign-in code'))
  return (mail && /\b(\d{6})\b/.exec(mail.text)?.[1]) ?? null
}

/** The cookie value a response set, or null. */
export function cookieFrom(result: CallResult): string | null {
  const header = result.headers.get('set-cookie') ?? ''
  return /__Host-tl_console=([^;]*)/.exec(header)?.[1] || null
}

/** Signs `email` in to the console and answers the cookie value. */
export async function signIn(test: TestServer, email: string): Promise<string> {
  const started = await consoleCall(test, 'POST', '/v1/console/sign-in/start', { body: { email } })
  if (started.status !== 202) throw new Error(`sign-in/start answered ${started.status}`)
  const code = consoleCodeFor(test, email)
  if (code === null) throw new Error(`No console code was mailed to ${email}`)
  const verified = await consoleCall(test, 'POST', '/v1/console/sign-in/verify', { body: { email, code } })
  const cookie = cookieFrom(verified)
  if (verified.status !== 200 || cookie === null) throw new Error(`sign-in/verify answered ${verified.status}`)
  return cookie
}
