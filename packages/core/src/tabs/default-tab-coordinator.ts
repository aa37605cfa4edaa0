import { createBroadcastChannelCoordinator } from './broadcast-channel-coordinator.js'
import { createSingleTabCoordinator } from './single-tab-coordinator.js'
import { createWebLocksCoordinator } from './web-locks-coordinator.js'
import type { TabCoordinator } from './types.js'

/**
 * Web Locks where the platform has them (every current browser), else a BroadcastChannel election
 * in a browser page, else a lone leader (React Native, Node, server rendering — where an open
 * BroadcastChannel would only keep the process alive). Looks at the platform only when called.
 */
export function createDefaultTabCoordinator(): TabCoordinator {
  if (typeof navigator !== 'undefined' && navigator.locks) return createWebLocksCoordinator({ locks: navigator.locks })
  if (typeof BroadcastChannel !== 'undefined' && typeof document !== 'undefined') return createBroadcastChannelCoordinator()
  return createSingleTabCoordinator()
}
