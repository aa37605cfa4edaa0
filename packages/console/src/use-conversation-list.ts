import type { Conversation, Message } from '@threadline/protocol'
import { useEffect, useRef, useState } from 'react'
import type { AgentClient } from '@threadline/api'
import type { AgentConversation, CodeOutcome, IdentificationStatus } from '@threadline/protocol'
import { tagsAfter } from './conversation-tags-events.js'
import type { EventHub } from './event-hub.js'
import { describeError } from './describe-error.js'
import { belongsToView } from './views.js'
import type { View } from './views.js'

/** The list's filters beside the status; null (or absent) means "any". */
export interface ConversationFilters {
  identification?: IdentificationStatus | null
  lastCodeOutcome?: CodeOutcome | null
}

export interface ConversationRow extends AgentConversation {
  /** The newest message, for the preview; undefined until fetched, null when there is none. */
  last: Message | null | undefined
}

export interface ConversationListState {
  rows: ConversationRow[]
  loading: boolean
  error: string | null
}

/** A burst of events (a reply assigns, activates and adds a message) costs one refetch. */
const reloadDelayMs = 150

/**
 * The conversations of one view (and identification, last code outcome and search), most recently
 * updated first, kept current by the workspace stream: messages update the row in place; a
 * conversation that enters or leaves the filters, or one this list has not seen, refetches the
 * list. `generation` changes after the stream reconnects, when events may have been missed.
 */
export function useConversationList({
  api,
  hub,
  view,
  agentId,
  search = '',
  identification = null,
  lastCodeOutcome = null,
  generation,
}: {
  api: AgentClient
  hub: EventHub
  view: View
  /** The signed-in advisor, for the Mine view. */
  agentId: string
  /** Searched on the server (customer email, name, message text); '' lists everything. */
  search?: string
  generation: number
} & ConversationFilters): ConversationListState {
  const [state, setState] = useState<ConversationListState>({ rows: [], loading: true, error: null })
  const rowsRef = useRef<ConversationRow[]>([])
  rowsRef.current = state.rows

  useEffect(() => {
    const controller = new AbortController()
    let reloadTimer: ReturnType<typeof setTimeout> | undefined
    let loads = 0

    const setRows = (change: (rows: ConversationRow[]) => ConversationRow[]) =>
      setState((current) => ({ ...current, rows: change(current.rows) }))

    async function load(): Promise<void> {
      const load = ++loads
      try {
        const entries = await api.listConversations({
          ...(view.status === null ? {} : { status: view.status }),
          ...(view.mine ? { assignee: 'me' as const } : {}),
          ...(view.controller === null ? {} : { controller: view.controller }),
          ...(search === '' ? {} : { q: search }),
          ...(identification === null ? {} : { identification }),
          ...(lastCodeOutcome === null ? {} : { lastCodeOutcome }),
          signal: controller.signal,
        })
        if (load !== loads) return
        const known = new Map(rowsRef.current.map((row) => [row.conversation.id, row.last]))
        const rows = entries.map((entry) => ({
          ...entry,
          last: keepPreview(known.get(entry.conversation.id), entry.conversation),
        }))
        setState({ rows, loading: false, error: null })
        await Promise.all(rows.filter((row) => row.last === undefined).map((row) => loadPreview(row.conversation.id)))
      } catch (error) {
        if (controller.signal.aborted || load !== loads) return
        setState((current) => ({ ...current, loading: false, error: describeError(error) }))
      }
    }

    async function loadPreview(conversationId: string): Promise<void> {
      try {
        const page = await api.listMessages({ conversationId, limit: 1, signal: controller.signal })
        const last = page.messages.at(-1) ?? null
        setRows((rows) =>
          rows.map((row) =>
            row.conversation.id === conversationId && row.last === undefined ? { ...row, last } : row,
          ),
        )
      } catch {
        // A missing preview is not worth an error: the row still opens the conversation.
      }
    }

    const scheduleReload = () => {
      clearTimeout(reloadTimer)
      reloadTimer = setTimeout(() => void load(), reloadDelayMs)
    }

    const matches = (conversation: Conversation) =>
      belongsToView(view, conversation, agentId) &&
      (identification === null || conversation.identification === identification) &&
      (lastCodeOutcome === null || conversation.lastCodeOutcome === lastCodeOutcome) &&
      !conversation.awaitingIdentification

    const unsubscribe = hub.subscribe(({ conversationId, event }) => {
      const row = rowsRef.current.find((candidate) => candidate.conversation.id === conversationId)
      switch (event.type) {
        case 'message.created': {
          // A search is the server's to answer: any new message may match it.
          if (!row || search !== '') return scheduleReload()
          const conversation = {
            ...row.conversation,
            lastSeq: Math.max(row.conversation.lastSeq, event.message.seq),
            updatedAt: event.at,
          }
          // The newest activity goes to the top, as the server orders the list.
          return setRows((rows) => [
            { ...row, conversation, last: newest(row.last, event.message) },
            ...rows.filter((other) => other !== row && other.conversation.id !== conversationId),
          ])
        }
        case 'message.read': {
          if (!row) return
          const read: Partial<Conversation> =
            event.reader === 'agent'
              ? { agentLastReadSeq: event.upToSeq, agentLastReadAt: event.readAt }
              : { customerLastReadSeq: event.upToSeq }
          return setRows((rows) =>
            rows.map((other) =>
              other.conversation.id === conversationId
                ? { ...other, conversation: { ...other.conversation, ...read } }
                : other,
            ),
          )
        }
        // A conversation released from the wait for a code (identified, or "I have no account")
        // arrives as identification_changed: new to every list, since the server kept it out of them.
        case 'conversation.status_changed':
        case 'conversation.assigned':
        case 'conversation.identification_changed': {
          const belongs = matches(event.conversation)
          if (!row) return belongs ? scheduleReload() : undefined
          if (!belongs) return setRows((rows) => rows.filter((other) => other.conversation.id !== conversationId))
          return setRows((rows) =>
            rows.map((other) =>
              other.conversation.id === conversationId ? { ...other, conversation: event.conversation } : other,
            ),
          )
        }
        // Labels and stars change on the timeline; the row shows them.
        case 'timeline.appended': {
          if (!row) return
          const tags = tagsAfter(row, event.entry)
          if (!tags) return
          return setRows((rows) =>
            rows.map((other) => (other.conversation.id === conversationId ? { ...other, ...tags } : other)),
          )
        }
        default:
          return
      }
    })

    setState((current) => ({ ...current, loading: true }))
    void load()
    return () => {
      controller.abort()
      clearTimeout(reloadTimer)
      unsubscribe()
    }
  }, [api, hub, view, agentId, search, identification, lastCodeOutcome, generation])

  return state
}

/** A preview fetched earlier still holds when nothing was written since. */
function keepPreview(last: Message | null | undefined, conversation: Conversation): Message | null | undefined {
  if (conversation.lastSeq === 0) return null
  return last && last.seq === conversation.lastSeq ? last : undefined
}

function newest(last: Message | null | undefined, message: Message): Message {
  return last && last.seq > message.seq ? last : message
}

/**
 * Unread: the customer wrote after the last message an advisor read. A system message last (a
 * code was linked or refused) answers a customer's message, so it counts as theirs here.
 */
export function isUnread(row: ConversationRow): boolean {
  return (
    row.last !== undefined &&
    row.last !== null &&
    row.last.author.kind !== 'agent' &&
    row.last.seq > row.conversation.agentLastReadSeq
  )
}
