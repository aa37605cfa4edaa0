import type { Attachment, Conversation, Message } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { ConversationTable, DatabaseSchema, MessageTable } from '../database/schema.js'

export type ConversationRow = ConversationTable & { assignee_name: string | null; assignee_avatar_url: string | null }

const iso = (epochMs: number) => new Date(epochMs).toISOString()

/** A conversation with its assignee's public profile, ready to be turned into the wire shape. */
export function selectConversations(db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>) {
  return db
    .selectFrom('conversations')
    .leftJoin('agents', 'agents.id', 'conversations.assignee_agent_id')
    .selectAll('conversations')
    .select(['agents.name as assignee_name', 'agents.avatar_url as assignee_avatar_url'])
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    status: row.status,
    assignee:
      row.assignee_agent_id === null ? null : { id: row.assignee_agent_id, name: row.assignee_name ?? '', avatarUrl: row.assignee_avatar_url },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastSeq: row.last_seq,
    customerLastReadSeq: row.customer_last_read_seq,
    agentLastReadSeq: row.agent_last_read_seq,
    agentLastReadAt: row.agent_last_read_at === null ? null : iso(row.agent_last_read_at),
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
  }
}
