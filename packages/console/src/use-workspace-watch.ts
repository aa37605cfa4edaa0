import type { ConsoleSession } from '@threadline/protocol'
import { useMemo, useRef } from 'react'
import type { AgentClient, ConsoleClient } from '@threadline/api'

/**
 * The agent client the inbox runs on, with one addition: whenever its event stream comes back after
 * a drop, the session is read again. The server ends an advisor's streams when they leave a team, and
 * a session whose email is still on another team moves to that workspace; the console then shows
 * that workspace (`onSessionChange`) instead of mixing it into this one's screen.
 */
export function useWorkspaceWatch(
  client: ConsoleClient,
  session: ConsoleSession,
  onSessionChange: (session: ConsoleSession) => void,
): AgentClient {
  const latest = useRef({ workspaceId: session.workspace.id, onSessionChange })
  latest.current = { workspaceId: session.workspace.id, onSessionChange }

  return useMemo(() => {
    const { agent } = client
    return {
      ...agent,
      subscribe(options) {
        let dropped = false
        return agent.subscribe({
          ...options,
          onStatus(change) {
            options.onStatus?.(change)
            if (change.status === 'reconnecting') dropped = true
            if (change.status !== 'live' || !dropped) return
            dropped = false
            // A 401 here is the App's to handle (onUnauthorized): nothing to do but wait.
            client.getSession().then(
              (fresh) => {
                if (fresh.workspace.id !== latest.current.workspaceId) latest.current.onSessionChange(fresh)
              },
              () => undefined,
            )
          },
        })
      },
    }
  }, [client])
}
