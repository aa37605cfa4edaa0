import { broadcastChannelCoordinator, electionSettings } from './broadcast-channel-coordinator.js'
import { createSingleTabCoordinator } from './single-tab-coordinator.js'
import { findBroadcastChannel } from './tab-channels.js'
import { webLocksCoordinator } from './web-locks-coordinator.js'
import type { TabCoordinator } from './types.js'

/**
 * Web Locks where the platform has them (every current browser), else a BroadcastChannel election
 * in a browser page, else a lone leader (React Native, Node, server rendering — where an open
 * BroadcastChannel would only keep the process alive). Looks at the platform only when called.
 */
export function createDefaultTabCoordinator(): TabCoordinator {
  const openChannel = findBroadcastChannel()
  if (typeof navigator !== 'undefined' && navigator.locks) return webLocksCoordinator(navigator.locks, openChannel)
  if (openChannel && typeof document !== 'undefined') return broadcastChannelCoordinator(electionSettings(openChannel))
  return createSingleTabCoordinator()
}
