import { createHmac, timingSafeEqual } from 'node:crypto'
import { cookies } from 'next/headers'

/**
 * The site's own sign-in, reduced to one demo user and a signed cookie. Your app has its own
 * (Auth.js, Clerk, a session table…); what matters to Threadline is `currentUser()`.
 */
export interface User {
  id: string
  name: string
  email: string
}

const users: Record<string, User> = {
  'demo-user-ada': { id: 'demo-user-ada', name: 'Ada Lovelace', email: 'ada@example.com' },
}
const cookieName = 'session'

// DEMO ONLY: the cookie is signed with a key derived from the workspace secret, so the example
// needs no second secret. Your sessions have keys of their own.
function sign(userId: string): string {
  const key = process.env.THREADLINE_WORKSPACE_SECRET ?? ''
  return createHmac('sha256', key).update(`demo-session:${userId}`).digest('base64url')
}

export async function currentUser(): Promise<User | null> {
  const [userId = '', signature = ''] = ((await cookies()).get(cookieName)?.value ?? '').split('.')
  const expected = Buffer.from(sign(userId))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  return users[userId] ?? null
}

export async function startSession(userId: string): Promise<void> {
  ;(await cookies()).set(cookieName, `${userId}.${sign(userId)}`, { httpOnly: true, sameSite: 'lax', path: '/' })
}

export async function endSession(): Promise<void> {
  ;(await cookies()).delete(cookieName)
}
