import type { IdentityState } from '@threadline/core'
import { useChatState } from './use-chat-state.js'

/** Who the customer is: `status`, `customer`, the pending `verification`, and `busy`. */
export function useIdentity(): IdentityState {
  return useChatState((state) => state.identity)
}
