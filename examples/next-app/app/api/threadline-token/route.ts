import { signIdentityToken } from '@/lib/identity-token'
import { currentUser } from '@/lib/session'

// The one route Threadline needs: look at YOUR session, then sign who the user is. Never sign for
// whoever asks, and the secret never leaves the server.
export async function POST(): Promise<Response> {
  const user = await currentUser()
  if (!user) return Response.json({ error: 'Sign in first' }, { status: 401 })
  const secret = process.env.THREADLINE_WORKSPACE_SECRET
  if (!secret) return Response.json({ error: 'THREADLINE_WORKSPACE_SECRET is not set' }, { status: 500 })
  const identityToken = await signIdentityToken(
    { sub: user.id, email: user.email, email_verified: true, name: user.name },
    secret,
  )
  return Response.json({ identityToken }, { headers: { 'Cache-Control': 'no-store' } })
}
