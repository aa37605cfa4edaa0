// The browser's side of the site's own account: it talks to our backend (src/backend), never to
// Threadline's secret.

export interface User {
  id: string
  name: string
  email: string
}

export async function fetchCurrentUser(): Promise<User | null> {
  const response = await fetch('/api/me')
  if (!response.ok) return null
  return ((await response.json()) as { user: User | null }).user
}

export async function signIn(): Promise<User> {
  const response = await fetch('/api/sign-in', { method: 'POST' })
  if (!response.ok) throw new Error(`Sign-in failed (${response.status})`)
  return ((await response.json()) as { user: User }).user
}

export async function signOut(): Promise<void> {
  await fetch('/api/sign-out', { method: 'POST' })
}

/** The chat's `getToken`: called on identify and again whenever the chat's session expires. */
export async function fetchThreadlineToken(): Promise<string> {
  const response = await fetch('/api/threadline-token', { method: 'POST' })
  if (!response.ok) throw new Error(`No identity token (${response.status})`)
  return ((await response.json()) as { identityToken: string }).identityToken
}
