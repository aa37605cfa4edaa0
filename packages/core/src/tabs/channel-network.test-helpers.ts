import type { BroadcastChannelFactory, BroadcastChannelLike } from './tab-channels.js'

interface TrackedChannel {
  readonly name: string
  readonly tab: string
  /** Messages posted to this channel that it has not received yet. */
  undelivered: number
}

export interface ChannelNetwork {
  /** Real BroadcastChannels for one simulated tab, counted so the test knows when they are quiet. */
  channelsFor(tab: string): BroadcastChannelFactory
  /** Resolves once every message posted so far has reached every open channel it was sent to. */
  settle(): Promise<void>
  /** The tab stops sending and receiving, as a frozen or crashed tab does; `reconnect` undoes it. */
  disconnect(tab: string): void
  reconnect(tab: string): void
  /** How many channels are open, by tab. */
  openChannels(): Record<string, number>
}

/**
 * Wraps Node's real BroadcastChannel (delivery is a real macrotask, even under fake timers) and
 * counts deliveries, so a test can advance fake time and then wait, without sleeping, until every
 * message sent at that instant has been handled.
 */
export function createChannelNetwork(): ChannelNetwork {
  const open = new Set<TrackedChannel>()
  const disconnected = new Set<string>()

  const realImmediate = () => new Promise<void>((resolve) => setImmediate(resolve))

  return {
    channelsFor(tab) {
      return (name): BroadcastChannelLike => {
        const real = new BroadcastChannel(name)
        const tracked: TrackedChannel = { name, tab, undelivered: 0 }
        open.add(tracked)
        // Registered first, so it counts a delivery before the coordinator's listeners see it.
        real.addEventListener('message', () => {
          if (open.has(tracked)) tracked.undelivered--
        })
        const wrapped = new Map<(event: { data: unknown }) => void, (event: MessageEvent) => void>()
        return {
          postMessage(message) {
            if (disconnected.has(tab)) return
            for (const other of open) if (other !== tracked && other.name === name) other.undelivered++
            real.postMessage(message)
          },
          addEventListener(type, listener) {
            const filtered = (event: MessageEvent) => {
              if (!disconnected.has(tab)) listener(event)
            }
            wrapped.set(listener, filtered)
            real.addEventListener(type, filtered)
          },
          removeEventListener(type, listener) {
            const filtered = wrapped.get(listener)
            if (filtered) real.removeEventListener(type, filtered)
            wrapped.delete(listener)
          },
          close() {
            open.delete(tracked)
            real.close()
          },
        }
      }
    },

    async settle() {
      for (let round = 0; [...open].some((channel) => channel.undelivered > 0); round++) {
        if (round > 10_000) throw new Error('BroadcastChannel messages were never delivered')
        await realImmediate()
      }
    },

    disconnect(tab) {
      disconnected.add(tab)
    },

    reconnect(tab) {
      disconnected.delete(tab)
    },

    openChannels() {
      const counts: Record<string, number> = {}
      for (const channel of open) counts[channel.tab] = (counts[channel.tab] ?? 0) + 1
      return counts
    },
  }
}
