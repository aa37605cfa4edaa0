import type { ServerContext } from '../server-context.js'
import type { RealtimeEnvelope } from './bus.js'
import { createSseResponse } from './sse-stream.js'
import type { AgentStreamCaller, StreamRegistry } from './stream-registry.js'

/**
 * `GET /v1/agent/events`: every event of the workspace, customers' typing previews included (except
 * those of conversations still waiting for an identification code), as
 * `data: { conversationId, customerId, event }`. No resume cursor (seqs are per conversation): an
 * advisor's client refetches the conversations it shows after a reconnect.
 */
export function openAgentEventStream(
  context: ServerContext,
  { workspaceId, registry, caller }: { workspaceId: string; registry: StreamRegistry; caller?: AgentStreamCaller },
): Response {
  return createSseResponse((writer) => {
    const receive = (envelope: RealtimeEnvelope) => {
      if (envelope.workspaceId !== workspaceId) return
      // Held until the customer identifies or declines; `conversation.identification_changed` then introduces it.
      if (envelope.hiddenFromAgents === true) return
      writer.send({ conversationId: envelope.conversationId, customerId: envelope.customerId, event: envelope.event })
    }
    return registry.addAgentStream({ workspaceId, writer, receive, ...(caller === undefined ? {} : { caller }) })
  })
}
