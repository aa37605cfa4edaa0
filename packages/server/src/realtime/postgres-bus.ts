import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { RealtimeBus, BusEnvelope } from './bus.js'
import { errorMessage } from '../errors/error-message.js'

/** Why a Postgres bus may have dropped events. */
export type BusGapReason =
  /** The listening connection dropped and was re-established; anything notified meanwhile is lost. */
  | 'reconnected'
  /** A publisher's sequence skipped numbers (its notify failed after the commit, or the queue overflowed). */
  | 'sequence'
  /** A large envelope's stored payload could not be read (pruned, or the read failed). */
  | 'payload-missing'

export interface BusGap {
  reason: BusGapReason
}

export interface PostgresBusOptions {
  /** A `postgres://` URL; the bus opens (and closes) its own small pool and one listening client. */
  connectionString?: string
  /**
   * Or a pool the caller owns (left open by `close()`); the listening client is then made from
   * the pool's connection settings, since a pooled connection cannot hold a LISTEN.
   */
  pool?: pg.Pool
  /** Default `threadline_realtime`. Lowercase letters, digits and `_` (it is also an identifier). */
  channel?: string
  /** The listening connection's `application_name` in `pg_stat_activity`. Default `threadline-realtime-listener`. */
  applicationName?: string
  /** Called whenever events may have been missed; see `PostgresBus.onGap`. */
  onGap?: (gap: BusGap) => void
  /** Where operational lines go (never payloads). Default `console.error`. */
  log?: (line: string) => void
  /** Envelopes whose JSON exceeds this many UTF-8 bytes travel through `realtime_payloads`. Default 7,000 (NOTIFY caps at 8,000). */
  inlineLimitBytes?: number
  /** Stored payloads older than this are deleted. Default 5 minutes. */
  payloadRetentionMs?: number
  /** How often old payloads are pruned. Default 60 s; 0 disables the timer. */
  pruneIntervalMs?: number
  /** Reconnect backoff: the first delay, doubled per failure up to `maxReconnectDelayMs`, with jitter. Default 100 ms. */
  minReconnectDelayMs?: number
  /** Default 10 s. */
  maxReconnectDelayMs?: number
  /** How often the listening connection is probed, so a silently dead socket is noticed. Default 15 s; 0 disables. */
  healthCheckMs?: number
}

/**
 * A `RealtimeBus` shared by every server process on one Postgres, over LISTEN/NOTIFY.
 *
 * NOTIFY is fire-and-forget: a process whose listening connection is down misses what was
 * published meanwhile. The bus reconnects by itself and then reports a gap; it cannot replay.
 * Subscribers own recovery, and the database is the log: end the realtime streams in this process
 * (`registry.closeAll()`), so clients reconnect with `Last-Event-ID` and the server replays from
 * the messages table by seq.
 */
export interface PostgresBus extends RealtimeBus {
  /** Registers a listener for possible gaps; returns its unsubscribe. */
  onGap(listener: (gap: BusGap) => void): () => void
  /** True while the listening connection is up. */
  readonly listening: boolean
  /** Deletes stored payloads past their retention now; resolves with how many went. */
  prunePayloads(): Promise<number>
}

/** What travels in a notification: the envelope itself, or the id of the row holding it. */
interface Notice {
  /** Publisher: random per bus instance. */
  p: string
  /** The publisher's sequence number, from 1, so a receiver can tell when it missed some. */
  n: number
  e?: BusEnvelope
  r?: string
}

interface QueuedPublish {
  json: string
  resolve: () => void
  reject: (error: unknown) => void
}

const payloadTable = 'realtime_payloads'

/**
 * Connects, LISTENs, and resolves with a bus once events published from now on will arrive. A
 * wrong URL or an unreachable database rejects here rather than retrying forever.
 *
 * ```ts
 * const bus = await createPostgresBus({ connectionString: process.env.DATABASE_URL })
 * const server = await startServer({ database: { kind: 'postgres', url }, bus })
 * ```
 */
export async function createPostgresBus(options: PostgresBusOptions): Promise<PostgresBus> {
  const channel = options.channel ?? 'threadline_realtime'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel))
    throw new Error(`The realtime channel must be a lowercase identifier, got "${channel}"`)
  if ((options.connectionString === undefined) === (options.pool === undefined))
    throw new Error('Pass either connectionString or pool to createPostgresBus')

  const log = options.log ?? ((line: string) => console.error(line))
  const applicationName = options.applicationName ?? 'threadline-realtime-listener'
  const inlineLimitBytes = options.inlineLimitBytes ?? 7_000
  const payloadRetentionMs = options.payloadRetentionMs ?? 5 * 60_000
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000
  const minReconnectDelayMs = options.minReconnectDelayMs ?? 100
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 10_000
  const healthCheckMs = options.healthCheckMs ?? 15_000

  const ownsPool = options.pool === undefined
  // Publishing is serialised (one batch in flight), so two connections suffice: one publishes while another reads a stored payload.
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 2 })
  const onPoolError = (error: Error) => log(`The realtime bus pool lost a connection: ${error.message}`)
  pool.on('error', onPoolError)
  // pg-pool listens on a client only while it is idle; one dying mid-query would otherwise end the process (L4).
  const onClientError = (error: Error) => log(`The realtime bus lost a connection in use: ${error.message}`)
  const onPoolConnect = (client: pg.PoolClient) => client.on('error', onClientError)
  pool.on('connect', onPoolConnect)
  const listenerConfig: pg.ClientConfig = ownsPool
    ? { connectionString: options.connectionString }
    : { ...(pool as unknown as { options: pg.ClientConfig }).options }

  const publisherId = randomUUID()
  let published = 0
  const listeners = new Set<(envelope: BusEnvelope) => void>()
  const gapListeners = new Set<(gap: BusGap) => void>()
  if (options.onGap) gapListeners.add(options.onGap)
  /** The last sequence number seen per publisher, to spot skipped notifications. */
  const lastSeen = new Map<string, number>()

  let closed = false
  let listener: pg.Client | null = null
  let reconnectTimer: NodeJS.Timeout | null = null
  let reconnectAttempt = 0
  let healthTimer: NodeJS.Timeout | null = null
  let pruneTimer: NodeJS.Timeout | null = null
  let tableReady: Promise<void> | null = null

  const reportGap = (gap: BusGap) => {
    for (const gapListener of [...gapListeners]) {
      try {
        gapListener(gap)
      } catch (error) {
        log(`A realtime gap listener failed: ${errorMessage(error)}`)
      }
    }
  }

  const deliver = (envelope: BusEnvelope) => {
    for (const subscriber of [...listeners]) {
      try {
        subscriber(envelope)
      } catch (error) {
        log(`A realtime listener failed: ${errorMessage(error)}`)
      }
    }
  }

  // ---- Receiving -------------------------------------------------------------------------------

  /**
   * Notifications are handled one after another: one that must fetch its stored payload holds the
   * ones behind it back, so every publisher's order survives.
   */
  let receiving: Promise<void> = Promise.resolve()
  const enqueue = (task: () => void | Promise<void>) => {
    receiving = receiving.then(task).catch((error: unknown) => {
      log(`The realtime bus could not deliver a notification: ${errorMessage(error)}`)
    })
  }

  const receive = (text: string) => {
    if (closed) return
    let notice: Notice
    try {
      notice = JSON.parse(text) as Notice
      if (typeof notice.p !== 'string' || typeof notice.n !== 'number') throw new Error('not a notice')
    } catch {
      log(`The realtime bus ignored a notification on "${channel}" it did not write`)
      return
    }
    const previous = lastSeen.get(notice.p)
    lastSeen.set(notice.p, notice.n)
    if (previous !== undefined && notice.n !== previous + 1) reportGap({ reason: 'sequence' })

    const inline = notice.e
    if (inline !== undefined) {
      enqueue(() => deliver(inline))
      return
    }
    const reference = notice.r
    if (reference === undefined) return
    // The read starts now; delivery still waits its turn behind earlier notifications.
    const fetched = pool
      .query<{ payload: string }>(`SELECT payload FROM ${payloadTable} WHERE id = $1`, [reference])
      .then(
        (result) => result.rows[0]?.payload ?? null,
        (error: unknown) => {
          log(`The realtime bus could not read a stored payload: ${errorMessage(error)}`)
          return null
        },
      )
    enqueue(async () => {
      const payload = await fetched
      if (payload === null) reportGap({ reason: 'payload-missing' })
      else deliver(JSON.parse(payload) as BusEnvelope)
    })
  }

  const connectListener = async (): Promise<void> => {
    const client = new pg.Client({ ...listenerConfig, application_name: applicationName, keepAlive: true })
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) receive(message.payload)
    })
    client.on('error', (error) => {
      log(`The realtime bus lost its listening connection: ${error.message}`)
      dropListener(client)
    })
    client.on('end', () => dropListener(client))
    try {
      await client.connect()
      await client.query(`LISTEN "${channel}"`)
    } catch (error) {
      client.removeAllListeners('end')
      await client.end().catch(() => undefined)
      throw error
    }
    if (closed) {
      await client.end().catch(() => undefined)
      return
    }
    listener = client
  }

  const dropListener = (client: pg.Client) => {
    if (listener !== client) return
    listener = null
    client.removeAllListeners('end')
    void client.end().catch(() => undefined)
    if (!closed) scheduleReconnect()
  }

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== null) return
    const ceiling = Math.min(maxReconnectDelayMs, minReconnectDelayMs * 2 ** reconnectAttempt)
    const delay = ceiling / 2 + Math.random() * (ceiling / 2)
    reconnectAttempt += 1
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null
      connectListener().then(
        () => {
          if (closed) return
          log(`The realtime bus is listening again after ${reconnectAttempt} attempt(s)`)
          reconnectAttempt = 0
          // Publishers' counters moved on while we were away; a jump after a reconnect is expected.
          lastSeen.clear()
          reportGap({ reason: 'reconnected' })
        },
        (error: unknown) => {
          log(`The realtime bus could not reconnect: ${errorMessage(error)}`)
          scheduleReconnect()
        },
      )
    }, delay)
  }

  // ---- Publishing ------------------------------------------------------------------------------

  const ensurePayloadTable = () => {
    // UNLOGGED: the rows live for minutes and a crash that loses them loses only in-flight events.
    tableReady ??= pool
      .query(
        `CREATE UNLOGGED TABLE IF NOT EXISTS ${payloadTable} (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
      )
      .then(
        () => undefined,
        (error: unknown) => {
          // Two processes creating it at once: one loses on the catalog's unique index, and the table exists.
          if (isDuplicateObject(error)) return
          tableReady = null
          throw error
        },
      )
    return tableReady
  }

  const queue: QueuedPublish[] = []
  let draining = false
  let drained: Promise<void> = Promise.resolve()

  /**
   * Sends everything queued in as few round trips as possible, one batch at a time, in order. The
   * flag drops in the same tick as the last empty-queue check, so a publish made by a caller
   * resuming from the previous one always finds either a running drain or none.
   */
  const drain = async () => {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, queue.length)
        try {
          const notices: string[] = []
          for (const item of batch) {
            const sequence = ++published
            if (Buffer.byteLength(item.json) + 200 <= inlineLimitBytes) {
              notices.push(`{"p":"${publisherId}","n":${sequence},"e":${item.json}}`)
              continue
            }
            await ensurePayloadTable()
            const stored = await pool.query<{ id: string }>(
              `INSERT INTO ${payloadTable} (payload) VALUES ($1) RETURNING id`,
              [item.json],
            )
            notices.push(JSON.stringify({ p: publisherId, n: sequence, r: stored.rows[0]?.id } satisfies Notice))
          }
          // One statement, one transaction: the notifications go out at its commit, in row order.
          await pool.query('SELECT pg_notify($1, notice) FROM unnest($2::text[]) AS notice', [channel, notices])
          for (const item of batch) item.resolve()
        } catch (error) {
          for (const item of batch) item.reject(error)
        }
      }
    } finally {
      draining = false
    }
  }

  const publish = (envelope: BusEnvelope): Promise<void> => {
    if (closed) return Promise.reject(new Error('The realtime bus is closed'))
    return new Promise<void>((resolve, reject) => {
      queue.push({ json: JSON.stringify(envelope), resolve, reject })
      if (draining) return
      draining = true
      drained = drain()
    })
  }

  const prunePayloads = async (): Promise<number> => {
    if (tableReady === null) {
      const exists = await pool.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [payloadTable])
      if (exists.rows[0]?.found === null) return 0
    }
    const result = await pool.query(
      `DELETE FROM ${payloadTable} WHERE created_at < now() - make_interval(secs => $1)`,
      [payloadRetentionMs / 1000],
    )
    return result.rowCount ?? 0
  }

  // ---- Start -----------------------------------------------------------------------------------

  try {
    await connectListener()
  } catch (error) {
    pool.off('error', onPoolError)
    pool.off('connect', onPoolConnect)
    if (ownsPool) await pool.end().catch(() => undefined)
    throw error
  }

  if (healthCheckMs > 0) {
    healthTimer = setInterval(() => {
      const client = listener
      if (!client) return
      // A socket that died without a FIN never errors by itself; a probe that hangs gives it away.
      const timeout = setTimeout(() => {
        log('The realtime bus listening connection stopped answering')
        dropListener(client)
      }, healthCheckMs)
      timeout.unref()
      client.query('SELECT 1').then(
        () => clearTimeout(timeout),
        () => clearTimeout(timeout),
      )
    }, healthCheckMs)
    healthTimer.unref()
  }
  if (pruneIntervalMs > 0) {
    pruneTimer = setInterval(() => {
      prunePayloads().catch((error: unknown) =>
        log(`The realtime bus could not prune payloads: ${errorMessage(error)}`),
      )
    }, pruneIntervalMs)
    pruneTimer.unref()
  }

  let closing: Promise<void> | null = null
  return {
    publish,
    subscribe(subscriber) {
      listeners.add(subscriber)
      return () => {
        listeners.delete(subscriber)
      }
    },
    onGap(gapListener) {
      gapListeners.add(gapListener)
      return () => {
        gapListeners.delete(gapListener)
      }
    },
    get listening() {
      return listener !== null
    },
    prunePayloads,
    close() {
      closing ??= (async () => {
        closed = true
        if (reconnectTimer) clearTimeout(reconnectTimer)
        if (healthTimer) clearInterval(healthTimer)
        if (pruneTimer) clearInterval(pruneTimer)
        // Publishes already accepted still go out; nothing new is accepted.
        await drained
        await receiving
        const client = listener
        listener = null
        if (client) {
          client.removeAllListeners('end')
          await client.end().catch(() => undefined)
        }
        listeners.clear()
        gapListeners.clear()
        pool.off('error', onPoolError)
        pool.off('connect', onPoolConnect)
        if (ownsPool) await pool.end()
      })()
      return closing
    },
  }
}

function isDuplicateObject(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : null
  // unique_violation on pg_type, or duplicate_table.
  return code === '23505' || code === '42P07'
}
