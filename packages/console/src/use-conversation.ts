import type { Conversation, ConversationTags, Message } from '@threadline/protocol'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import type { AgentConversation, RecordedPageView } from '@threadline/protocol'
import { tagsAfter } from './conversation-tags-events.js'
import { describeError } from './describe-error.js'
import type { EventHub } from './event-hub.js'

export interface ConversationState {
  entry: AgentConversation | null
  /** Ascending by seq, each message once. */
  messages: Message[]
  pageViews: RecordedPageView[]
  /** The customer's draft while they type ('' when the server sends no preview), else null. */
  customerTyping: string | null
  error: string | null
}

const emptyState: ConversationState = { entry: null, messages: [], pageViews: [], customerTyping: null, error: null }
const pageSize = 50

/** Merges by id and keeps seq order: the reply's answer and its realtime echo are one message. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map(current.map((message) => [message.id, message]))
  // A copy without a read receipt (the reply's own HTTP answer, arriving after the stream's read event) must not erase one.
  for (const message of incoming)
    byId.set(message.id, { ...message, readAt: message.readAt ?? byId.get(message.id)?.readAt ?? null })
  return [...byId.values()].sort((left, right) => left.seq - right.seq)
}

/**
 * One open conversation: its customer, newest messages and page views, kept live from the
 * workspace stream. A message whose seq skips ahead of what we hold fetches the gap.
 */
export function useConversation({
  api,
  hub,
  conversationId,
  generation,
}: {
  api: AgentClient
  hub: EventHub
  conversationId: string
  generation: number
}) {
  const [state, setState] = useState<ConversationState>(emptyState)
  const lastSeqRef = useRef(0)
  lastSeqRef.current = state.messages.at(-1)?.seq ?? 0

  const setConversation = useCallback(
    (conversation: Conversation) =>
      setState((current) => (current.entry ? { ...current, entry: { ...current.entry, conversation } } : current)),
    [],
  )
  const setTags = useCallback(
    ({ labels, starred }: ConversationTags) =>
      setState((current) => (current.entry ? { ...current, entry: { ...current.entry, labels, starred } } : current)),
    [],
  )
  const markedRead = useCallback(
    (upToSeq: number) => setState((current) => applyRead(current, 'agent', upToSeq, new Date().toISOString())),
    [],
  )
  const addMessages = useCallback(
    (messages: Message[]) =>
      setState((current) => ({ ...current, messages: mergeMessages(current.messages, messages) })),
    [],
  )

  useEffect(() => {
    const controller = new AbortController()
    const { signal } = controller

    async function load(): Promise<void> {
      try {
        const [entry, page, pageViews] = await Promise.all([
          api.getConversation({ conversationId, signal }),
          api.listMessages({ conversationId, limit: pageSize, signal }),
          api.listPageViews({ conversationId, signal }).catch(() => []),
        ])
        setState((current) => ({
          ...current,
          entry,
          pageViews,
          messages: mergeMessages(current.messages, page.messages),
          error: null,
        }))
      } catch (error) {
        if (!signal.aborted) setState((current) => ({ ...current, error: describeError(error) }))
      }
    }

    /** The account comes with the conversation, not with its events: a new link fetches it. */
    async function reloadEntry(): Promise<void> {
      try {
        const entry = await api.getConversation({ conversationId, signal })
        setState((current) => ({ ...current, entry }))
      } catch {
        // The next event or reconnect tries again; the badge already changed from the event.
      }
    }

    async function catchUp(): Promise<void> {
      try {
        const page = await api.listMessages({ conversationId, afterSeq: lastSeqRef.current, limit: 100, signal })
        addMessages(page.messages)
      } catch {
        // The next event or reconnect tries again.
      }
    }

    const unsubscribe = hub.subscribe(({ conversationId: id, event }) => {
      if (id !== conversationId) return
      switch (event.type) {
        case 'message.created':
          if (event.message.seq > lastSeqRef.current + 1 && lastSeqRef.current > 0) void catchUp()
          addMessages([event.message])
          if (event.message.author.kind === 'customer') setState((current) => ({ ...current, customerTyping: null }))
          return
        case 'message.read':
          return setState((current) => applyRead(current, event.reader, event.upToSeq, event.readAt))
        case 'typing.started':
          if (event.author === 'customer') setState((current) => ({ ...current, customerTyping: event.preview ?? '' }))
          return
        case 'typing.stopped':
          if (event.author === 'customer') setState((current) => ({ ...current, customerTyping: null }))
          return
        case 'conversation.status_changed':
          return setConversation(event.conversation)
        // A take, or a bot taking or letting go: the bot and the handoff are on the entry only.
        case 'conversation.assigned':
          setConversation(event.conversation)
          return void reloadEntry()
        case 'conversation.identification_changed':
          setConversation(event.conversation)
          return void reloadEntry()
        // A colleague's label or star: the timeline entry says what changed.
        case 'timeline.appended':
          return setState((current) => {
            if (!current.entry) return current
            const tags = tagsAfter(current.entry, event.entry)
            return tags ? { ...current, entry: { ...current.entry, ...tags } } : current
          })
      }
    })
    void load()
    return () => {
      controller.abort()
      unsubscribe()
    }
  }, [api, hub, conversationId, generation, addMessages, setConversation])

  return { ...state, setConversation, setTags, addMessages, markedRead }
}

/** A read receipt: the reader's counterpart's messages up to `upToSeq` are now read. */
function applyRead(
  state: ConversationState,
  reader: 'customer' | 'agent',
  upToSeq: number,
  readAt: string,
): ConversationState {
  const readByThisReader = (message: Message) =>
    reader === 'customer' ? message.author.kind !== 'customer' : message.author.kind === 'customer'
  const messages = state.messages.map((message) =>
    message.seq <= upToSeq && message.readAt === null && readByThisReader(message) ? { ...message, readAt } : message,
  )
  if (!state.entry) return { ...state, messages }
  const conversation =
    reader === 'customer'
      ? {
          ...state.entry.conversation,
          customerLastReadSeq: Math.max(state.entry.conversation.customerLastReadSeq, upToSeq),
        }
      : {
          ...state.entry.conversation,
          agentLastReadSeq: Math.max(state.entry.conversation.agentLastReadSeq, upToSeq),
          agentLastReadAt: readAt,
        }
  return { ...state, messages, entry: { ...state.entry, conversation } }
}
