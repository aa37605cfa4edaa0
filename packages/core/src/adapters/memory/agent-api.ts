import type { Agent, Conversation, ConversationStatus, Message } from '@threadline/protocol'
import { apiError } from './api-error.js'
import type { MemoryBackendState } from './backend-state.js'
import type { ConversationWithCustomer, CustomerLookup, CustomerMessageNotice, RecordedPageView } from './backend.js'
import { requireMessageText } from './message-text.js'

/** A scriptable advisor, standing in for the agent API (`/v1/agent/…`). Unknown ids throw `not_found`. */
export interface MemoryAgent {
  /** Most recently updated first. */
  listConversations(filter?: { status?: ConversationStatus }): ConversationWithCustomer[]
  findConversation(lookup: CustomerLookup): Conversation | null
  /** The id of the quick start that opened the conversation's current session; null when the customer typed. */
  quickStartOf(conversationId: string): string | null
  /** The whole thread, ascending by seq. */
  messages(conversationId: string): Message[]
  /** Assigns the conversation to the replying advisor when nobody has it, and makes it `active`. */
  reply(conversationId: string, text: string, options?: { agent?: Agent }): Message
  /**
   * A bot's reply (author kind `bot`): the bot takes the conversation first if it does not hold it
   * (`controller: 'bot'`), and the conversation stays as it was for advisors. The customer's
   * "Talk to a person" (`requestPerson`) gives it back to the advisors.
   */
  botReply(conversationId: string, text: string, bot: { id: string; name: string }, quickReplies?: string[]): Message
  /** Assigns (or explicitly overtakes) the conversation; an unanswered one becomes `active`. */
  take(conversationId: string, agent: Agent): Conversation
  finish(conversationId: string): Conversation
  /** Marks the customer's messages read up to `upToSeq` (default: all of them). */
  read(conversationId: string, upToSeq?: number): void
  startTyping(conversationId: string, agent?: Agent): void
  stopTyping(conversationId: string): void
  /** The customer's current draft, or null when they are not typing. */
  customerTyping(conversationId: string): string | null
  /** Page views of the customer behind a conversation id or a customer id, oldest first. */
  pageViews(conversationOrCustomerId: string): RecordedPageView[]
  /** Runs `handler` (asynchronously) after each customer message, e.g. to script auto replies. */
  onCustomerMessage(handler: (notice: CustomerMessageNotice) => void): () => void
}

export function createMemoryAgent(state: MemoryBackendState): MemoryAgent {
  const {
    appendMessage,
    assign,
    conversationOf,
    conversations,
    customerMessageHandlers,
    customers,
    defaultAgent,
    draftsByCustomerId,
    eventBase,
    isoNow,
    ownerOf,
    pageViewsByCustomerId,
    publish,
    resolveLookup,
    setController,
    setStatus,
    stopAgentTyping,
    storedConversation,
  } = state
  return {
    listConversations(filter = {}) {
      return (
        [...conversations.values()]
          // A conversation waiting for identification is not shown to advisors yet.
          .filter((stored) => !stored.conversation.awaitingIdentification)
          .filter((stored) => filter.status === undefined || stored.conversation.status === filter.status)
          .sort((left, right) => right.conversation.updatedAt.localeCompare(left.conversation.updatedAt))
          .map((stored) => ({
            conversation: structuredClone(stored.conversation),
            customer: structuredClone(ownerOf(stored)),
          }))
      )
    },

    findConversation(lookup) {
      const customer = resolveLookup(lookup)
      const stored = customer && conversationOf(customer.id)
      return stored ? structuredClone(stored.conversation) : null
    },

    quickStartOf: (conversationId) => storedConversation(conversationId).quickStart ?? null,

    messages(conversationId) {
      return storedConversation(conversationId).messages.map((message) => structuredClone(message))
    },

    reply(conversationId, text, options = {}) {
      const stored = storedConversation(conversationId)
      const replyText = requireMessageText(text)
      const advisor = options.agent ?? stored.conversation.assignee ?? defaultAgent
      const message = appendMessage(stored, {
        author: { kind: 'agent', id: advisor.id, name: advisor.name, avatarUrl: advisor.avatarUrl },
        text: replyText,
        clientId: null,
      })
      stopAgentTyping(stored)
      if (stored.conversation.assignee === null) assign(stored, advisor)
      setStatus(stored, 'active')
      return structuredClone(message)
    },

    botReply(conversationId, text, bot, quickReplies) {
      const stored = storedConversation(conversationId)
      const replyText = requireMessageText(text)
      if (stored.conversation.controller !== 'bot') setController(stored, 'bot')
      const message = appendMessage(stored, {
        author: { kind: 'bot', id: bot.id, name: bot.name, avatarUrl: null },
        text: replyText,
        clientId: null,
        ...(quickReplies && { quickReplies }),
      })
      return structuredClone(message)
    },

    take(conversationId, advisor) {
      const stored = storedConversation(conversationId)
      assign(stored, advisor)
      if (stored.conversation.status === 'unanswered') setStatus(stored, 'active')
      return structuredClone(stored.conversation)
    },

    finish(conversationId) {
      const stored = storedConversation(conversationId)
      stopAgentTyping(stored)
      setStatus(stored, 'finished')
      return structuredClone(stored.conversation)
    },

    read(conversationId, upToSeq) {
      const stored = storedConversation(conversationId)
      const readUpTo = Math.min(upToSeq ?? stored.conversation.lastSeq, stored.conversation.lastSeq)
      if (readUpTo <= stored.conversation.agentLastReadSeq) return
      const readAt = isoNow()
      for (const message of stored.messages.slice(0, readUpTo)) {
        if (message.author.kind === 'customer' && message.readAt === null) message.readAt = readAt
      }
      stored.conversation.agentLastReadSeq = readUpTo
      stored.conversation.agentLastReadAt = readAt
      publish(stored, { type: 'message.read', ...eventBase(stored), reader: 'agent', upToSeq: readUpTo, readAt })
    },

    startTyping(conversationId, advisor) {
      const stored = storedConversation(conversationId)
      const typist = advisor ?? stored.conversation.assignee ?? defaultAgent
      stored.typingAgent = { ...typist }
      // Customers never see previews: those are the customer's own drafts, shown to advisors only.
      publish(stored, {
        type: 'typing.started',
        ...eventBase(stored),
        author: 'agent',
        agent: { ...typist },
        preview: null,
      })
    },

    stopTyping(conversationId) {
      stopAgentTyping(storedConversation(conversationId))
    },

    customerTyping(conversationId) {
      return draftsByCustomerId.get(storedConversation(conversationId).customerId) ?? null
    },

    pageViews(conversationOrCustomerId) {
      const customerId = conversations.get(conversationOrCustomerId)?.customerId ?? conversationOrCustomerId
      if (!customers.has(customerId)) throw apiError('not_found', 'No such conversation or customer')
      return (pageViewsByCustomerId.get(customerId) ?? []).map((view) => ({ ...view }))
    },

    onCustomerMessage(handler) {
      customerMessageHandlers.add(handler)
      return () => {
        customerMessageHandlers.delete(handler)
      }
    },
  }
}
