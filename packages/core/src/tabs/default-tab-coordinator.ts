import { createSingleTabCoordinator } from './single-tab-coordinator.js'
import { findBroadcastChannel } from './tab-channels.js'
import { webLocksCoordinator } from './web-locks-coordinator.js'
import type { TabCoordinator } from './types.js'

/**
 * Web Locks where the platform has them (every current browser), else a lone leader per tab (React
 * Native, Node, server rendering, and browsers older than Web Locks: Safari before 15.4). The
 * BroadcastChannel election used to cover those old browsers; it weighed about 560 B brotli in every
 * bundle for them alone, and without it each of their tabs leads, which the server's dedupe on client
 * ids keeps exactly-once. An app that needs the election passes `createBroadcastChannelCoordinator()`.
 * Looks at the platform only when called.
 */
export function createDefaultTabCoordinator(): TabCoordinator {
  if (typeof navigator !== 'undefined' && navigator.locks)
    return webLocksCoordinator(navigator.locks, findBroadcastChannel())
  return createSingleTabCoordinator()
}
