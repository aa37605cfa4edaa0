import type { AgentOnlyEvent } from './schemas/timeline.js'

/**
 * What a conversation's timeline records, one kind per change. Later features add kinds; a client shows a kind it does not know as nothing, never as an error.
 * Notes are not here: they live apart so no visitor path can ever select them.
 */
export const timelineEventKinds = [
  'message',
  'take',
  'overtake',
  'finish',
  'reopen',
  'label_added',
  'label_removed',
  'starred',
  'unstarred',
  'identification',
  'transcript',
  'block',
  'unblock',
  'bot_control',
  'handoff',
] as const

export type TimelineEventKind = (typeof timelineEventKinds)[number]

/** Who caused a timeline event. */
export const timelineActorKinds = ['customer', 'advisor', 'bot', 'system'] as const
export type TimelineActorKind = (typeof timelineActorKinds)[number]

/** Workspace labels on a conversation: free text, normalised (`normalizeLabel`), a few per conversation. */
export const labelRules = { maxLength: 40, maxPerConversation: 10 } as const

/**
 * The one spelling of a label: trimmed, inner whitespace collapsed to one space, lower case. Null
 * when nothing is left or it is too long, so `Billing ` and `billing` are the same label.
 */
export function normalizeLabel(label: string): string | null {
  const normalized = label.trim().replace(/\s+/g, ' ').toLowerCase()
  return normalized === '' || normalized.length > labelRules.maxLength ? null : normalized
}

/** How long a `viewing` heartbeat counts: the console sends one well within it while a conversation is open. */
export const viewingTtlMs = 30_000

/** The agent stream's own event types, which customers' streams never carry. */
export const agentOnlyEventTypes = [
  'timeline.appended',
  'conversation.viewing',
] as const satisfies readonly AgentOnlyEvent['type'][]
