import type { ChatEvent } from '@threadline/protocol'

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

export interface BusEnvelope {
  workspaceId: string
  conversationId: string
  customerId: string
  event: ChatEvent
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
