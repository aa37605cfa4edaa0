import type { AgentEventEnvelope } from '@threadline/protocol'
import { errorMessage } from '../errors/error-message.js'
import type { ServerContext } from '../server-context.js'
import { toTimelineAppended } from '../timeline/timeline-log.js'
import type { BusEnvelope } from './bus.js'
import { createSseResponse } from './sse-stream.js'
import type { AgentStreamCaller, StreamRegistry } from './stream-registry.js'

/** Rows read from the timeline per query while replaying or filling a gap. */
const replayPageSize = 500

/**
 * `GET /v1/agent/events`: every event of the workspace, customers' typing previews included (except
 * those of conversations still waiting for an identification code), as
 * `data: { conversationId, customerId, event }`.
 *
 * The `id:` is the workspace's timeline cursor, and timeline events go out strictly in cursor order,
 * each once. That is safe because a cursor is handed out under the workspace counter's row lock,
 * held to the commit: when cursor n is visible, every cursor below n is committed. So a live event
 * whose cursor skips ahead (publishers race after their commits; the bus may drop one) is preceded
 * by the missing ones, read from the timeline; a live event at or below the cursor already sent is
 * dropped. On `Last-Event-ID: n` the stream replays the timeline after n, then goes on live. Chat
 * events without a cursor (typing, read markers, viewing) are live only and never replayed.
 */
export function openAgentEventStream(
  context: ServerContext,
  {
    workspaceId,
    registry,
    lastEventId,
    caller,
  }: { workspaceId: string; registry: StreamRegistry; lastEventId: number | null; caller?: AgentStreamCaller },
): Response {
  return createSseResponse((writer) => {
    /** The highest cursor delivered (or skipped as hidden); every cursor below it went out or was hidden. */
    let watermark = 0

    const send = (envelope: AgentEventEnvelope, cursor?: number) => writer.send(envelope, cursor)

    /** Timeline rows after the watermark and below `before` (all of them when absent), in cursor order. */
    const replay = async (before?: number) => {
      for (;;) {
        const rows = await context.database.db
          .selectFrom('conversation_events')
          .innerJoin('conversations', 'conversations.id', 'conversation_events.conversation_id')
          .selectAll('conversation_events')
          .select(['conversations.customer_id', 'conversations.identification_gate'])
          .where('conversation_events.workspace_id', '=', workspaceId)
          .where('conversation_events.cursor', '>', watermark)
          .$if(before !== undefined, (query) => query.where('conversation_events.cursor', '<', before ?? 0))
          .orderBy('conversation_events.cursor')
          .limit(replayPageSize)
          .execute()
        for (const row of rows) {
          if (writer.closed) return
          watermark = row.cursor
          // Held from advisors until the customer identifies or declines, as it was live.
          if (row.identification_gate === 'awaiting') continue
          send(
            { conversationId: row.conversation_id, customerId: row.customer_id, event: toTimelineAppended(row) },
            row.cursor,
          )
        }
        if (rows.length < replayPageSize) return
      }
    }

    const handle = async (envelope: BusEnvelope) => {
      if (writer.closed) return
      const address = { conversationId: envelope.conversationId, customerId: envelope.customerId }
      if (envelope.agentsOnly === true && envelope.event.type === 'timeline.appended') {
        const cursor = envelope.event.entry.cursor
        if (cursor <= watermark) return
        if (cursor > watermark + 1) await replay(cursor)
        if (writer.closed) return
        watermark = cursor
        if (envelope.hiddenFromAgents !== true) send({ ...address, event: envelope.event }, cursor)
        return
      }
      // Held until the customer identifies or declines; `conversation.identification_changed` then introduces it.
      if (envelope.hiddenFromAgents === true) return
      send({ ...address, event: envelope.event })
    }

    const start = async () => {
      const counter = await context.database.db
        .selectFrom('timeline_cursors')
        .select('last_cursor')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst()
      const top = Number(counter?.last_cursor ?? 0)
      // A fresh stream starts at the top; a cursor above it is not this workspace's (or a stale client's).
      watermark = lastEventId === null ? top : Math.min(lastEventId, top)
      if (lastEventId !== null) await replay()
    }

    // One queue: the start, the replay and every live event run in order, so ids never go backwards.
    let queue = start()
    const fail = (error: unknown) => {
      context.log(`An agent realtime stream failed: ${errorMessage(error)}`)
      writer.close()
    }
    queue = queue.catch(fail)
    const receive = (envelope: BusEnvelope) => {
      if (envelope.workspaceId !== workspaceId) return
      queue = queue.then(() => handle(envelope)).catch(fail)
    }
    return registry.addAgentStream({ workspaceId, writer, receive, ...(caller === undefined ? {} : { caller }) })
  })
}
