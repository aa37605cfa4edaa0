import type { Conversation, Message } from '@threadline/protocol'
import { useEffect, useRef, useState } from 'react'
import type { AgentClient } from '@threadline/api'

const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden'

/**
 * Marks the customer's messages read while the conversation is on screen, so the customer sees
 * the advisor's read receipt. A hidden tab reads nothing: nobody is looking.
 */
export function useReadReceipts({
  api,
  conversationId,
  conversation,
  messages,
  onRead,
}: {
  api: AgentClient
  conversationId: string
  conversation: Conversation | null
  messages: Message[]
  /** The server took the receipt (its realtime echo may come later, or to another console). */
  onRead: (upToSeq: number) => void
}): void {
  const [onScreen, setOnScreen] = useState(visible)
  /** The highest seq already sent, so a re-render does not post the same receipt again. */
  const requestedRef = useRef(0)

  useEffect(() => {
    const onChange = () => setOnScreen(visible())
    document.addEventListener('visibilitychange', onChange)
    return () => document.removeEventListener('visibilitychange', onChange)
  }, [])

  // Threadline's own notes ("Linked to your account.") follow a customer's message and are read with
  // it: the receipt covers them, so the list's unread mark (see isUnread) goes once they are seen.
  const lastCustomerSeq = messages.reduce(
    (highest, message) => (message.author.kind !== 'agent' ? Math.max(highest, message.seq) : highest),
    0,
  )
  const alreadyRead = conversation?.agentLastReadSeq ?? Number.POSITIVE_INFINITY

  const loaded = conversation !== null

  useEffect(() => {
    if (!loaded || !onScreen || lastCustomerSeq <= alreadyRead || lastCustomerSeq <= requestedRef.current) return
    requestedRef.current = lastCustomerSeq
    api.markRead({ conversationId, upToSeq: lastCustomerSeq }).then(
      () => onRead(lastCustomerSeq),
      () => {
        // Let the next render try again.
        requestedRef.current = 0
      },
    )
  }, [api, conversationId, loaded, onScreen, lastCustomerSeq, alreadyRead, onRead])
}
