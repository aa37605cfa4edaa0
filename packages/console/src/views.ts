import type {
  AgentConversationCounts,
  Conversation,
  ConversationController,
  ConversationStatus,
} from '@threadline/protocol'

/** The queue's views, each a tab with its live count. */
export type ViewId = keyof AgentConversationCounts

export interface View {
  id: ViewId
  label: string
  /** The list's query for this view. */
  status: ConversationStatus | null
  mine: boolean
  /** Who answers them: a bot holds the Bot view's; the Unanswered view holds what people owe. */
  controller: ConversationController | null
}

/**
 * In tab order; `mine` is the advisor's open work (assigned to them, not finished), as the server
 * counts it. Bot is what a bot answers now (docs/automation.md), which advisors watch and may take.
 */
export const views: readonly View[] = [
  { id: 'unanswered', label: 'Unanswered', status: 'unanswered', mine: false, controller: 'advisors' },
  { id: 'mine', label: 'Mine', status: null, mine: true, controller: null },
  { id: 'bot', label: 'Bot', status: null, mine: false, controller: 'bot' },
  { id: 'active', label: 'Active', status: 'active', mine: false, controller: null },
  { id: 'finished', label: 'Finished', status: 'finished', mine: false, controller: null },
  { id: 'all', label: 'All', status: null, mine: false, controller: null },
]

/** The view with this id (the first one for an unknown id). */
export function viewById(id: ViewId): View {
  return views.find((view) => view.id === id) ?? (views[0] as View)
}

/** Whether a conversation belongs in a view, so a live event can add or drop its row without a refetch. */
export function belongsToView(view: View, conversation: Conversation, agentId: string): boolean {
  if (view.mine) return conversation.assignee?.id === agentId && conversation.status !== 'finished'
  if (view.controller === 'bot') return conversation.controller === 'bot' && conversation.status !== 'finished'
  if (view.controller !== null && conversation.controller !== view.controller) return false
  return view.status === null || conversation.status === view.status
}
