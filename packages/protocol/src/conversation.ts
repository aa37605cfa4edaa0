export const conversationStatuses = ['unanswered', 'active', 'finished'] as const
export type ConversationStatus = (typeof conversationStatuses)[number]

/**
 * Who answers the customer's messages: the workspace's advisors, or a bot (a `bot`-scope key) until it
 * hands over. Only the controller may post a public reply (W7).
 */
export const conversationControllers = ['advisors', 'bot'] as const
export type ConversationController = (typeof conversationControllers)[number]

export const authorKinds = ['customer', 'agent', 'system', 'bot'] as const
export type AuthorKind = (typeof authorKinds)[number]
