import { useEffect, useMemo } from 'react'
import type { AgentClient } from '@threadline/api'

/** While typing, "started" is repeated this often so the customer's indicator stays up. */
const refreshMs = 4_000
/** This long after the last keystroke, the advisor counts as having stopped. */
const idleMs = 5_000

/**
 * Tells the customer the advisor is typing: started on the first keystroke (and refreshed while
 * typing goes on), stopped after a pause, on send, on an empty box and when the conversation closes.
 * Best effort: a lost typing signal is not worth an error message.
 */
export function useTypingSignal({ api, conversationId }: { api: AgentClient; conversationId: string }) {
  const signal = useMemo(() => {
    let typing = false
    let lastStartedAt = 0
    let idleTimer: ReturnType<typeof setTimeout> | undefined
    const post = (value: boolean) => void api.setTyping({ conversationId, typing: value }).catch(() => undefined)
    const stop = () => {
      clearTimeout(idleTimer)
      if (!typing) return
      typing = false
      post(false)
    }
    return {
      update(draft: string) {
        if (draft.trim() === '') return stop()
        const now = Date.now()
        if (!typing || now - lastStartedAt > refreshMs) {
          typing = true
          lastStartedAt = now
          post(true)
        }
        clearTimeout(idleTimer)
        idleTimer = setTimeout(stop, idleMs)
      },
      stop,
    }
  }, [api, conversationId])

  useEffect(() => signal.stop, [signal])
  return signal
}
