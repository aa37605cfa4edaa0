import { callSafely } from './report-error.js'
import { createTabMessenger, findBroadcastChannel, tabChannelName } from './tab-channels.js'
import type { BroadcastChannelFactory } from './tab-channels.js'
import type { TabCoordinator } from './types.js'

export interface WebLocksCoordinatorOptions {
  /** Defaults to `navigator.locks`, looked up when the coordinator is created. */
  locks?: LockManager
  /** Opens the channel for `notify` and `listen`. Defaults to `BroadcastChannel`; without one they are no-ops. */
  channel?: BroadcastChannelFactory
}

/**
 * The leader holds an exclusive Web Lock named `threadline:${name}`. The browser queues the other
 * tabs' requests and hands the lock to the next one the moment the leader leaves, or its tab closes
 * or crashes, with no timers and no window where two tabs both lead.
 */
export function createWebLocksCoordinator(options: WebLocksCoordinatorOptions = {}): TabCoordinator {
  const locks = options.locks ?? findLockManager()
  if (!locks)
    throw new TypeError('Web Locks are not available here: pass `locks`, or use createDefaultTabCoordinator()')
  return webLocksCoordinator(locks, options.channel ?? findBroadcastChannel())
}

/**
 * The coordinator itself, for callers that already hold a lock manager. The default coordinator
 * calls it directly, so the checks above (and their messages) stay out of bundles that never need them.
 */
export function webLocksCoordinator(locks: LockManager, channel: BroadcastChannelFactory | undefined): TabCoordinator {
  const messenger = createTabMessenger(channel)

  return {
    elect(name, onLeader) {
      const leaving = new AbortController()
      let leadership: AbortController | undefined
      let releaseLock: (() => void) | undefined

      const lead = () => {
        const current = new AbortController()
        leadership = current
        callSafely(() => onLeader(current.signal))
      }

      const standDown = () => {
        leadership?.abort()
        leadership = undefined
      }

      const stand = () => {
        locks
          .request(tabChannelName(name), { signal: leaving.signal }, () => {
            // Granted, but the client left before the callback ran: an abort no longer withdraws it.
            if (leaving.signal.aborted) return
            lead()
            return new Promise<void>((resolve) => {
              releaseLock = resolve
            })
          })
          .catch(() => {
            // Our own abort of a request still waiting in the queue.
            if (leaving.signal.aborted) return
            if (leadership) {
              // Someone took the lock with `steal` (devtools can): stop, and queue up again.
              standDown()
              stand()
              return
            }
            // Web Locks refuse opaque origins (sandboxed frames). Such a frame has storage that no
            // other tab shares, so it has nobody to coordinate with and leads alone.
            lead()
          })
      }

      stand()
      return () => {
        if (leaving.signal.aborted) return
        leaving.abort()
        standDown()
        releaseLock?.()
      }
    },
    ...messenger,
  }
}

function findLockManager(): LockManager | undefined {
  // `navigator` is missing in Node 20, and `navigator.locks` outside secure contexts.
  if (typeof navigator === 'undefined') return undefined
  return navigator.locks ?? undefined
}
