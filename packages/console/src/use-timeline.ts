import type { TimelineEvent } from '@threadline/protocol'
import { limits } from '@threadline/protocol'
import { useEffect, useRef, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import type { EventHub } from './event-hub.js'

/** Merges by position: an event fetched and the same event from the stream are one. */
function mergeTimeline(current: readonly TimelineEvent[], incoming: readonly TimelineEvent[]): TimelineEvent[] {
  const byPosition = new Map(current.map((event) => [event.position, event]))
  for (const event of incoming) byPosition.set(event.position, event)
  return [...byPosition.values()].sort((left, right) => left.position - right.position)
}

/**
 * The open conversation's timeline (takes, finishes, labels …), oldest first, kept live from the
 * agent stream's `timeline.appended` events. The stream sends a workspace's events in cursor order,
 * so a position that skips ahead means something was missed: the gap is fetched. `generation`
 * changes after a reconnect, when the whole timeline is read again. Each new event is handed to
 * `onLive` once, for the conversation's announcements.
 */
export function useTimeline({
  api,
  hub,
  conversationId,
  generation,
  onLive,
}: {
  api: AgentClient
  hub: EventHub
  conversationId: string
  generation: number
  onLive?: (event: TimelineEvent) => void
}): TimelineEvent[] {
  const [timeline, setTimeline] = useState<TimelineEvent[]>([])
  const lastPositionRef = useRef(0)
  lastPositionRef.current = timeline.at(-1)?.position ?? 0
  const onLiveRef = useRef(onLive)
  onLiveRef.current = onLive

  useEffect(() => {
    const controller = new AbortController()
    const { signal } = controller
    let loaded = false

    /** Every page after `after`; the route pages forward only, so a long conversation takes a few calls. */
    async function readAfter(after: number): Promise<void> {
      let position = after
      for (;;) {
        const page = await api.listTimeline({ conversationId, after: position, limit: limits.messagesPageMax, signal })
        setTimeline((current) => mergeTimeline(current, page.events))
        position = page.events.at(-1)?.position ?? position
        if (!page.hasMore || page.events.length === 0) return
      }
    }

    const unsubscribe = hub.subscribe(({ conversationId: id, event }) => {
      if (id !== conversationId || event.type !== 'timeline.appended') return
      const entry = event.entry
      if (entry.position <= lastPositionRef.current) return
      if (loaded && entry.position > lastPositionRef.current + 1)
        void readAfter(lastPositionRef.current).catch(() => undefined)
      lastPositionRef.current = Math.max(lastPositionRef.current, entry.position)
      setTimeline((current) => mergeTimeline(current, [entry]))
      onLiveRef.current?.(entry)
    })
    readAfter(0).then(
      () => (loaded = true),
      () => {
        // Without the timeline the messages still show; the next reconnect reads it again.
      },
    )
    return () => {
      controller.abort()
      unsubscribe()
    }
  }, [api, hub, conversationId, generation])

  return timeline
}
