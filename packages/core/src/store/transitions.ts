import type { ChatEvent, Conversation, Message } from '@threadline/protocol'
import { applyAgentRead, highestSeq, mergeMessages } from './messages.js'
import type { ChatState } from './state.js'

/** Pure transitions of the chat state. Each returns the fields that change. */

export function withConversation(state: ChatState, incoming: Conversation | null): Partial<ChatState> {
  let conversation = incoming
  if (conversation && state.conversation && state.conversation.id === conversation.id) {
    // Responses can overtake each other; never step a conversation back in time.
    if (Date.parse(conversation.updatedAt) < Date.parse(state.conversation.updatedAt)) return {}
    conversation = {
      ...conversation,
      customerLastReadSeq: Math.max(conversation.customerLastReadSeq, state.conversation.customerLastReadSeq),
      // The wait for an identification code only ever ends (it starts with the conversation), so a
      // copy fetched before the customer declined or was identified cannot bring it back.
      awaitingIdentification: conversation.awaitingIdentification && state.conversation.awaitingIdentification,
    }
  }
  const messages = conversation?.agentLastReadAt
    ? applyAgentRead(state.messages, conversation.agentLastReadSeq, Date.parse(conversation.agentLastReadAt))
    : state.messages
  return { conversation, messages }
}

export function withServerMessages(state: ChatState, messages: readonly Message[]): Partial<ChatState> {
  return messages.length === 0 ? {} : { messages: mergeMessages(state.messages, messages) }
}

/**
 * The "no gaps" rule: a message beyond the next seq, or any other event whose seq is above the
 * highest held, means something was missed. The client then fetches the range instead of guessing.
 */
export function missedEvents(state: ChatState, event: ChatEvent): boolean {
  const held = highestSeq(state.messages)
  if (state.conversation === null) return true
  return event.type === 'message.created' ? event.seq > held + 1 : event.seq > held
}

/** Applies one realtime event. `now` stamps when advisor typing was last seen. */
export function withEvent(state: ChatState, event: ChatEvent, now: number): Partial<ChatState> {
  switch (event.type) {
    case 'message.created': {
      const { messages } = withServerMessages(state, [event.message])
      // The message's commit time is the conversation's updatedAt on the server; the event's `at` is
      // when it was published, a little later, and would make the next copy of the conversation
      // (say, from `conversation.identification_changed`) look older than what is held.
      const conversation =
        state.conversation && event.seq > state.conversation.lastSeq
          ? { ...state.conversation, lastSeq: event.seq, updatedAt: event.message.createdAt }
          : state.conversation
      return {
        messages: messages ?? state.messages,
        conversation,
        ...(event.message.author.kind === 'agent' ? { agentTyping: null } : {}),
      }
    }
    case 'message.read':
      if (!state.conversation) return {}
      if (event.reader === 'agent') {
        return {
          messages: applyAgentRead(state.messages, event.upToSeq, Date.parse(event.readAt)),
          conversation: {
            ...state.conversation,
            agentLastReadSeq: Math.max(state.conversation.agentLastReadSeq, event.upToSeq),
            agentLastReadAt: event.readAt,
          },
        }
      }
      return {
        conversation: {
          ...state.conversation,
          customerLastReadSeq: Math.max(state.conversation.customerLastReadSeq, event.upToSeq),
        },
      }
    case 'typing.started':
      return event.author === 'agent' ? { agentTyping: { agent: event.agent, since: now } } : {}
    case 'typing.stopped':
      return event.author === 'agent' ? { agentTyping: null } : {}
    case 'conversation.status_changed':
    case 'conversation.assigned':
    case 'conversation.identification_changed':
      return withConversation(state, event.conversation)
  }
}
