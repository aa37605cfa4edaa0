import { ThreadlineError, toThreadlineError } from '../errors/errors.js'
import { countUnread } from '../store/messages.js'
import type { ChatState } from '../store/state.js'
import type { ChatStore } from '../store/store.js'
import { fail, type Result } from './result.js'

export type StatePatch = Partial<ChatState> | ((state: ChatState) => Partial<ChatState>)

/** The one way the client writes its store. */
export interface StateWriter {
  update: (patch: StatePatch) => void
  /** Puts the failure in `state.lastError` and returns it as a failed result. */
  report: <T>(error: unknown) => Result<T>
  /** A call refused before reaching the server: the caller's input cannot work. */
  refuse: <T>(message: string) => Result<T>
  /** An identity call is in flight (or no longer). */
  setBusy: (busy: boolean) => void
}

/** What the store shows when no conversation may be on screen (nobody, or possibly someone else). */
export const noConversation: Pick<ChatState, 'conversation' | 'messages' | 'hasOlder' | 'agentTyping'> = {
  conversation: null,
  messages: [],
  hasOlder: false,
  agentTyping: null,
}

/**
 * `isClosed`: a customer session's writer stops writing once the session is closed, while still
 * handing failures back to the caller, so a late answer for the previous customer cannot reach the store.
 */
export function createStateWriter(store: ChatStore, isClosed?: () => boolean): StateWriter {
  // Every write goes through here so the derived unread count can never drift.
  const update = (patch: StatePatch) => {
    if (isClosed?.()) return
    store.setState((state) => {
      const next = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) }
      next.unreadCount = countUnread(next.messages, next.conversation?.customerLastReadSeq ?? 0)
      return next
    })
  }
  const report = <T>(error: unknown): Result<T> => {
    const threadlineError = toThreadlineError(error)
    // A block refuses every call alike, so any of them may be the one that tells the UI.
    update({ lastError: threadlineError, ...(threadlineError.code === 'blocked' && { chatUnavailable: true }) })
    return fail(threadlineError)
  }
  return {
    update,
    report,
    refuse: (message) => report(new ThreadlineError('invalid_input', message)),
    setBusy: (busy) => update((state) => ({ identity: { ...state.identity, busy } })),
  }
}
