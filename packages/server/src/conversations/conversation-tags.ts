import { labelRules, normalizeLabel } from '@threadline/protocol'
import type { Agent, ConversationTags } from '@threadline/protocol'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { advisorActor } from '../timeline/actors.js'
import { appendTimelineEvent } from '../timeline/timeline-log.js'
import { mutate } from './agent-conversation.js'
import { labelsOf } from './conversation-labels.js'

/*
 * Workspace labels and the star: advisors' own marks on a conversation, never shown to the customer.
 * Each change is one timeline event (`label_added`, `label_removed`, `starred`, `unstarred`).
 */

function normalizedAll(labels: string[]): string[] {
  return [
    ...new Set(
      labels.map((label) => {
        const normalized = normalizeLabel(label)
        if (normalized === null)
          throw new ApiError(
            'validation_failed',
            `Invalid request: a label is 1 to ${labelRules.maxLength} characters once trimmed`,
          )
        return normalized
      }),
    ),
  ]
}

/**
 * Adds and removes labels in one change. Adding a label already there, or removing one that is not,
 * changes nothing and records nothing. More than `labelRules.maxPerConversation` is refused whole.
 */
export async function setLabels(
  context: ServerContext,
  {
    workspaceId,
    agent,
    conversationId,
    add,
    remove,
  }: { workspaceId: string; agent: Agent; conversationId: string; add: string[]; remove: string[] },
): Promise<ConversationTags> {
  const toAdd = normalizedAll(add)
  const toRemove = normalizedAll(remove).filter((label) => !toAdd.includes(label))
  return mutate(context, workspaceId, conversationId, async (transaction, conversation) => {
    const current = (await labelsOf(transaction, [conversation.id])).get(conversation.id) ?? []
    const added = toAdd.filter((label) => !current.includes(label))
    const removed = toRemove.filter((label) => current.includes(label))
    if (current.length + added.length - removed.length > labelRules.maxPerConversation) {
      throw new ApiError(
        'validation_failed',
        `Invalid request: a conversation carries at most ${labelRules.maxPerConversation} labels`,
      )
    }
    const at = context.now()
    if (added.length > 0) {
      await transaction
        .insertInto('conversation_labels')
        .values(
          added.map((label) => ({
            conversation_id: conversation.id,
            workspace_id: workspaceId,
            label,
            created_at: at,
          })),
        )
        .execute()
    }
    if (removed.length > 0) {
      await transaction
        .deleteFrom('conversation_labels')
        .where('conversation_id', '=', conversation.id)
        .where('label', 'in', removed)
        .execute()
    }
    for (const label of added)
      await appendTimelineEvent(context, transaction, conversation, {
        kind: 'label_added',
        actor: advisorActor(agent),
        payload: { label },
      })
    for (const label of removed)
      await appendTimelineEvent(context, transaction, conversation, {
        kind: 'label_removed',
        actor: advisorActor(agent),
        payload: { label },
      })
    const labels = [...current.filter((label) => !removed.includes(label)), ...added].sort(byCodePoint)
    return { labels, starred: conversation.starred === 1 }
  })
}

/** Stars or unstars; setting what is already set records nothing. */
export async function setStar(
  context: ServerContext,
  {
    workspaceId,
    agent,
    conversationId,
    starred,
  }: { workspaceId: string; agent: Agent; conversationId: string; starred: boolean },
): Promise<ConversationTags> {
  return mutate(context, workspaceId, conversationId, async (transaction, conversation) => {
    const value = starred ? 1 : 0
    if (conversation.starred !== value) {
      await transaction.updateTable('conversations').set({ starred: value }).where('id', '=', conversation.id).execute()
      conversation.starred = value
      await appendTimelineEvent(context, transaction, conversation, {
        kind: starred ? 'starred' : 'unstarred',
        actor: advisorActor(agent),
      })
    }
    const labels = (await labelsOf(transaction, [conversation.id])).get(conversation.id) ?? []
    return { labels, starred }
  })
}

/** The order the database sorts labels in (by code point), not the locale's. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
