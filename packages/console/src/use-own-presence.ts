import type { SettablePresenceStatus } from '@threadline/protocol'
import { useEffect, useState } from 'react'
import type { TeamClient } from '@threadline/api'
import { describeError } from './describe-error.js'

export interface OwnPresence {
  /** What teammates see while this console is open: `online`, or `away` when the advisor said so. */
  status: SettablePresenceStatus
  setStatus: (status: SettablePresenceStatus) => void
  error: string | null
}

/**
 * The advisor's own presence: read from the team list once, changed at once on screen and then on
 * the server; a refusal puts the previous status back and says why.
 */
export function useOwnPresence(team: TeamClient, advisorId: string): OwnPresence {
  const [status, setLocalStatus] = useState<SettablePresenceStatus>('online')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    team.listAdvisors({ signal: controller.signal }).then(
      (advisors) => {
        if (advisors.find((advisor) => advisor.id === advisorId)?.presence === 'away') setLocalStatus('away')
      },
      () => undefined,
    )
    return () => controller.abort()
  }, [team, advisorId])

  function setStatus(next: SettablePresenceStatus): void {
    const previous = status
    setLocalStatus(next)
    setError(null)
    team.setPresence({ status: next }).catch((failure: unknown) => {
      setLocalStatus(previous)
      setError(describeError(failure))
    })
  }

  return { status, setStatus, error }
}
