import type { AgentOnlyEvent, ChatEvent, NoteEvent } from '@threadline/protocol'

/**
 * How conversation events reach every open stream. A single process uses `createMemoryBus()`;
 * several processes sharing one Postgres plug in a LISTEN/NOTIFY bus through the same option.
 * Publishers call `publish` only after the database commit, so a subscriber that reads the
 * database on an event always finds what the event describes.
 */
export interface RealtimeBus {
  /** Delivers to subscribers in every server process sharing the bus, this one included. */
  publish(envelope: BusEnvelope): Promise<void>
  subscribe(listener: (envelope: BusEnvelope) => void): () => void
  /** Called when this process may have missed events; the bus cannot replay them. */
  onGap?(listener: (gap: { reason: string }) => void): () => void
  close(): Promise<void>
}

/**
 * An event addressed to a conversation and its customer. Chat events go to the customer's streams
 * and the advisors'; `agentsOnly` ones (timeline rows, viewing, private notes) to the advisors'
 * streams only. The union keeps a note or timeline event out of `ChatEvent`, so a subscriber that
 * forwards outside the advisors' streams (a customer's stream, later webhooks) has to drop
 * `agentsOnly` before the compiler lets it hand the event on (N1).
 */
export type BusEnvelope = EnvelopeAddress &
  ({ event: ChatEvent; agentsOnly?: undefined } | { event: AgentOnlyEvent | NoteEvent; agentsOnly: true })

export interface EnvelopeAddress {
  workspaceId: string
  conversationId: string
  customerId: string
  /**
   * The conversation waits for an identification code (workspace mode `required`): its customer's
   * streams get the event, advisors' streams do not. Set by the publisher; the Postgres bus carries
   * the whole envelope as JSON, so the flag crosses processes.
   */
  hiddenFromAgents?: true
}

/** The in-process bus: synchronous fan-out, in publish order. A throwing listener cannot starve the others. */
export function createMemoryBus(): RealtimeBus {
  const listeners = new Set<(envelope: BusEnvelope) => void>()
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
