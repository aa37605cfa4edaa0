import type { ConsoleSession } from '@threadline/protocol'
import { useEffect, useMemo, useRef, useState } from 'react'
import { createConsoleClient, isApiError } from '@threadline/api'
import type { FetchFunction } from '@threadline/api'
import { describeError } from './describe-error.js'
import { SignIn } from './sign-in.js'
import { SignedInConsole } from './signed-in-console.js'
import { readEmailFromFragment, removeEmailFromFragment } from './sign-in-link.js'

export interface AppProps {
  /** The API's origin; '' (default) is this page's origin, where the server serves the console. */
  baseUrl?: string
  fetch?: FetchFunction
}

type Access =
  | { state: 'checking' }
  | { state: 'signed-out'; notice: string | null }
  | { state: 'signed-in'; session: ConsoleSession }

/** What the sign-in screen says when the server stopped accepting the session of an open console. */
export const accessEndedNotice =
  'Your access to the console ended: you were signed out, your session expired, or you were removed from the team. Sign in again to continue.'

/**
 * The console's one gate. The session is an HttpOnly cookie the page never sees, so on load it asks
 * the server who is signed in. From then on any 401 (a call, or the event stream refused) means the
 * session ended — signed out elsewhere, expired, or the advisor was removed — and the whole signed-in
 * tree is dropped at once for the sign-in screen, so nothing of the workspace stays on screen.
 */
export function App({ baseUrl = '', fetch }: AppProps) {
  const [access, setAccess] = useState<Access>({ state: 'checking' })
  // Read in a pure initialiser (StrictMode runs it twice), taken out of the address bar after.
  const [initialEmail] = useState(readEmailFromFragment)
  useEffect(removeEmailFromFragment, [])
  const accessRef = useRef(access)
  accessRef.current = access
  const signingOut = useRef(false)

  /**
   * The one guard for both ways the server says the session is gone (a call's 401, the event stream
   * refused): ignored while this console is signing itself out, and once it has left the signed-in
   * state, so a sign-out's own refusals never turn "You signed out." into "access ended".
   */
  function accessLost(): void {
    if (accessRef.current.state === 'signed-in' && !signingOut.current) endAccess(accessEndedNotice)
  }

  const client = useMemo(
    () => createConsoleClient({ baseUrl, ...(fetch ? { fetch } : {}), onUnauthorized: () => accessLost() }),
    [baseUrl, fetch],
  )

  function endAccess(notice: string | null): void {
    accessRef.current = { state: 'signed-out', notice }
    setAccess(accessRef.current)
  }

  useEffect(() => {
    const controller = new AbortController()
    client.getSession({ signal: controller.signal }).then(
      (session) => setAccess({ state: 'signed-in', session }),
      (failure: unknown) => {
        if (controller.signal.aborted) return
        // 401 is simply "nobody is signed in here yet"; anything else is worth saying.
        const signedOut = isApiError(failure) && failure.code === 'unauthorized'
        setAccess({ state: 'signed-out', notice: signedOut ? null : describeError(failure) })
      },
    )
    return () => controller.abort()
  }, [client])

  /** Signs this device (or every device) out on the server, then shows the sign-in screen. */
  async function signOut(scope: 'here' | 'everywhere'): Promise<void> {
    signingOut.current = true
    const done = scope === 'here' ? 'You signed out.' : 'You signed out on every device.'
    try {
      await (scope === 'here' ? client.signOut() : client.signOutEverywhere())
      endAccess(done)
    } catch (failure) {
      // Signed out already (401), or the server could not be told: say which.
      endAccess(
        isApiError(failure) && failure.code === 'unauthorized'
          ? done
          : `${describeError(failure)} This device may still be signed in: sign out again once the server can be reached.`,
      )
    } finally {
      signingOut.current = false
    }
  }

  if (access.state === 'checking') {
    return (
      <main className="console-sign-in tl-root" aria-busy="true">
        <h1>Threadline console</h1>
        <p role="status">Checking whether you are signed in…</p>
      </main>
    )
  }
  if (access.state === 'signed-out') {
    return (
      <SignIn
        client={client}
        notice={access.notice}
        initialEmail={initialEmail}
        onSignedIn={(session) => setAccess({ state: 'signed-in', session })}
      />
    )
  }
  return (
    <SignedInConsole
      // Another workspace or another advisor is a fresh console: nothing carries over.
      key={`${access.session.workspace.id}:${access.session.advisor.id}`}
      client={client}
      session={access.session}
      onSessionChange={(session) => setAccess({ state: 'signed-in', session })}
      onSignOut={(scope) => void signOut(scope)}
      onAccessEnded={accessLost}
    />
  )
}
