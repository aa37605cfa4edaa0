import type { ChatEvent, NoteEvent } from '@threadline/protocol'

/**
 * How conversation events reach every open stream. A single process uses `createMemoryBus()`;
 * several processes sharing one Postgres plug in a LISTEN/NOTIFY bus through the same option.
 * Publishers call `publish` only after the database commit, so a subscriber that reads the
 * database on an event always finds what the event describes.
 */
export interface RealtimeBus {
  /** Delivers to subscribers in every server process sharing the bus, this one included. */
  publish(envelope: RealtimeEnvelope): Promise<void>
  subscribe(listener: (envelope: RealtimeEnvelope) => void): () => void
  /** Called when this process may have missed events; the bus cannot replay them. */
  onGap?(listener: (gap: { reason: string }) => void): () => void
  close(): Promise<void>
}

/** Where an event belongs: every envelope names its workspace, conversation and customer. */
interface EnvelopeAddress {
  workspaceId: string
  conversationId: string
  customerId: string
}

/** A conversation's event: its customer's streams and the workspace's advisors get it. */
export interface BusEnvelope extends EnvelopeAddress {
  event: ChatEvent
  /**
   * The conversation waits for an identification code (workspace mode `required`): its customer's
   * streams get the event, advisors' streams do not. Set by the publisher; the Postgres bus carries
   * the whole envelope as JSON, so the flag crosses processes.
   */
  hiddenFromAgents?: true
  audience?: undefined
}

/**
 * The inverse of `hiddenFromAgents`: an event for advisors only (private notes, N1). A customer's
 * stream drops it before anything else; the type keeps a note event out of `ChatEvent` so the
 * compiler refuses to hand one to a customer's writer.
 */
export interface AgentOnlyEnvelope extends EnvelopeAddress {
  event: NoteEvent
  audience: 'agents'
  hiddenFromAgents?: undefined
}

/**
 * What the bus carries. A subscriber takes both kinds, so one that forwards outside the advisors'
 * streams (a customer's stream, later webhooks) has to drop `audience: 'agents'` to compile (N1).
 */
export type RealtimeEnvelope = BusEnvelope | AgentOnlyEnvelope

/** The in-process bus: synchronous fan-out, in publish order. A throwing listener cannot starve the others. */
export function createMemoryBus(): RealtimeBus {
  const listeners = new Set<(envelope: RealtimeEnvelope) => void>()
  return {
    async publish(envelope) {
      for (const listener of [...listeners]) {
        try {
          listener(envelope)
        } catch (error) {
          console.error('A realtime listener failed', error)
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async close() {
      listeners.clear()
    },
  }
}
