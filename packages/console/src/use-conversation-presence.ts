import type { Agent } from '@threadline/protocol'
import { viewingTtlMs } from '@threadline/protocol'
import { useEffect, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import type { EventHub } from './event-hub.js'

/** The heartbeat goes out well within the server's window, so one late beat does not drop us. */
export const viewingHeartbeatMs = Math.floor(viewingTtlMs / 3)
/** An advisor's "typing" is refreshed every few seconds while it lasts (see use-typing-signal). */
const typingTtlMs = 7_000

export interface ConversationPresence {
  /** Other advisors with the conversation open, by name. */
  viewing: Agent[]
  /** Other advisors typing a reply in it. */
  typing: Agent[]
}

const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden'

type Seen = Map<string, { agent: Agent; until: number }>

/**
 * "Ana is viewing", "Ana is typing": tells the other advisors this one has the conversation open
 * (a heartbeat while it is open and the tab visible; `viewing: false` when it closes or the tab is
 * hidden) and collects theirs from the agent stream. Entries lapse on their own when heartbeats stop
 * (a closed laptop sends no goodbye). Best effort: a lost heartbeat is not worth an error.
 */
export function useConversationPresence({
  api,
  hub,
  conversationId,
  myId,
}: {
  api: AgentClient
  hub: EventHub
  conversationId: string
  myId: string
}): ConversationPresence {
  const [viewers, setViewers] = useState<Seen>(new Map())
  const [typists, setTypists] = useState<Seen>(new Map())

  // Our own heartbeat.
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined
    let announced = false
    const send = (viewing: boolean) => {
      announced = viewing
      api.setViewing({ conversationId, viewing }).catch(() => undefined)
    }
    const start = () => {
      if (timer !== undefined) return
      send(true)
      timer = setInterval(() => send(true), viewingHeartbeatMs)
    }
    const stop = () => {
      clearInterval(timer)
      timer = undefined
      if (announced) send(false)
    }
    const onVisibility = () => (visible() ? start() : stop())
    if (visible()) start()
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      stop()
    }
  }, [api, conversationId])

  // Everyone else's, from the stream.
  useEffect(() => {
    setViewers(new Map())
    setTypists(new Map())
    const put = (set: typeof setViewers, agent: Agent, until: number) =>
      set((current) => new Map(current).set(agent.id, { agent, until }))
    const drop = (set: typeof setViewers, agentId?: string) =>
      set((current) => {
        if (agentId === undefined) return current.size === 0 ? current : new Map()
        if (!current.has(agentId)) return current
        const next = new Map(current)
        next.delete(agentId)
        return next
      })
    return hub.subscribe(({ conversationId: id, event }) => {
      if (id !== conversationId) return
      switch (event.type) {
        case 'conversation.viewing':
          // Timed by this clock, not the server's `expiresAt`: the two need not agree.
          if (event.agent.id === myId) return
          return event.viewing
            ? put(setViewers, event.agent, Date.now() + viewingTtlMs)
            : drop(setViewers, event.agent.id)
        case 'typing.started':
          if (event.author !== 'agent' || event.agent === null || event.agent.id === myId) return
          return put(setTypists, event.agent, Date.now() + typingTtlMs)
        case 'typing.stopped':
          // A server that names no advisor ends them all; anyone still typing says so again within seconds.
          if (event.author === 'agent') drop(setTypists, event.agentId)
          return
        case 'message.created':
          if (event.message.author.kind === 'agent' && event.message.author.id !== null)
            drop(setTypists, event.message.author.id)
          return
      }
    })
  }, [hub, conversationId, myId])

  useLapse(viewers, setViewers)
  useLapse(typists, setTypists)

  const agents = (seen: Seen) => [...seen.values()].map((entry) => entry.agent)
  return { viewing: agents(viewers), typing: agents(typists) }
}

/** Drops entries when their time is up: one timer, set for the soonest. */
function useLapse(seen: Seen, set: (change: (current: Seen) => Seen) => void): void {
  useEffect(() => {
    if (seen.size === 0) return
    const soonest = Math.min(...[...seen.values()].map((entry) => entry.until))
    const timer = setTimeout(
      () => set((current) => new Map([...current].filter(([, entry]) => entry.until > Date.now()))),
      Math.max(0, soonest - Date.now()) + 50,
    )
    return () => clearTimeout(timer)
  }, [seen, set])
}

/** "Ana is viewing", "Ana and Ben are typing", "Ana, Ben and 2 others are viewing". */
export function presenceSentence(agents: readonly Agent[], doing: string): string | null {
  const names = agents.map((agent) => agent.name)
  if (names.length === 0) return null
  if (names.length === 1) return `${names[0]} is ${doing}`
  if (names.length === 2) return `${names[0]} and ${names[1]} are ${doing}`
  const others = names.length - 2
  return `${names[0]}, ${names[1]} and ${others} ${others === 1 ? 'other' : 'others'} are ${doing}`
}
