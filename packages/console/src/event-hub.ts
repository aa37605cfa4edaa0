import type { AgentEventEnvelope } from '@threadline/protocol'

export type EventListener = (envelope: AgentEventEnvelope) => void

/** One workspace stream, many readers: the list and the open conversation each listen to it. */
export interface EventHub {
  emit: EventListener
  subscribe(listener: EventListener): () => void
}

export function createEventHub(): EventHub {
  const listeners = new Set<EventListener>()
  return {
    emit(envelope) {
      for (const listener of listeners) listener(envelope)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
