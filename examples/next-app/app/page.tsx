import { currentUser } from '@/lib/session'
import { signIn, signOut } from './actions'
import { Chat } from './chat'

// A server component: it reads the session cookie, so it renders per request.
export default async function Page() {
  const user = await currentUser()
  return (
    <>
      <header className="site-header">
        <p className="site-header__brand">Kettle &amp; Co.</p>
        <p className="site-header__account" role="status">
          {user ? `Signed in as ${user.name}` : 'Signed out'}
        </p>
        <form action={user ? signOut : signIn}>
          <button type="submit" className="button">
            {user ? 'Sign out' : 'Sign in as Ada (demo)'}
          </button>
        </form>
      </header>
      <main className="page">
        <h1>Kettles that whistle in tune</h1>
        <p>
          {user
            ? 'You are signed in: the chat knows who you are, so it needs no email code.'
            : 'Signed out, the chat asks for your email and a 6-digit code. Sign in and it knows you.'}
        </p>
      </main>
      <Chat signedIn={user !== null} />
    </>
  )
}
