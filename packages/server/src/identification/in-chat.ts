import { identificationMaxFailuresPerHour } from '@threadline/protocol'
import type { Account, ChatEvent, IdentificationMode } from '@threadline/protocol'
import type { Transaction } from 'kysely'
import { appendMessage, eventBase } from '../conversations/message-log.js'
import { toConversation, toMessage } from '../conversations/wire-format.js'
import type { ConversationRow } from '../conversations/wire-format.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import { composeLinkEmail } from '../mail/link-email.js'
import type { ServerContext } from '../server-context.js'
import type { Workspace } from '../workspaces/workspaces.js'
import {
  consumeIdentificationCode,
  findIdentificationCodes,
  recordIdentificationFailure,
  redactIdentificationCodes,
} from './codes.js'
import type { IdentificationReplies } from './replies.js'
import { errorMessage } from '../errors/error-message.js'

/*
 * Identification codes pasted into a customer's chat (docs/security.md C3–C6). Everything here runs
 * inside the send transaction, after the conversation row is locked, so two messages of one
 * conversation are judged one after the other; the code itself is consumed by one conditional
 * update (codes.ts), so two conversations pasting one code link at most once.
 */

// The English replies stay importable from here, where the in-chat rules that send them live.
export { identificationReplies } from './replies.js'

const hourMs = 60 * 60 * 1000

/** The workspace's identification rule, as the visitor route already loaded it with the session. */
export interface IdentificationRule {
  workspaceId: string
  workspaceName: string
  mode: IdentificationMode
  /** Epoch ms; with `required`, only customers created after it are asked. Null: everyone. */
  customersAfter: number | null
}

export function identificationRuleOf(workspace: Workspace): IdentificationRule {
  return { workspaceId: workspace.id, workspaceName: workspace.name, ...workspace.identification }
}

/** C5: what is stored (and so shown everywhere) for a customer's text; with identification off, codes mean nothing. */
export function storedCustomerText(rule: IdentificationRule, text: string): string {
  return rule.mode === 'off' ? text : redactIdentificationCodes(text)
}

/**
 * Whether a conversation this customer is starting now must wait for a code or a decline. A
 * customer the site already vouched for (identity token) or linked earlier is never asked.
 */
export function startsAwaitingIdentification(rule: IdentificationRule, customer: CustomerTable): boolean {
  if (rule.mode !== 'required') return false
  if (customer.account_external_id !== null || customer.external_id !== null) return false
  return rule.customersAfter === null || customer.created_at > rule.customersAfter
}

/** Work for after the commit: the emails and logs must not describe a link that was rolled back. */
export type AfterCommit = () => Promise<void>

/**
 * Judges the first code-shaped token of `text` (the customer's raw text, already stored redacted)
 * and appends the automatic reply from `replies` (the language of this send). Returns what to do
 * after the commit, or null when the text holds no code or identification is off. Updates
 * `conversation` in place.
 */
export async function handlePastedCode(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  {
    rule,
    customer,
    conversation,
    text,
    replies,
    emit,
  }: {
    rule: IdentificationRule
    customer: CustomerTable
    conversation: ConversationRow
    text: string
    replies: IdentificationReplies
    emit: (event: ChatEvent) => void
  },
): Promise<AfterCommit | null> {
  if (rule.mode === 'off') return null
  const [first] = findIdentificationCodes(text)
  if (!first) return null

  // C4: past the hourly limit, nothing is looked up, not even a code that would be valid.
  if ((await recentFailures(context, transaction, conversation.id)) >= identificationMaxFailuresPerHour) {
    await appendSystemMessage(context, transaction, conversation, replies.tooManyAttempts, emit)
    return null
  }

  const result = await consumeIdentificationCode(context, transaction, {
    workspaceId: rule.workspaceId,
    code: first.code,
    conversationId: conversation.id,
  })
  // Read inside the locked conversation's transaction: another device of this customer cannot link in between.
  const linkedTo = (
    await transaction
      .selectFrom('customers')
      .select('account_external_id')
      .where('id', '=', customer.id)
      .executeTakeFirstOrThrow()
  ).account_external_id
  if (result.ok && (linkedTo === null || linkedTo === result.account.externalId)) {
    return link(context, transaction, {
      rule,
      customer,
      conversation,
      account: result.account,
      alreadyLinked: linkedTo !== null,
      replies,
      emit,
    })
  }
  // Never relink silently: a customer linked to one account cannot be moved to another by a code.
  // Such a code is used up all the same (it was consumed above); its owner can show a new one.
  const reply = result.ok ? replies.alreadyLinked : replies.invalid
  await recordIdentificationFailure(context, transaction, {
    workspaceId: rule.workspaceId,
    conversationId: conversation.id,
  })
  await setLastCodeOutcome(transaction, conversation, 'invalid')
  await appendSystemMessage(context, transaction, conversation, reply, emit)
  emit({
    type: 'conversation.identification_changed',
    ...eventBase(context, conversation),
    conversation: toConversation(conversation),
  })
  return null
}

/** C6: links this customer only (the one holding the session that pasted the code), and releases a waiting conversation. */
async function link(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  {
    rule,
    customer,
    conversation,
    account,
    alreadyLinked,
    replies,
    emit,
  }: {
    rule: IdentificationRule
    customer: CustomerTable
    conversation: ConversationRow
    account: Account
    alreadyLinked: boolean
    replies: IdentificationReplies
    emit: (event: ChatEvent) => void
  },
): Promise<AfterCommit> {
  const at = context.now()
  if (!alreadyLinked) {
    await transaction
      .updateTable('customers')
      .set({ account_external_id: account.externalId, identified_via: 'code', identified_at: at })
      .where('id', '=', customer.id)
      .execute()
  }
  conversation.customer_account_external_id = account.externalId
  const gate = conversation.identification_gate === 'awaiting' ? 'none' : conversation.identification_gate
  await transaction
    .updateTable('conversations')
    .set({ last_code_outcome: 'valid', identification_gate: gate })
    .where('id', '=', conversation.id)
    .execute()
  Object.assign(conversation, { last_code_outcome: 'valid', identification_gate: gate })
  await appendSystemMessage(context, transaction, conversation, replies.linked, emit)
  emit({
    type: 'conversation.identification_changed',
    ...eventBase(context, conversation),
    conversation: toConversation(conversation),
  })
  return () => sendLinkEmail(context, { rule, account, linkedAt: at })
}

/** C5: the account's owner hears of every link, so a code talked out of them does not go unnoticed. */
async function sendLinkEmail(
  context: ServerContext,
  { rule, account, linkedAt }: { rule: IdentificationRule; account: Account; linkedAt: number },
): Promise<void> {
  if (account.email === null) return
  try {
    await context.mailer.send(
      composeLinkEmail({
        to: account.email,
        workspaceName: rule.workspaceName,
        linkedAt,
        from: context.settings.mailFrom,
        replyTo: context.settings.mailReplyTo,
      }),
    )
  } catch (error) {
    // The link is committed; a mail failure must not turn the customer's send into an error.
    context.log(`The link notification email could not be sent: ${errorMessage(error)}`)
  }
}

/** Wrong or expired codes pasted into this conversation in the last hour (C4). */
async function recentFailures(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversationId: string,
): Promise<number> {
  const row = await transaction
    .selectFrom('identification_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('conversation_id', '=', conversationId)
    .where('at', '>', context.now() - hourMs)
    .executeTakeFirst()
  return Number(row?.count ?? 0)
}

async function setLastCodeOutcome(
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  outcome: 'invalid' | 'valid',
): Promise<void> {
  await transaction
    .updateTable('conversations')
    .set({ last_code_outcome: outcome })
    .where('id', '=', conversation.id)
    .execute()
  conversation.last_code_outcome = outcome
}

/** The server's own message in the chat: no author, in the language of the send that caused it. */
export async function appendSystemMessage(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema>,
  conversation: ConversationRow,
  text: string,
  emit: (event: ChatEvent) => void,
): Promise<void> {
  const message = await appendMessage(context, transaction, conversation, {
    client_id: null,
    author_kind: 'system',
    author_id: null,
    author_name: null,
    author_avatar_url: null,
    text,
  })
  emit({ type: 'message.created', ...eventBase(context, conversation), message: toMessage(message) })
}

/** Events of an awaiting conversation go to the customer's streams only. */
export function agentVisibility(conversation: ConversationRow): { hiddenFromAgents?: true } {
  return conversation.identification_gate === 'awaiting' ? { hiddenFromAgents: true } : {}
}
