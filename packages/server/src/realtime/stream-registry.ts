import type { ServerContext } from '../server-context.js'
import type { BusEnvelope } from './bus.js'
import { touchPresence } from './presence.js'
import { consoleSessionIsLive } from '../advisors/console-sessions.js'
import { touchAdvisorPresence } from '../advisors/presence.js'
import type { SseWriter } from './sse-stream.js'
import { errorMessage } from '../errors/error-message.js'

/**
 * The streams open in this process. It holds the process's ONE bus subscription and ONE heartbeat
 * timer: an event costs a map lookup instead of a visit to every open stream, and a heartbeat costs
 * one session query and one presence update instead of one of each per stream (streams opened
 * together would otherwise beat together and stall the database).
 */
export interface StreamRegistry {
  /** A customer's stream: receives that customer's events, ends when its session does. Returns its unregister. */
  addCustomerStream(stream: {
    workspaceId: string
    customerId: string
    tokenHash: string
    writer: SseWriter
    receive: (envelope: BusEnvelope) => void
  }): () => void
  /** An advisor's stream: receives every event of the workspace. Returns its unregister. */
  addAgentStream(stream: {
    workspaceId: string
    writer: SseWriter
    receive: (envelope: BusEnvelope) => void
    /** Who opened it and with what, so removing the advisor or revoking the credential ends it (H5, H6). */
    caller?: AgentStreamCaller
  }): () => void
  /** Ends the agent streams of an advisor, of a key or of console sessions, in this process (H5, H6). */
  closeAgentStreams(which: { advisorId?: string; keyId?: string; consoleSessionIds?: string[] }): void
  /** Ends every stream of the session behind `tokenHash` (logout in this process). */
  closeSession(tokenHash: string): void
  /** Customers with at least one open stream here (reply emails wait while they are connected). */
  connectedCustomerIds(): string[]
  /** How many streams are open here, visitor (`/v1/events`) and agent (`/v1/agent/events`), for `/metrics`. */
  openStreams(): { visitor: number; agent: number }
  /** Workspaces with at least one open customer stream here. */
  customerWorkspaceIds(): string[]
  /** Writes `data` (an event about the workspace, not a conversation: no `id:`) to its customers' open streams here. */
  sendToCustomersOf(workspaceId: string, data: unknown): void
  /** The heartbeat every `heartbeatMs`: a comment on every stream; customer streams whose session died end. */
  heartbeat(): Promise<void>
  closeAll(): void
  /** Shutdown: tells every stream to reconnect after `retryMs` (to another instance, behind a balancer) and ends it. */
  drain(retryMs: number): void
  /** Ends every stream and stops listening to the bus and the clock. */
  close(): void
}

interface CustomerStream {
  workspaceId: string
  customerId: string
  tokenHash: string
  writer: SseWriter
  receive: (envelope: BusEnvelope) => void
}

/** The advisor behind an agent stream and the credential it was opened with. */
export interface AgentStreamCaller {
  advisorId: string
  via: 'key' | 'session'
  /** The API key id or the console session id. */
  credentialId: string
}

interface AgentStream {
  workspaceId: string
  writer: SseWriter
  receive: (envelope: BusEnvelope) => void
  caller?: AgentStreamCaller
}

/** Keeps `IN (…)` lists well under both engines' bound-parameter limits. */
const batchSize = 500

export function createStreamRegistry(context: ServerContext): StreamRegistry {
  const customerStreams = new Map<string, Set<CustomerStream>>()
  const agentStreams = new Map<string, Set<AgentStream>>()

  const add = <Stream>(index: Map<string, Set<Stream>>, key: string, stream: Stream) => {
    let streams = index.get(key)
    if (!streams) index.set(key, (streams = new Set()))
    streams.add(stream)
    return () => {
      streams.delete(stream)
      if (streams.size === 0 && index.get(key) === streams) index.delete(key)
    }
  }

  const receive = (streams: Set<CustomerStream> | Set<AgentStream> | undefined, envelope: BusEnvelope) => {
    if (!streams) return
    for (const stream of streams) {
      // One failing stream cannot starve the others sharing this subscription.
      try {
        stream.receive(envelope)
      } catch (error) {
        context.log(`A realtime stream failed to take an event: ${errorMessage(error)}`)
      }
    }
  }

  const unsubscribe = context.bus.subscribe((envelope) => {
    receive(customerStreams.get(envelope.customerId), envelope)
    receive(agentStreams.get(envelope.workspaceId), envelope)
  })

  const allStreams = () => [
    ...[...customerStreams.values()].flatMap((streams) => [...streams]),
    ...[...agentStreams.values()].flatMap((streams) => [...streams]),
  ]

  const endStreamsOfDeadSessions = async () => {
    const tokenHashes = [
      ...new Set([...customerStreams.values()].flatMap((streams) => [...streams].map((stream) => stream.tokenHash))),
    ]
    const live = new Set<string>()
    const now = context.now()
    for (let start = 0; start < tokenHashes.length; start += batchSize) {
      const rows = await context.database.db
        .selectFrom('sessions')
        .select(['token_hash', 'expires_at', 'idle_expires_at', 'revoked_at'])
        .where('token_hash', 'in', tokenHashes.slice(start, start + batchSize))
        .execute()
      for (const row of rows)
        if (row.revoked_at === null && now < Math.min(row.expires_at, row.idle_expires_at ?? row.expires_at))
          live.add(row.token_hash)
    }
    // Logout in another process, revocation, or the 30 days (absolute or idle, A13) running out end the stream here.
    for (const tokenHash of tokenHashes) if (!live.has(tokenHash)) registry.closeSession(tokenHash)
  }

  const agentCallers = () =>
    [...agentStreams.values()].flatMap((streams) => [...streams].flatMap((stream) => stream.caller ?? []))

  /** Another process removed the advisor or revoked the credential, or the console session ran out: end the stream here too. */
  const endAgentStreamsOfDeadCallers = async () => {
    const callers = agentCallers()
    if (callers.length === 0) return
    const now = context.now()
    const advisorIds = [...new Set(callers.map((caller) => caller.advisorId))]
    const keyIds = [...new Set(callers.flatMap((caller) => (caller.via === 'key' ? [caller.credentialId] : [])))]
    const sessionIds = [
      ...new Set(callers.flatMap((caller) => (caller.via === 'session' ? [caller.credentialId] : []))),
    ]
    const liveAdvisors = new Set<string>()
    const liveCredentials = new Set<string>()
    for (let start = 0; start < advisorIds.length; start += batchSize) {
      const rows = await context.database.db
        .selectFrom('agents')
        .select('id')
        .where('id', 'in', advisorIds.slice(start, start + batchSize))
        .where('removed_at', 'is', null)
        .execute()
      for (const row of rows) liveAdvisors.add(row.id)
    }
    for (let start = 0; start < keyIds.length; start += batchSize) {
      const rows = await context.database.db
        .selectFrom('api_keys')
        .select('id')
        .where('id', 'in', keyIds.slice(start, start + batchSize))
        .where('revoked_at', 'is', null)
        .execute()
      for (const row of rows) liveCredentials.add(row.id)
    }
    for (let start = 0; start < sessionIds.length; start += batchSize) {
      const rows = await context.database.db
        .selectFrom('console_sessions')
        .select(['id', 'revoked_at', 'expires_at', 'last_seen_at'])
        .where('id', 'in', sessionIds.slice(start, start + batchSize))
        .execute()
      for (const row of rows) if (consoleSessionIsLive(row, now)) liveCredentials.add(row.id)
    }
    for (const streams of [...agentStreams.values()])
      for (const stream of [...streams]) {
        const caller = stream.caller
        if (caller && (!liveAdvisors.has(caller.advisorId) || !liveCredentials.has(caller.credentialId)))
          stream.writer.close()
      }
    const present = [
      ...new Set(agentCallers().flatMap((caller) => (caller.via === 'session' ? [caller.advisorId] : []))),
    ]
    for (let start = 0; start < present.length; start += batchSize)
      await touchAdvisorPresence(context, present.slice(start, start + batchSize))
  }

  let drainRetryMs: number | null = null
  const drainStream = (writer: SseWriter, retryMs: number) => {
    writer.comment('shutting down')
    writer.retry(retryMs)
    writer.close()
  }
  /** A stream opened while the process drains is told to go elsewhere at once (after its cleanup is set up). */
  const drainIfDraining = (writer: SseWriter) => {
    const retryMs = drainRetryMs
    if (retryMs !== null) queueMicrotask(() => drainStream(writer, retryMs))
  }

  let beating: Promise<void> | null = null
  const registry: StreamRegistry = {
    addCustomerStream(stream) {
      drainIfDraining(stream.writer)
      return add(customerStreams, stream.customerId, { ...stream })
    },
    addAgentStream(stream) {
      drainIfDraining(stream.writer)
      return add(agentStreams, stream.workspaceId, { ...stream })
    },
    closeAgentStreams({ advisorId, keyId, consoleSessionIds = [] }) {
      const sessions = new Set(consoleSessionIds)
      for (const streams of [...agentStreams.values()])
        for (const stream of [...streams]) {
          const caller = stream.caller
          if (!caller) continue
          if (
            caller.advisorId === advisorId ||
            (caller.via === 'key' && caller.credentialId === keyId) ||
            (caller.via === 'session' && sessions.has(caller.credentialId))
          )
            stream.writer.close()
        }
    },
    closeSession(tokenHash) {
      for (const streams of [...customerStreams.values()])
        for (const stream of [...streams]) if (stream.tokenHash === tokenHash) stream.writer.close()
    },
    connectedCustomerIds() {
      return [...customerStreams.keys()]
    },
    openStreams() {
      const count = (index: Map<string, Set<unknown>>) =>
        [...index.values()].reduce((total, streams) => total + streams.size, 0)
      return { visitor: count(customerStreams), agent: count(agentStreams) }
    },
    customerWorkspaceIds() {
      return [
        ...new Set(
          [...customerStreams.values()].flatMap((streams) => [...streams].map((stream) => stream.workspaceId)),
        ),
      ]
    },
    sendToCustomersOf(workspaceId, data) {
      for (const streams of customerStreams.values())
        for (const stream of streams) if (stream.workspaceId === workspaceId) stream.writer.send(data)
    },
    heartbeat() {
      // A slow database must not stack heartbeats on top of each other.
      beating ??= (async () => {
        for (const stream of allStreams()) stream.writer.comment('heartbeat')
        await endStreamsOfDeadSessions()
        await endAgentStreamsOfDeadCallers()
        const connected = registry.connectedCustomerIds()
        for (let start = 0; start < connected.length; start += batchSize)
          await touchPresence(context, connected.slice(start, start + batchSize))
      })().finally(() => {
        beating = null
      })
      return beating
    },
    closeAll() {
      for (const stream of allStreams()) stream.writer.close()
    },
    drain(retryMs) {
      drainRetryMs = retryMs
      for (const stream of allStreams()) drainStream(stream.writer, retryMs)
    },
    close() {
      clearInterval(timer)
      unsubscribe()
      registry.closeAll()
    },
  }

  const timer = setInterval(() => {
    registry.heartbeat().catch((error: unknown) => context.log(`The realtime heartbeat failed: ${errorMessage(error)}`))
  }, context.settings.heartbeatMs)
  timer.unref()
  return registry
}
