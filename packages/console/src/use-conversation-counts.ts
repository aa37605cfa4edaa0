import type { AgentConversationCounts } from '@threadline/protocol'
import { useEffect, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import type { EventHub } from './event-hub.js'

/** Events that can move a conversation between views, or add one. */
const countingEvents: ReadonlySet<string> = new Set([
  'message.created',
  'conversation.status_changed',
  'conversation.assigned',
  'conversation.identification_changed',
])

/** A burst of events (a reply assigns, activates and adds a message) costs one refetch. */
export const countsDelayMs = 250

/**
 * The size of each view, fetched once and again (debounced) after any event that may change it,
 * and after the stream reconnects (`generation`). Null until the first answer.
 */
export function useConversationCounts({
  api,
  hub,
  generation,
}: {
  api: AgentClient
  hub: EventHub
  generation: number
}): AgentConversationCounts | null {
  const [counts, setCounts] = useState<AgentConversationCounts | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = () =>
      api.conversationCounts({ signal: controller.signal }).then(setCounts, () => {
        // Counts are a hint: the views still work without them, and the next event tries again.
      })
    const unsubscribe = hub.subscribe(({ event }) => {
      if (!countingEvents.has(event.type)) return
      clearTimeout(timer)
      timer = setTimeout(() => void load(), countsDelayMs)
    })
    void load()
    return () => {
      controller.abort()
      clearTimeout(timer)
      unsubscribe()
    }
  }, [api, hub, generation])

  return counts
}
