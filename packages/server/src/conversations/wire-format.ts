import type { Attachment, Conversation, Message } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { ConversationTable, DatabaseSchema, MessageTable } from '../database/schema.js'

/** A conversation row with its assignee's public profile and whether its customer is linked to a site account. */
export type ConversationRow = ConversationTable & {
  assignee_name: string | null
  assignee_avatar_url: string | null
  /** customers.account_external_id: the account the customer is linked to (identity token or code), or null. */
  customer_account_external_id: string | null
}

const iso = (epochMs: number) => new Date(epochMs).toISOString()

/**
 * A conversation with its assignee's public profile and its customer's account link, ready to be
 * turned into the wire shape. `customers` is joined (every conversation has one), so callers may
 * select more of the customer's columns.
 */
export function selectConversations(db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>) {
  return db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .leftJoin('agents', 'agents.id', 'conversations.assignee_agent_id')
    .selectAll('conversations')
    .select([
      'agents.name as assignee_name',
      'agents.avatar_url as assignee_avatar_url',
      'customers.account_external_id as customer_account_external_id',
    ])
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    status: row.status,
    assignee:
      row.assignee_agent_id === null
        ? null
        : { id: row.assignee_agent_id, name: row.assignee_name ?? '', avatarUrl: row.assignee_avatar_url },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastSeq: row.last_seq,
    customerLastReadSeq: row.customer_last_read_seq,
    agentLastReadSeq: row.agent_last_read_seq,
    agentLastReadAt: row.agent_last_read_at === null ? null : iso(row.agent_last_read_at),
    identification: row.customer_account_external_id === null ? 'not_identified' : 'identified',
    lastCodeOutcome: row.last_code_outcome,
    awaitingIdentification: row.identification_gate === 'awaiting',
    controller: row.controller_key_id ? 'bot' : 'advisors',
  }
}

export function toMessage(row: MessageTable, attachments: Attachment[] = []): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    clientId: row.client_id,
    seq: row.seq,
    author: { kind: row.author_kind, id: row.author_id, name: row.author_name, avatarUrl: row.author_avatar_url },
    text: row.text,
    attachments,
    createdAt: iso(row.created_at),
    readAt: row.read_at === null ? null : iso(row.read_at),
    ...(row.quick_replies ? { quickReplies: JSON.parse(row.quick_replies) as string[] } : {}),
    // Not yet in the protocol's Message type (see messageChannels): on the wire beside its fields.
    ...(row.channel ? { channel: row.channel } : {}),
  }
}
