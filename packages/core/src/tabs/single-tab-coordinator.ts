import { callSafely } from './report-error.js'
import type { TabCoordinator } from './types.js'

/**
 * For a client that is alone by construction: server rendering, React Native, a script with one
 * client. It leads at once, and since there is nobody to tell, `notify` and `listen` do nothing.
 * Clients sharing one storage need a real coordinator (for tests:
 * `createWebLocksCoordinator({ locks: createMemoryLockManager() })`).
 */
export function createSingleTabCoordinator(): TabCoordinator {
  return {
    elect(_name, onLeader) {
      const leadership = new AbortController()
      callSafely(() => onLeader(leadership.signal))
      return () => leadership.abort()
    },
    notify() {},
    listen() {
      return () => {}
    },
  }
}
