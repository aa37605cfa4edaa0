import { limits } from '@threadline/protocol'
import type { Availability, ChatEvent, WorkspaceAvailabilityEvent } from '@threadline/protocol'
import type { AuthenticatedSession } from '../auth/sessions.js'
import { listMessages } from '../conversations/message-log.js'
import { selectConversations, toConversation } from '../conversations/wire-format.js'
import type { ServerContext } from '../server-context.js'
import type { BusEnvelope } from './bus.js'
import { touchPresence } from './presence.js'
import { createSseResponse } from './sse-stream.js'
import type { SseWriter } from './sse-stream.js'
import type { StreamRegistry } from './stream-registry.js'
import { errorMessage } from '../errors/error-message.js'

/**
 * `GET /v1/events` for one customer session. The `id:` of every event is the conversation's seq
 * watermark: the highest seq below which this stream has delivered every message. On
 * `Last-Event-ID: n` it replays `message.created` for seq > n from the messages table (the durable
 * log), then a snapshot of read markers and status, then live events. Live events that arrive
 * during the replay are held back and deduplicated by seq, so nothing is missed or sent twice.
 * Events are only ever this customer's (X1); their own typing goes to advisors only.
 */
export function openCustomerEventStream(
  context: ServerContext,
  {
    session,
    lastEventId,
    registry,
    availability,
  }: {
    session: AuthenticatedSession
    lastEventId: number | null
    registry: StreamRegistry
    /** The chat mode as the stream opens; later changes come from the availability watch. */
    availability: Availability
  },
): Response {
  const customerId = session.customer.id
  return createSseResponse((writer) => {
    let watermark = 0
    /** Message seqs above the watermark already delivered (live events can arrive out of seq order). */
    const ahead = new Set<number>()
    /** Live events held while the replay runs. */
    let held: ChatEvent[] | null = []

    const deliver = (event: ChatEvent, { resumed }: { resumed: boolean }) => {
      if (event.type === 'message.created') {
        const seq = event.seq
        if (seq <= watermark) {
          // Already replayed (or already held by a client that resumed from a later cursor).
          if (resumed) return
        } else {
          if (ahead.has(seq)) return
          ahead.add(seq)
          while (ahead.delete(watermark + 1)) watermark += 1
        }
      }
      writer.send(event, watermark)
    }

    let resumed = false
    const receive = (envelope: BusEnvelope) => {
      if (envelope.workspaceId !== session.workspaceId || envelope.customerId !== customerId) return
      // F1: a block ends the customer's open streams (in every process: the event rides the bus); the
      // chat's reconnect is then refused with `blocked`, which is all the customer learns.
      if (
        envelope.agentsOnly === true &&
        envelope.event.type === 'timeline.appended' &&
        envelope.event.entry.kind === 'block'
      )
        return writer.close()
      // N1: private notes, timeline rows and advisors' viewing are for advisors; none ever reaches a customer's stream.
      if (envelope.agentsOnly === true) return
      const event = envelope.event
      if ((event.type === 'typing.started' || event.type === 'typing.stopped') && event.author === 'customer') return
      if (held) held.push(event)
      else deliver(event, { resumed })
    }
    // The registry also runs the heartbeat, which ends this stream once the session dies.
    const unregister = registry.addCustomerStream({
      workspaceId: session.workspaceId,
      customerId,
      tokenHash: session.tokenHash,
      writer,
      receive,
    })

    // First, so the chat knows the mode before anything else; it has no `id:` (it moves no cursor).
    writer.send({
      type: 'workspace.availability',
      at: availability.at,
      availability,
    } satisfies WorkspaceAvailabilityEvent)
    void replay(context, writer, { customerId, lastEventId })
      .then((replayed) => {
        watermark = replayed.watermark
        resumed = replayed.resumed
        const pending = held ?? []
        held = null
        for (const event of pending) deliver(event, { resumed })
      })
      .catch((error: unknown) => {
        context.log(`A realtime stream failed to start: ${errorMessage(error)}`)
        writer.close()
      })
    void touchPresence(context, [customerId]).catch(() => undefined)

    return () => {
      unregister()
      void touchPresence(context, [customerId]).catch(() => undefined)
    }
  })
}

async function replay(
  context: ServerContext,
  writer: SseWriter,
  { customerId, lastEventId }: { customerId: string; lastEventId: number | null },
): Promise<{ watermark: number; resumed: boolean }> {
  const conversation = await selectConversations(context.database.db)
    .where('conversations.customer_id', '=', customerId)
    .executeTakeFirst()
  if (!conversation) return { watermark: 0, resumed: lastEventId !== null }
  // A fresh stream starts at the current top; the client catches up with listMessages itself.
  if (lastEventId === null) return { watermark: conversation.last_seq, resumed: false }

  // A cursor above the top is not ours (another conversation, a stale client): replay from the top.
  let watermark = Math.min(lastEventId, conversation.last_seq)
  for (;;) {
    const page = await listMessages(context, conversation.id, { afterSeq: watermark, limit: limits.messagesPageMax })
    for (const message of page.messages) {
      if (writer.closed) return { watermark, resumed: true }
      watermark = message.seq
      writer.send(
        {
          type: 'message.created',
          conversationId: conversation.id,
          seq: message.seq,
          at: message.createdAt,
          message,
        } satisfies ChatEvent,
        watermark,
      )
    }
    if (!page.hasMore) break
  }

  // Read markers and status may have moved while the client was away; the snapshot restates them.
  const current = await selectConversations(context.database.db)
    .where('conversations.id', '=', conversation.id)
    .executeTakeFirst()
  if (current) {
    const wire = toConversation(current)
    const base = { conversationId: wire.id, seq: wire.lastSeq, at: new Date(context.now()).toISOString() }
    if (wire.agentLastReadSeq > 0) {
      writer.send(
        {
          type: 'message.read',
          ...base,
          reader: 'agent',
          upToSeq: wire.agentLastReadSeq,
          readAt: wire.agentLastReadAt ?? base.at,
        } satisfies ChatEvent,
        watermark,
      )
    }
    if (wire.customerLastReadSeq > 0) {
      writer.send(
        {
          type: 'message.read',
          ...base,
          reader: 'customer',
          upToSeq: wire.customerLastReadSeq,
          readAt: base.at,
        } satisfies ChatEvent,
        watermark,
      )
    }
    writer.send(
      { type: 'conversation.status_changed', ...base, status: wire.status, conversation: wire } satisfies ChatEvent,
      watermark,
    )
  }
  return { watermark, resumed: true }
}
