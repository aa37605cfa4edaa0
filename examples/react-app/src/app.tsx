import { ChatPanel, ChatWidget } from '@threadline/react'
import type { Team } from '@threadline/react'
import { useId, useState } from 'react'
import { fetchThreadlineToken, signIn, signOut } from './account.js'
import type { User } from './account.js'
import { client } from './chat-client.js'

const team: Team = { name: 'Kettle & Co.', replyTime: 'minutes' }

const layouts = [
  { value: 'widget', label: 'As a widget (the button at the bottom right)' },
  { value: 'inline', label: 'Inline, in the page' },
] as const
type Layout = (typeof layouts)[number]['value']

export function App({ initialUser }: { initialUser: User | null }) {
  const [user, setUser] = useState(initialUser)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [layout, setLayout] = useState<Layout>('widget')
  const layoutName = useId()

  async function handleSignIn() {
    const signedIn = await signIn()
    setUser(signedIn)
    // The chat asks our backend for a signed token now and whenever its session expires.
    await client.identify({ getToken: fetchThreadlineToken })
  }

  async function handleSignOut() {
    await signOut()
    // Ends the chat's session and wipes it from this browser, so the next person here starts afresh.
    await client.logout()
    setUser(null)
  }

  async function toggleAccount() {
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      await (user ? handleSignOut() : handleSignIn())
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <header className="site-header">
        <p className="site-header__brand">Kettle &amp; Co.</p>
        <p className="site-header__account" role="status">
          {user ? `Signed in as ${user.name}` : 'Signed out'}
        </p>
        {/* One button whose label changes, so the keyboard focus stays on it. */}
        <button type="button" className="button" onClick={() => void toggleAccount()} aria-disabled={busy}>
          {user ? 'Sign out' : 'Sign in as Ada (demo)'}
        </button>
      </header>

      <main className="page">
        <h1>Kettles that whistle in tune</h1>
        <p>
          {user
            ? 'You are signed in: the chat knows who you are, so it needs no email code.'
            : 'Signed out, the chat asks for your email and a 6-digit code (see the dev mailbox). Sign in and it knows you.'}
        </p>
        {error ? (
          <p role="alert" className="page__error">
            {error}
          </p>
        ) : null}

        <fieldset className="layout-picker">
          <legend>Show the chat</legend>
          {layouts.map(({ value, label }) => (
            <label key={value}>
              <input
                type="radio"
                name={layoutName}
                value={value}
                checked={layout === value}
                onChange={() => setLayout(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>

        {layout === 'inline' ? <ChatPanel team={team} className="inline-chat" /> : null}
      </main>

      {layout === 'widget' ? <ChatWidget team={team} /> : null}
    </>
  )
}
