import * as z from 'zod/mini'
import { automationRules, handoffReasons, intakeRules, intakeStepKinds } from '../automation.js'

const { replyDeadlineSecondsMin, replyDeadlineSecondsMax, idleDeadlineSecondsMin, idleDeadlineSecondsMax } =
  automationRules

/** Which bot answers new conversations first, and how long it may take (W8). */
export const automationSettingsSchema = z.object({
  /** The id of a `bot`-scope key of the workspace; null: advisors answer every conversation. */
  botKeyId: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))),
  replyDeadlineSeconds: z.int().check(z.gte(replyDeadlineSecondsMin), z.lte(replyDeadlineSecondsMax)),
  idleDeadlineSeconds: z.int().check(z.gte(idleDeadlineSecondsMin), z.lte(idleDeadlineSecondsMax)),
})
export type AutomationSettings = z.infer<typeof automationSettingsSchema>

/** A bot as advisors see it: its key's id and name. */
export const botSchema = z.object({ id: z.string(), name: z.string() })
export type Bot = z.infer<typeof botSchema>

export const automationSettingsResponseSchema = z.object({
  settings: automationSettingsSchema,
  /** The key `botKeyId` names, while it is a live bot key; null otherwise. */
  bot: z.nullable(botSchema),
})
export type AutomationSettingsResponse = z.infer<typeof automationSettingsResponseSchema>

const fieldsSchema = z
  .record(
    z.string().check(z.minLength(1), z.maxLength(automationRules.fieldNameMaxLength)),
    z.string().check(z.maxLength(automationRules.fieldValueMaxLength)),
  )
  .check(
    z.refine((fields) => Object.keys(fields).length <= automationRules.maxFields, {
      message: `At most ${automationRules.maxFields} fields`,
    }),
  )

/** What a bot tells the advisors it hands over to (Messenger's handover metadata). The body may be left out. */
export const handoffRequestSchema = z.object({
  summary: z.optional(z.string().check(z.maxLength(automationRules.summaryMaxLength))),
  fields: z.optional(fieldsSchema),
})
export type HandoffRequest = z.infer<typeof handoffRequestSchema>

/** The last handoff of a conversation, as advisors see it. */
export const handoffSchema = z.object({
  reason: z.enum(handoffReasons),
  summary: z.nullable(z.string()),
  fields: z.record(z.string(), z.string()),
  at: z.iso.datetime(),
})
export type Handoff = z.infer<typeof handoffSchema>

/** A text in the chat's languages; English is required, as every other language falls back to it. */
const localizedText = (maxLength: number) => {
  const text = z.string().check(z.minLength(1), z.maxLength(maxLength))
  return z.object({ en: text, es: z.optional(text), fr: z.optional(text), de: z.optional(text), ar: z.optional(text) })
}
export const localizedTextSchema = localizedText(intakeRules.promptMaxLength)
export type LocalizedText = z.infer<typeof localizedTextSchema>

export const intakeStepSchema = z
  .object({
    id: z.string().check(z.regex(intakeRules.stepIdPattern)),
    kind: z.enum(intakeStepKinds),
    prompt: localizedTextSchema,
    /** The buttons of a `choice` step (2 to 6); no other kind has any. */
    options: z.optional(z.array(localizedText(intakeRules.optionMaxLength)).check(z.maxLength(intakeRules.maxOptions))),
  })
  .check(
    z.refine(
      (step) =>
        step.kind === 'choice' ? (step.options?.length ?? 0) >= intakeRules.minOptions : step.options === undefined,
      { message: `A choice step has ${intakeRules.minOptions} to ${intakeRules.maxOptions} options; other steps none` },
    ),
  )
export type IntakeStep = z.infer<typeof intakeStepSchema>

/** Items with ids, each id once. */
const uniqueIds = (what: string) =>
  z.refine<Array<{ id: string }>>((items) => new Set(items.map((item) => item.id)).size === items.length, {
    message: `Each ${what} needs its own id`,
  })

/** A button in the empty chat: its label, and the message it sends as the customer's first. */
export const quickStartSchema = z.object({
  id: z.string().check(z.regex(intakeRules.stepIdPattern)),
  label: localizedText(intakeRules.quickStartLabelMaxLength),
  message: localizedText(intakeRules.quickStartMessageMaxLength),
})
export type QuickStart = z.infer<typeof quickStartSchema>

/**
 * The workspace's intake steps, asked in order (an empty list asks nothing), and its quick starts.
 * `quickStarts` is always in an answer; a `PUT` without it keeps the ones stored.
 */
export const intakeSettingsSchema = z.object({
  steps: z.array(intakeStepSchema).check(z.maxLength(intakeRules.maxSteps), uniqueIds('step')),
  quickStarts: z.optional(
    z.array(quickStartSchema).check(z.maxLength(intakeRules.maxQuickStarts), uniqueIds('quick start')),
  ),
})
export type IntakeSettings = z.infer<typeof intakeSettingsSchema>
