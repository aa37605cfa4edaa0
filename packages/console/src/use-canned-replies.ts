import type { CannedReply } from '@threadline/protocol'
import { useCallback, useEffect, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import { describeError } from './describe-error.js'

export interface CannedRepliesState {
  replies: CannedReply[]
  error: string | null
  /** Read the list again (after this advisor changed it). */
  reload: () => void
}

/**
 * The canned replies this advisor can use (their personal ones and the workspace's), read once and
 * searched in the console, so the picker answers as fast as the advisor types. The list is short;
 * the server's `q` search is there for integrations.
 */
export function useCannedReplies({ api, generation }: { api: AgentClient; generation: number }): CannedRepliesState {
  const [replies, setReplies] = useState<CannedReply[]>([])
  const [error, setError] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)
  useEffect(() => {
    const controller = new AbortController()
    api.listCannedReplies({ signal: controller.signal }).then(
      (loaded) => {
        setReplies(loaded)
        setError(null)
      },
      (failure: unknown) => {
        if (!controller.signal.aborted) setError(describeError(failure))
      },
    )
    return () => controller.abort()
  }, [api, generation, reloads])
  const reload = useCallback(() => setReloads((value) => value + 1), [])
  return { replies, error, reload }
}
