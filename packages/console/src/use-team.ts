import type { TeamMember } from '@threadline/protocol'
import { useEffect, useState } from 'react'
import type { AgentClient } from '@threadline/api'

/**
 * The workspace's advisors (for @mentions, and for this advisor's own role), read once per
 * connection: a teammate invited meanwhile appears after the next reconnect or reload.
 */
export function useTeam({ api, generation }: { api: AgentClient; generation: number }): TeamMember[] {
  const [team, setTeam] = useState<TeamMember[]>([])
  useEffect(() => {
    const controller = new AbortController()
    api.listTeam({ signal: controller.signal }).then(setTeam, () => {
      // Mentions then suggest nobody; the note itself still saves.
    })
    return () => controller.abort()
  }, [api, generation])
  return team
}
