import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sha256 } from '../crypto/keyed-hash.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import type { BusEnvelope } from './bus.js'
import type { SseWriter } from './sse-stream.js'
import { createStreamRegistry } from './stream-registry.js'
import type { StreamRegistry } from './stream-registry.js'

interface RecordingStream {
  writer: SseWriter
  comments: string[]
  received: BusEnvelope[]
  receive: (envelope: BusEnvelope) => void
}

function recordingStream(): RecordingStream {
  const comments: string[] = []
  const received: BusEnvelope[] = []
  let closed = false
  const writer: SseWriter = {
    send: () => undefined,
    retry: () => undefined,
    comment: (text) => {
      if (!closed) comments.push(text)
    },
    close: () => {
      closed = true
    },
    get closed() {
      return closed
    },
  }
  return { writer, comments, received, receive: (envelope) => received.push(envelope) }
}

describe('createStreamRegistry', () => {
  let test: TestServer
  let registry: StreamRegistry

  beforeEach(async () => {
    test = await startTestServer()
    registry = createStreamRegistry(test.server.context)
  })
  afterEach(async () => {
    registry.close()
    await test.close()
  })

  const envelopeFor = (customerId: string, workspaceId = test.workspace.workspaceId): BusEnvelope => ({
    workspaceId,
    conversationId: 'conv_test',
    customerId,
    event: {
      type: 'typing.stopped',
      conversationId: 'conv_test',
      seq: 0,
      at: new Date().toISOString(),
      author: 'agent',
    },
  })

  describe('when an event is published', () => {
    it("reaches only its customer's streams and its workspace's advisor streams", async () => {
      const ana = recordingStream()
      const anaOtherDevice = recordingStream()
      const bo = recordingStream()
      const advisor = recordingStream()
      const otherWorkspaceAdvisor = recordingStream()
      const workspaceId = test.workspace.workspaceId
      registry.addCustomerStream({ workspaceId, customerId: 'cus_ana', tokenHash: 'a', ...ana })
      registry.addCustomerStream({ workspaceId, customerId: 'cus_ana', tokenHash: 'a2', ...anaOtherDevice })
      registry.addCustomerStream({ workspaceId, customerId: 'cus_bo', tokenHash: 'b', ...bo })
      registry.addAgentStream({ workspaceId, ...advisor })
      registry.addAgentStream({ workspaceId: 'ws_other', ...otherWorkspaceAdvisor })

      await test.server.context.bus.publish(envelopeFor('cus_ana'))

      expect(ana.received).toHaveLength(1)
      expect(anaOtherDevice.received).toHaveLength(1)
      expect(bo.received).toHaveLength(0)
      expect(advisor.received).toHaveLength(1)
      expect(otherWorkspaceAdvisor.received).toHaveLength(0)
    })

    it('stops reaching a stream once it is unregistered', async () => {
      const ana = recordingStream()
      const unregister = registry.addCustomerStream({
        workspaceId: test.workspace.workspaceId,
        customerId: 'cus_ana',
        tokenHash: 'a',
        ...ana,
      })
      unregister()
      await test.server.context.bus.publish(envelopeFor('cus_ana'))
      expect(ana.received).toHaveLength(0)
      expect(registry.connectedCustomerIds()).toEqual([])
    })
  })

  describe('when the heartbeat runs', () => {
    it('comments on every stream, ends the streams of dead sessions and records presence for the rest', async () => {
      const live = await test.verify()
      const revoked = await test.verify()
      const workspaceId = test.workspace.workspaceId
      const liveStream = recordingStream()
      const revokedStream = recordingStream()
      const advisor = recordingStream()
      registry.addCustomerStream({
        workspaceId,
        customerId: live.customer.id,
        tokenHash: sha256(live.session.token),
        ...liveStream,
      })
      registry.addCustomerStream({
        workspaceId,
        customerId: revoked.customer.id,
        tokenHash: sha256(revoked.session.token),
        ...revokedStream,
      })
      registry.addAgentStream({ workspaceId, ...advisor })
      const { db } = test.server.context.database
      await db
        .updateTable('sessions')
        .set({ revoked_at: Date.now() })
        .where('customer_id', '=', revoked.customer.id)
        .execute()
      await db.updateTable('customers').set({ last_stream_seen_at: null }).execute()

      await registry.heartbeat()

      expect([liveStream.comments, revokedStream.comments, advisor.comments]).toEqual([
        ['heartbeat'],
        ['heartbeat'],
        ['heartbeat'],
      ])
      expect(liveStream.writer.closed).toBe(false)
      expect(revokedStream.writer.closed).toBe(true)
      expect(advisor.writer.closed).toBe(false)
      const seen = await db
        .selectFrom('customers')
        .select('last_stream_seen_at')
        .where('id', '=', live.customer.id)
        .executeTakeFirstOrThrow()
      expect(seen.last_stream_seen_at).not.toBeNull()
    })
  })
})
