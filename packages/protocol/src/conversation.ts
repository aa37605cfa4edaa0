export const conversationStatuses = ['unanswered', 'active', 'finished'] as const
export type ConversationStatus = (typeof conversationStatuses)[number]

export const authorKinds = ['customer', 'agent', 'system', 'bot'] as const
export type AuthorKind = (typeof authorKinds)[number]
