import type { Agent } from '@threadline/protocol'
import { useEffect, useState } from 'react'
import { isApiError } from '@threadline/api'
import type { FetchFunction } from '@threadline/api'
import { createConsoleClient } from './api-client.js'
import { forgetKey, readStoredKey, storeKey, takeKeyFromFragment } from './agent-key.js'
import { describeError } from './describe-error.js'
import { Inbox } from './inbox.js'
import { SignIn } from './sign-in.js'

export interface AppProps {
  /** The API's origin; '' (default) is this page's origin, where the demo serves the console. */
  baseUrl?: string
  fetch?: FetchFunction
}

interface Session {
  key: string
  agent: Agent
  workspaceId: string
}

/** A key from the demo's link wins over one kept from before; it is stored at once, so reading it twice finds it. */
function initialKey(): string | null {
  const fromLink = takeKeyFromFragment()
  if (fromLink !== null) storeKey(fromLink)
  return fromLink ?? readStoredKey()
}

/** Signs the advisor in (checking the key with `GET /v1/agent/me`), then shows the inbox. */
export function App({ baseUrl = '', fetch }: AppProps) {
  const [pendingKey, setPendingKey] = useState<string | null>(initialKey)
  const [session, setSession] = useState<Session | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (pendingKey === null) return
    const controller = new AbortController()
    createConsoleClient({ baseUrl, agentKey: pendingKey, ...(fetch ? { fetch } : {}) })
      .me({ signal: controller.signal })
      .then(
        ({ agent, workspaceId }) => {
          storeKey(pendingKey)
          setSession({ key: pendingKey, agent, workspaceId })
          setError(null)
          setPendingKey(null)
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return
          // Only a refused key is forgotten: a server that is down says nothing about the key.
          if (isApiError(failure) && failure.code === 'unauthorized') forgetKey()
          setError(describeError(failure))
          setPendingKey(null)
        },
      )
    return () => controller.abort()
  }, [pendingKey, baseUrl, fetch])

  function signOut(reason: string | null = null): void {
    forgetKey()
    setSession(null)
    setError(reason)
  }

  if (session) {
    return (
      <Inbox
        key={session.key}
        baseUrl={baseUrl}
        {...(fetch ? { fetch } : {})}
        apiKey={session.key}
        agent={session.agent}
        onSignOut={() => signOut()}
        onKeyRefused={() => signOut('The server no longer accepts this agent key. Sign in again.')}
      />
    )
  }
  return <SignIn error={error} checking={pendingKey !== null} onSubmit={setPendingKey} />
}
