import { callSafely } from './report-error.js'
import type { TabCoordinator, TabMessage } from './types.js'

/** The part of `BroadcastChannel` the coordinators use, so tests and other platforms can supply their own. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  close(): void
}

export type BroadcastChannelFactory = (name: string) => BroadcastChannelLike

/** The channel every client of one `name` talks on. */
export function tabChannelName(name: string): string {
  return `threadline:${name}`
}

/** The platform's BroadcastChannel, looked up when a coordinator is created, never at import. */
export function findBroadcastChannel(): BroadcastChannelFactory | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined
  return (name) => new BroadcastChannel(name)
}

/**
 * `notify` and `listen` over one BroadcastChannel per name. Notifying and listening on a name share
 * the channel, because a BroadcastChannel never hears its own messages: that is what keeps a client
 * from receiving its own notifications. With no channel at all both are no-ops, as a lone client has
 * nobody to tell.
 */
export function createTabMessenger(
  openChannel: BroadcastChannelFactory | undefined,
): Pick<TabCoordinator, 'notify' | 'listen'> {
  const subscriptions = new Map<
    string,
    { channel: BroadcastChannelLike; listeners: Set<(message: TabMessage) => void> }
  >()

  return {
    notify(name, message) {
      if (!openChannel) return
      const subscription = subscriptions.get(name)
      if (subscription) {
        subscription.channel.postMessage(message)
        return
      }
      // Messages already posted are delivered even after the sender closes.
      const channel = openChannel(tabChannelName(name))
      channel.postMessage(message)
      channel.close()
    },

    listen(name, listener) {
      if (!openChannel) return () => {}
      let subscription = subscriptions.get(name)
      if (!subscription) {
        const listeners = new Set<(message: TabMessage) => void>()
        const channel = openChannel(tabChannelName(name))
        channel.addEventListener('message', (event) => {
          const message = toTabMessage(event.data)
          if (!message) return
          for (const each of [...listeners]) callSafely(() => each(message))
        })
        subscription = { channel, listeners }
        subscriptions.set(name, subscription)
      }
      // A wrapper per call, so the same function listening twice needs two unsubscribes.
      const entry = (message: TabMessage) => listener(message)
      const { channel, listeners } = subscription
      listeners.add(entry)
      return () => {
        if (!listeners.delete(entry) || listeners.size > 0) return
        channel.close()
        subscriptions.delete(name)
      }
    },
  }
}

/**
 * Other tabs may run another build of Threadline, or another library may share the channel name:
 * only the messages this build understands get through (a new TabMessage type must be added
 * here), copied so nothing extra rides along. Optional chaining reads `type` off null or a
 * primitive without throwing.
 */
function toTabMessage(data: unknown): TabMessage | undefined {
  const type = (data as Partial<TabMessage> | null)?.type
  return type === 'outbox.changed' || type === 'session.changed' ? { type } : undefined
}
