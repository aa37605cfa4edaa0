import { intakeRules } from '@threadline/protocol'
import type { ChatEvent, IntakeSettings, IntakeStep, LocalizedText } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import * as z from 'zod/mini'
import { appendMessage, eventBase } from '../conversations/message-log.js'
import { toConversation, toMessage } from '../conversations/wire-format.js'
import type { ConversationRow } from '../conversations/wire-format.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import type { ReplyLanguage } from '../identification/replies.js'
import type { ServerContext } from '../server-context.js'
import { appendTimelineEvent } from '../timeline/timeline-log.js'
import type { Workspace } from '../workspaces/workspaces.js'

/*
 * The intake steps (docs/automation.md): the server itself holds a new session, as its controller
 * `intake`, and asks the workspace's questions one by one, each a bot message whose options travel as
 * quick replies. The customer's next message answers the question asked; a wrong answer is asked
 * again with a word on why. The last answer hands the conversation over (reason `intake`) with the
 * answers as fields, to the workspace's bot when it has one, else to the advisors. Everything lives
 * on the locked conversation row, so a device switch or a second instance continues where it was.
 */

type Emit = (event: ChatEvent) => void

/** The controller id of the server's own intake, never an API key's (those are `key_…`). */
export const intakeController = 'intake'

/** What a conversation in intake keeps: the steps still to ask (the current one first) and the answers. */
export interface IntakeState {
  stepIds: string[]
  answers: Record<string, string>
  /** The language the questions are asked in: that of the message that started the session. */
  language: ReplyLanguage
}

const words: Record<ReplyLanguage, { yes: string; no: string; pick: string; email: string }> = {
  en: {
    yes: 'Yes',
    no: 'No',
    pick: 'Please choose one of the options.',
    email: 'That does not look like an email address.',
  },
  es: {
    yes: 'Sí',
    no: 'No',
    pick: 'Elige una de las opciones, por favor.',
    email: 'Eso no parece una dirección de correo electrónico.',
  },
  fr: {
    yes: 'Oui',
    no: 'Non',
    pick: 'Choisissez l’une des options, s’il vous plaît.',
    email: 'Cela ne ressemble pas à une adresse e-mail.',
  },
  de: {
    yes: 'Ja',
    no: 'Nein',
    pick: 'Bitte wählen Sie eine der Optionen.',
    email: 'Das sieht nicht wie eine E-Mail-Adresse aus.',
  },
  ar: { yes: 'نعم', no: 'لا', pick: 'يرجى اختيار أحد الخيارات.', email: 'لا يبدو هذا عنوان بريد إلكتروني.' },
}

const emailCheck = z.email()

export function intakeStateOf(conversation: ConversationRow): IntakeState | null {
  return conversation.intake_state ? (JSON.parse(conversation.intake_state) as IntakeState) : null
}

/** The answers known before this session: what the customer answered before, and a verified email. */
function knownAnswers(workspace: Workspace, customer: CustomerTable): Record<string, string> {
  const known = customer.intake_answers ? (JSON.parse(customer.intake_answers) as Record<string, string>) : {}
  for (const step of workspace.intake.steps)
    if (step.kind === 'email' && customer.email_verified === 1 && customer.email) known[step.id] = customer.email
  return known
}

/**
 * Starts the intake of a new session when the workspace has steps the customer has not answered
 * yet: the server holds the conversation (a `bot_control`) and asks the first. Answers false, and
 * changes nothing, when there is nothing to ask.
 */
export async function startIntake(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  {
    workspace,
    customer,
    language,
    emit,
  }: { workspace: Workspace; customer: CustomerTable; language: ReplyLanguage; emit: Emit },
): Promise<boolean> {
  const known = knownAnswers(workspace, customer)
  const stepIds = workspace.intake.steps.filter((step) => known[step.id] === undefined).map((step) => step.id)
  if (stepIds.length === 0) return false
  const state: IntakeState = { stepIds, answers: known, language }
  const at = context.now()
  const change = {
    controller_key_id: intakeController,
    controller_name: workspace.name,
    bot_reply_due_at: null,
    bot_idle_due_at: at + workspace.automation.idleDeadlineSeconds * 1_000,
    last_handoff: null,
    intake_state: JSON.stringify(state),
    updated_at: at,
  }
  await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
  Object.assign(conversation, change)
  await appendTimelineEvent(context, transaction, conversation, {
    kind: 'bot_control',
    actor: { kind: 'system', id: null, name: null },
    payload: { intake: true },
  })
  emit({
    type: 'conversation.assigned',
    ...eventBase(context, conversation),
    conversation: toConversation(conversation),
  })
  await ask(context, transaction, conversation, { workspace, state, emit })
  return true
}

/**
 * The customer's message while intake holds the conversation: the answer to the question asked.
 * Answers the fields when the last one was answered (the caller hands over), or null while
 * questions remain.
 */
export async function answerIntake(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { workspace, text, emit }: { workspace: Workspace; text: string; emit: Emit },
): Promise<Record<string, string> | null> {
  const state = intakeStateOf(conversation)
  const step = state && workspace.intake.steps.find((candidate) => candidate.id === state.stepIds[0])
  // The steps changed under a running intake: what was answered is what there is.
  if (!state || !step) return state?.answers ?? {}
  const answer = judge(step, text, state.language)
  if ('refusal' in answer) {
    await ask(context, transaction, conversation, { workspace, state, emit, before: answer.refusal })
    return null
  }
  state.answers[step.id] = answer.value
  state.stepIds.shift()
  const idleDue = context.now() + workspace.automation.idleDeadlineSeconds * 1_000
  const change = { intake_state: JSON.stringify(state), bot_idle_due_at: idleDue }
  await transaction.updateTable('conversations').set(change).where('id', '=', conversation.id).execute()
  Object.assign(conversation, change)
  if (state.stepIds.length === 0) return state.answers
  await ask(context, transaction, conversation, { workspace, state, emit })
  return null
}

/** Keeps the customer's answers, so a later session does not ask them again. */
export async function rememberAnswers(
  transaction: Transaction<DatabaseSchema>,
  customer: CustomerTable,
  answers: Record<string, string>,
): Promise<void> {
  const merged = { ...(customer.intake_answers ? (JSON.parse(customer.intake_answers) as object) : {}), ...answers }
  const stored = JSON.stringify(merged)
  await transaction.updateTable('customers').set({ intake_answers: stored }).where('id', '=', customer.id).execute()
  customer.intake_answers = stored
}

/** The answer a step takes from the customer's words, or why it cannot. */
function judge(step: IntakeStep, text: string, language: ReplyLanguage): { value: string } | { refusal: string } {
  const typed = text.trim()
  const said = words[language]
  switch (step.kind) {
    case 'choice': {
      // Matched in the customer's language or in English; kept in English, so answers compare.
      const option = step.options?.find((candidate) =>
        [inLanguage(candidate, language), candidate.en].some((label) => same(label, typed)),
      )
      return option ? { value: option.en } : { refusal: said.pick }
    }
    case 'consent':
      if (same(said.yes, typed) || same(words.en.yes, typed)) return { value: 'yes' }
      if (same(said.no, typed) || same(words.en.no, typed)) return { value: 'no' }
      return { refusal: said.pick }
    case 'email':
      return emailCheck.safeParse(typed).success ? { value: typed.toLowerCase() } : { refusal: said.email }
    case 'text':
      return typed === '' ? { refusal: said.pick } : { value: typed.slice(0, intakeRules.answerMaxLength) }
  }
}

/**
 * Handoff fields as a customer reads them (the transcript): each intake step's question in
 * `language` with the answer (a choice as its option in that language, consent as Yes or No), in
 * the steps' order; any other field (a bot's, or a step removed since) by its name, after them.
 */
export function answersToRead(
  { steps }: IntakeSettings,
  fields: Record<string, string>,
  language: ReplyLanguage,
): { question: string; answer: string }[] {
  const said = words[language]
  const asked = steps.flatMap((step) => {
    const value = fields[step.id]
    if (value === undefined) return []
    const option = step.options?.find((candidate) => candidate.en === value)
    const answer =
      step.kind === 'consent' && (value === 'yes' || value === 'no')
        ? said[value]
        : option
          ? inLanguage(option, language)
          : value
    return [{ question: inLanguage(step.prompt, language), answer }]
  })
  const others = Object.entries(fields)
    .filter(([name]) => !steps.some((step) => step.id === name))
    .map(([question, answer]) => ({ question, answer }))
  return [...asked, ...others]
}

const same = (label: string, typed: string) => label.localeCompare(typed, undefined, { sensitivity: 'base' }) === 0

/** A text in `language`, else in English (every text has English). */
export function inLanguage(text: LocalizedText, language: ReplyLanguage): string {
  return text[language] ?? text.en
}

/** Asks the current step as the workspace's automated message, with its options as quick replies. */
async function ask(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  { workspace, state, emit, before }: { workspace: Workspace; state: IntakeState; emit: Emit; before?: string },
): Promise<void> {
  const step = workspace.intake.steps.find((candidate) => candidate.id === state.stepIds[0])
  if (!step) return
  const said = words[state.language]
  const options =
    step.kind === 'choice'
      ? (step.options ?? []).map((option) => inLanguage(option, state.language))
      : step.kind === 'consent'
        ? [said.yes, said.no]
        : null
  const prompt = inLanguage(step.prompt, state.language)
  const message = await appendMessage(context, transaction, conversation, {
    client_id: null,
    author_kind: 'bot',
    author_id: intakeController,
    author_name: workspace.name,
    author_avatar_url: null,
    text: before === undefined ? prompt : `${before}\n\n${prompt}`,
    quick_replies: options === null ? null : JSON.stringify(options),
  })
  emit({ type: 'message.created', ...eventBase(context, conversation), message: toMessage(message) })
}
