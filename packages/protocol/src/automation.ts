/**
 * Bots with a controller (docs/automation.md). A conversation is answered by the workspace's
 * advisors or by one bot; the bot hands over explicitly, and deadlines hand over for it when it fails.
 */
export const automationRules = {
  /** W8: a bot must answer a customer's message within this (default). */
  replyDeadlineSecondsDefault: 15,
  replyDeadlineSecondsMin: 5,
  replyDeadlineSecondsMax: 300,
  /** W8: a bot-held conversation with nothing happening this long goes to advisors (default: 30 minutes). */
  idleDeadlineSecondsDefault: 1_800,
  idleDeadlineSecondsMin: 60,
  idleDeadlineSecondsMax: 86_400,
  summaryMaxLength: 2_000,
  maxFields: 20,
  fieldNameMaxLength: 60,
  fieldValueMaxLength: 500,
} as const

/**
 * Why a bot stopped answering, on the `handoff` timeline event: it handed over (`bot`), the customer
 * asked for a person, an advisor took the conversation, a deadline passed, or the bot's key went away.
 */
export const handoffReasons = ['bot', 'customer', 'advisor', 'reply_deadline', 'idle_deadline', 'bot_removed'] as const
export type HandoffReason = (typeof handoffReasons)[number]
