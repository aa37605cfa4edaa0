import { workspaceHeader } from '@threadline/protocol'
import { expect } from 'vitest'

/** POSTs JSON to a server (a process of its own, `startServerProcess`) for one workspace; fails the test on any status ≥ 300. */
export function workspaceCaller(url: () => string, workspaceId: string) {
  return async (path: string, body: unknown, token?: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url()}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [workspaceHeader]: workspaceId,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    })
    expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300)
    return (await response.json()) as Record<string, unknown>
  }
}

/** Signs a customer in with the code from a development server's `/dev/mailbox`; returns the session token. */
export async function signInFromDevMailbox(
  url: string,
  call: ReturnType<typeof workspaceCaller>,
  email: string,
): Promise<string> {
  const { challengeId } = (await call('/v1/auth/email/start', { email })) as { challengeId: string }
  const mailbox = (await (await fetch(`${url}/dev/mailbox`, { headers: { accept: 'application/json' } })).json()) as {
    messages: Array<{ to: string; text: string }>
  }
  const code = mailbox.messages.find((mail) => mail.to === email)?.text.match(/\b\d{6}\b/)?.[0]
  const grant = (await call('/v1/auth/email/verify', { challengeId, code })) as { session: { token: string } }
  return grant.session.token
}
