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
 * Why a bot stopped answering, on the `handoff` timeline event: the intake steps ended (`intake`),
 * it handed over (`bot`), the customer
 * asked for a person, an advisor took the conversation, a deadline passed, or the bot's key went away.
 */
export const handoffReasons = [
  'intake',
  'bot',
  'customer',
  'advisor',
  'reply_deadline',
  'idle_deadline',
  'bot_removed',
] as const
export type HandoffReason = (typeof handoffReasons)[number]

/**
 * Intake steps without code (docs/automation.md): questions the server asks a new session before a
 * person (or the workspace's bot) answers. `choice` offers buttons; `text` takes any short answer;
 * `email` takes an address (never asked of a customer whose email is verified); `consent` is yes or no.
 */
export const intakeStepKinds = ['choice', 'text', 'email', 'consent'] as const
export type IntakeStepKind = (typeof intakeStepKinds)[number]

export const intakeRules = {
  maxSteps: 5,
  minOptions: 2,
  maxOptions: 6,
  promptMaxLength: 500,
  optionMaxLength: 60,
  answerMaxLength: 500,
  /** A step's id, also the field its answer becomes (and a quick start's id). */
  stepIdPattern: /^[a-z][a-z0-9_]{0,39}$/,
  /** Quick starts: buttons in an empty chat, each opening it with its message (docs/automation.md). */
  maxQuickStarts: 4,
  quickStartLabelMaxLength: 40,
  quickStartMessageMaxLength: 500,
} as const

/** The conversation field that names the quick start which opened the session (docs/automation.md). */
export const quickStartField = 'quick_start'
