/**
 * Realtime fan-out under load: N customers connected over SSE, an advisor tool posting M messages/s
 * round-robin through the agent API, and the time from each post to its delivery on the customer's
 * stream. Once on SQLite and once on Postgres (with the LISTEN/NOTIFY bus), each with a raw-insert
 * baseline measured in the same run against the same database, so the ratio holds on a noisy machine.
 *
 *   pnpm exec tsx --conditions=source bench/server-realtime.ts \
 *     [--customers 1000] [--rate 500] [--seconds 10] [--warmup 2] [--db sqlite|postgres|both]
 *     [--bus postgres|memory|postgres,memory] [--heartbeat-seconds 15] [--baseline-seconds 2] [--ceiling-seconds 5] [--ceiling-concurrency 32]
 *     [--postgres-url postgres://…/postgres] [--json out.json] [--cpu-profile dir] [--sqlite-pragma synchronous=NORMAL]
 *     [--webhook]   one webhook endpoint subscribed to every event, on a receiver in this process
 *     [--webhook-thread on|off]   webhooks on their worker thread or in the server's event loop (default: the server's, on with Postgres)
 *
 * The server runs in a child process (bench/server-realtime/server-process.ts), so the load
 * generator never shares its event loop; both share the machine's cores with the database, as they
 * would on a small box. Latency counts from the moment a post was *scheduled* (open loop), so a
 * stalled server cannot hide its backlog by slowing the generator down. A measurement, not a test:
 * nothing here fails on a slow result.
 */
import type { ChildProcess } from 'node:child_process'
import { fork } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { createAgentClient, createWebhooksClient, isApiError } from '@threadline/api'
import type { AgentClient, FetchFunction } from '@threadline/api'
import { createSseParser, visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { ChatEvent, SendMessageResponse, SessionGrant } from '@threadline/protocol'
import type { DatabaseOptions } from '../packages/server/src/index.ts'
import { openDatabase } from '../packages/server/src/index.ts'
import { startPostgres } from '../packages/server/src/testing/postgres.ts'
import type { PostgresCluster } from '../packages/server/src/testing/postgres.ts'
import type {
  ServerProcessCommand,
  ServerProcessMessage,
  ServerProcessOptions,
} from './server-realtime/server-process.ts'

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    db: { type: 'string', default: 'both' },
    bus: { type: 'string', default: 'postgres' },
    'baseline-seconds': { type: 'string', default: '2' },
    'ceiling-seconds': { type: 'string', default: '5' },
    'ceiling-concurrency': { type: 'string', default: '32' },
    'postgres-url': { type: 'string' },
    /** The server's default is 15 s; every stream's heartbeat reads its session and writes presence. */
    'heartbeat-seconds': { type: 'string', default: '15' },
    json: { type: 'string' },
    /** Run on the server's SQLite connection after start, e.g. `--sqlite-pragma synchronous=NORMAL`; repeatable. */
    'sqlite-pragma': { type: 'string', multiple: true },
    /** A directory: the server process writes a V8 CPU profile there (open it in Chrome DevTools). */
    'cpu-profile': { type: 'string' },
    /** One webhook endpoint subscribed to every event, delivered to a receiver in this process. */
    webhook: { type: 'boolean', default: false },
    /** `on` or `off`: webhooks on their worker thread or in the server's event loop; default the server's (on with Postgres). */
    'webhook-thread': { type: 'string' },
  },
})

const customers = Number(args.customers)
const rate = Number(args.rate)
const seconds = Number(args.seconds)
const warmupSeconds = Number(args.warmup)
const baselineSeconds = Number(args['baseline-seconds'])
const ceilingSeconds = Number(args['ceiling-seconds'])
const ceilingConcurrency = Number(args['ceiling-concurrency'])
const databases: ('sqlite' | 'postgres')[] | null =
  args.db === 'both' ? ['sqlite', 'postgres'] : args.db === 'sqlite' || args.db === 'postgres' ? [args.db] : null
if (!databases) throw new Error(`--db must be sqlite, postgres or both, got "${args.db}"`)
/** The buses Postgres runs with, one run each (SQLite always uses the in-process bus). */
const postgresBuses = args.bus.split(',').map((name) => {
  if (name !== 'postgres' && name !== 'memory')
    throw new Error(`--bus must be postgres, memory or both comma-separated, got "${args.bus}"`)
  return name
})

const goal = { customers: 1000, rate: 500, p99Ms: 50 }
const serverProcessPath = resolve(import.meta.dirname, 'server-realtime/server-process.ts')
const repositoryRoot = resolve(import.meta.dirname, '..')

// ---- Measuring ---------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

interface Distribution {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((left, right) => left - right)
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  }
}

/** Busy time of the whole machine from /proc/stat, in core-seconds (null off Linux). */
function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? []
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields
    return (user + nice + system + irq + softirq + steal) / 100
  } catch {
    return null
  }
}

/**
 * CPU seconds used by `rootPid` and its direct children (Postgres: the postmaster and its backends),
 * from /proc. Backends that exit during a window take their ticks with them; the pools keep theirs open.
 */
function processTreeSeconds(rootPid: number): number | null {
  try {
    let ticks = 0
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      let stat: string
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      } catch {
        continue
      }
      // Fields after the command name, which may itself hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(entry) !== rootPid && Number(fields[1]) !== rootPid) continue
      ticks += Number(fields[11]) + Number(fields[12])
    }
    return ticks / 100
  } catch {
    return null
  }
}

/** The postmaster's pid, found through a backend's parent. */
async function postmasterPid(url: string): Promise<number | null> {
  const { db, close } = openDatabase({ kind: 'postgres', url })
  try {
    const statement = 'SELECT pg_backend_pid() AS pid'
    const result = await db.executeQuery<{ pid: number }>({
      sql: statement,
      parameters: [],
      query: { kind: 'RawNode', sqlFragments: [statement], parameters: [] },
    } as never)
    const backend = result.rows[0]?.pid
    if (backend === undefined) return null
    const stat = readFileSync(`/proc/${backend}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  } finally {
    await close()
  }
}

interface CpuUse {
  /** Everything busy on the machine, other tenants included. */
  machineCores: number | null
  loadGeneratorCores: number
  postgresCores: number | null
}

function measureCpu(postgresRoot: number | null): { stop(): CpuUse } {
  const machineStart = machineBusySeconds()
  const postgresStart = postgresRoot === null ? null : processTreeSeconds(postgresRoot)
  const ownStart = process.cpuUsage()
  const wallStart = performance.now()
  return {
    stop() {
      const wallSeconds = (performance.now() - wallStart) / 1000
      const machineEnd = machineBusySeconds()
      const postgresEnd = postgresRoot === null ? null : processTreeSeconds(postgresRoot)
      const own = process.cpuUsage(ownStart)
      return {
        machineCores: machineStart === null || machineEnd === null ? null : (machineEnd - machineStart) / wallSeconds,
        loadGeneratorCores: (own.user + own.system) / 1e6 / wallSeconds,
        postgresCores:
          postgresStart === null || postgresEnd === null ? null : (postgresEnd - postgresStart) / wallSeconds,
      }
    },
  }
}

// ---- The server process --------------------------------------------------------------------------

interface ServerHandle {
  child: ChildProcess
  url: URL
  workspaceId: string
  secret: string
  agentKey: string
  /** The advisors' tool: the agent API through `@threadline/api`, on the bounded keep-alive pool. */
  agent: AgentClient
  command(command: ServerProcessCommand): void
  next<T extends ServerProcessMessage['type']>(type: T): Promise<Extract<ServerProcessMessage, { type: T }>>
  stop(): Promise<void>
}

async function startServerProcess(options: ServerProcessOptions): Promise<ServerHandle> {
  const child = fork(serverProcessPath, [JSON.stringify(options)], {
    cwd: repositoryRoot,
    execArgv: ['--import', 'tsx', '--conditions=source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const next = <T extends ServerProcessMessage['type']>(type: T) =>
    new Promise<Extract<ServerProcessMessage, { type: T }>>((resolvePromise, reject) => {
      const onMessage = (message: ServerProcessMessage) => {
        if (message.type === 'failed') reject(new Error(`The server process failed: ${message.message}`))
        else if (message.type === type) resolvePromise(message as Extract<ServerProcessMessage, { type: T }>)
        else return
        child.off('message', onMessage)
        child.off('exit', onExit)
      }
      const onExit = (code: number | null) => reject(new Error(`The server process exited with ${code}`))
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  const ready = await next('ready')
  return {
    child,
    url: new URL(ready.url),
    workspaceId: ready.workspaceId,
    secret: ready.secret,
    agentKey: ready.agentKey,
    agent: createAgentClient({ baseUrl: ready.url, agentKey: ready.agentKey, fetch: pooledFetch }),
    command: (command) => child.send(command),
    next,
    async stop() {
      const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise))
      child.send({ type: 'stop' } satisfies ServerProcessCommand)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

// ---- HTTP ----------------------------------------------------------------------------------------

/** The advisors' tool: a bounded set of keep-alive sockets, as a real integration would hold. */
const postAgent = new Agent({ keepAlive: true, maxSockets: 64 })
/** One socket per SSE stream, never pooled away. */
const streamAgent = new Agent({ keepAlive: false, maxSockets: Infinity })

/**
 * `fetch` for `@threadline/api` on node:http and the advisors' socket pool: undici's own pool would
 * change what is measured (how many sockets the tool holds, when it opens new ones).
 */
const pooledFetch: FetchFunction = (input, init) =>
  new Promise<Response>((resolvePromise, reject) => {
    const url = new URL(input)
    const payload = typeof init.body === 'string' ? init.body : undefined
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: init.method ?? 'GET',
        path: url.pathname + url.search,
        agent: postAgent,
        headers: {
          ...Object.fromEntries(new Headers(init.headers)),
          ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
        },
        signal: init.signal ?? undefined,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const status = response.statusCode ?? 0
          const headers = new Headers()
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === 'string') headers.set(name, value)
          resolvePromise(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers }))
        })
        response.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(payload)
  })

/** A visitor call on the same pool, for setting up customers (the agent API is `@threadline/api`'s). */
async function visitorCall<T>(
  server: ServerHandle,
  route: { method: string; path: string },
  { token, body }: { token?: string; body: unknown },
): Promise<T> {
  const response = await pooledFetch(new URL(route.path, server.url).href, {
    method: route.method,
    headers: {
      [workspaceHeader]: server.workspaceId,
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  })
  if (response.status !== 200) throw new Error(`${route.path} answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as T
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

/** An HS256 identity token as a site's backend signs it: no per-email caps, unlike email codes. */
function identityToken(secret: string, externalId: string): string {
  const now = Math.floor(Date.now() / 1000)
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ sub: externalId, iat: now, exp: now + 3600 }))}`
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
}

interface Customer {
  token: string
  conversationId: string
}

async function createCustomer(server: ServerHandle, externalId: string): Promise<Customer> {
  const identityTokenBody = { identityToken: identityToken(server.secret, externalId) }
  const { session } = await visitorCall<SessionGrant>(server, visitorRoutes.identify, { body: identityTokenBody })
  // The first message opens the conversation the advisor answers.
  const sent = await visitorCall<SendMessageResponse>(server, visitorRoutes.sendMessage, {
    token: session.token,
    body: { clientId: randomUUID(), text: 'Hello' },
  })
  return { token: session.token, conversationId: sent.message.conversationId }
}

async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++
        results[index] = await task(index)
      }
    }),
  )
  return results
}

// ---- Tracking posts and deliveries ------------------------------------------------------------------

/** Post k carries the text `bench:k` to conversation k mod N; times are performance.now() ms. */
class Tracker {
  readonly scheduledAt: number[] = []
  readonly respondedAt: number[] = []
  readonly deliveredAt: number[] = []
  readonly errors = new Map<string, number>()
  /** Posts whose request failed on the client (an error status, a timeout): the server may still have written them. */
  readonly failedPosts = new Set<number>()
  duplicates = 0
  misrouted = 0
  /** Posts sent a second time after a reset socket. */
  retries = 0
  private waiters = new Set<() => void>()

  delivered(k: number, streamIndex: number) {
    if (k % customers !== streamIndex) this.misrouted += 1
    if (this.deliveredAt[k] !== undefined) {
      this.duplicates += 1
      return
    }
    this.deliveredAt[k] = performance.now()
    for (const waiter of [...this.waiters]) waiter()
  }

  error(k: number, kind: string) {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1)
    this.failedPosts.add(k)
  }

  /** Resolves when every post in [from, to) that succeeded was delivered, or after `timeoutMs`. */
  settle(from: number, to: number, timeoutMs: number): Promise<void> {
    const done = () => {
      for (let k = from; k < to; k++)
        if (this.respondedAt[k] !== undefined && this.deliveredAt[k] === undefined) return false
      return true
    }
    return new Promise((resolvePromise) => {
      const check = () => {
        if (!done()) return
        this.waiters.delete(check)
        clearTimeout(timer)
        resolvePromise()
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        resolvePromise()
      }, timeoutMs)
      this.waiters.add(check)
      check()
    })
  }

  /** Post → delivery by second of schedule: a periodic stall shows up here, averaged away in the totals. */
  timeline(from: number, to: number): { second: number; p50: number; p99: number; max: number }[] {
    const start = this.scheduledAt[from]
    if (start === undefined) return []
    const seconds: number[][] = []
    for (let k = from; k < to; k++) {
      const scheduled = this.scheduledAt[k]
      const delivered = this.deliveredAt[k]
      if (scheduled === undefined || delivered === undefined) continue
      ;(seconds[Math.floor((scheduled - start) / 1000)] ??= []).push(delivered - scheduled)
    }
    return seconds.map((samples, second) => {
      const { p50, p99, max } = distribution(samples)
      return { second, p50, p99, max }
    })
  }

  summary(from: number, to: number) {
    const delivery: number[] = []
    const response: number[] = []
    let sent = 0
    let delivered = 0
    let lost = 0
    let failed = 0
    let firstDelivery = Infinity
    let lastDelivery = -Infinity
    for (let k = from; k < to; k++) {
      const scheduled = this.scheduledAt[k]
      if (scheduled === undefined) continue
      sent += 1
      const responded = this.respondedAt[k]
      if (responded !== undefined) response.push(responded - scheduled)
      if (this.failedPosts.has(k)) failed += 1
      const deliveredAt = this.deliveredAt[k]
      // Lost: the server confirmed the post and no stream ever got it. A post the client gave up on
      // may still be delivered (the server wrote it after the timeout): that counts as delivered.
      if (deliveredAt === undefined && responded !== undefined) lost += 1
      if (deliveredAt === undefined) continue
      delivered += 1
      delivery.push(deliveredAt - scheduled)
      firstDelivery = Math.min(firstDelivery, deliveredAt)
      lastDelivery = Math.max(lastDelivery, deliveredAt)
    }
    return {
      sent,
      delivered,
      lost,
      failed,
      delivery: distribution(delivery),
      response: distribution(response),
      deliveredPerSecond: delivered > 1 ? (delivered - 1) / ((lastDelivery - firstDelivery) / 1000) : 0,
    }
  }
}

/**
 * One advisor reply. A keep-alive socket the server is closing just as it is reused fails with
 * ECONNRESET before the request is read; the reply carries a client id, so one retry is safe (the
 * server dedupes on it) and the latency still counts from the first schedule.
 */
async function post(agent: AgentClient, tracker: Tracker, customersList: Customer[], k: number): Promise<void> {
  const conversation = customersList[k % customersList.length]
  if (!conversation) throw new Error('No customers')
  for (let attempt = 1; ; attempt++) {
    try {
      await agent.reply({ conversationId: conversation.conversationId, text: `bench:${k}`, clientId: `bench-${k}` })
      tracker.respondedAt[k] = performance.now()
      return
    } catch (error) {
      if (isApiError(error)) {
        tracker.error(k, `HTTP ${error.status} ${error.code}`)
        return
      }
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : ''
      if (attempt === 1 && /ECONNRESET|socket hang up/.test(cause)) {
        tracker.retries += 1
        continue
      }
      tracker.error(k, cause || (error instanceof Error ? error.message : String(error)))
      return
    }
  }
}

/** Opens one SSE stream per customer with node:http (fetch would pool them), counting deliveries. */
async function openStreams(server: ServerHandle, customersList: Customer[], tracker: Tracker) {
  const requests: ReturnType<typeof request>[] = []
  let closedEarly = 0
  await inParallel(customersList.length, 50, (index) => {
    const customer = customersList[index]
    if (!customer) throw new Error('No customer')
    return new Promise<void>((resolvePromise, reject) => {
      const outgoing = request(
        {
          host: server.url.hostname,
          port: server.url.port,
          path: visitorRoutes.events.path,
          agent: streamAgent,
          headers: {
            accept: 'text/event-stream',
            authorization: `Bearer ${customer.token}`,
            [workspaceHeader]: server.workspaceId,
          },
        },
        (response: IncomingMessage) => {
          if (response.statusCode !== 200) {
            reject(new Error(`GET ${visitorRoutes.events.path} answered ${response.statusCode}`))
            return
          }
          const parser = createSseParser({
            onEvent: ({ data }) => {
              // Most events are not the advisor's messages: skip them before paying for JSON.parse.
              if (!data.includes('"message.created"')) return
              const event = JSON.parse(data) as ChatEvent
              if (event.type !== 'message.created' || event.message.author.kind !== 'agent') return
              const match = /^bench:(\d+)$/.exec(event.message.text)
              if (match) tracker.delivered(Number(match[1]), index)
            },
          })
          response.on('data', (chunk: Buffer) => parser.push(chunk))
          response.on('close', () => (closedEarly += 1))
          resolvePromise()
        },
      )
      outgoing.on('error', reject)
      outgoing.end()
      requests.push(outgoing)
    })
  })
  return {
    closedEarly: () => closedEarly,
    close() {
      for (const outgoing of requests) outgoing.destroy()
    },
  }
}

// ---- Phases -------------------------------------------------------------------------------------

/** Single-row inserts into `messages`, one after another, straight through kysely: the floor under every post. */
async function rawInsertBaseline(database: DatabaseOptions, conversationId: string) {
  const { db, close } = openDatabase(database)
  const latencies: number[] = []
  const text = 'bench:0000000'
  const end = performance.now() + baselineSeconds * 1000
  let seq = 1_000_000
  try {
    while (performance.now() < end) {
      const started = performance.now()
      seq += 1
      await db
        .insertInto('messages')
        .values({
          id: `msg_bench_${seq}`,
          conversation_id: conversationId,
          seq,
          created_at: Date.now(),
          read_at: null,
          client_id: null,
          author_kind: 'agent',
          author_id: null,
          author_name: 'Bench',
          author_avatar_url: null,
          text,
        })
        .execute()
      latencies.push(performance.now() - started)
    }
  } finally {
    await close()
  }
  return { insertsPerSecond: latencies.length / baselineSeconds, latency: distribution(latencies) }
}

/** Open loop: post k is due at start + k/rate whatever happened to the ones before it. */
async function fixedRate(
  server: ServerHandle,
  tracker: Tracker,
  customersList: Customer[],
  first: number,
  count: number,
) {
  const start = performance.now()
  const inFlight = new Set<Promise<void>>()
  let next = 0
  await new Promise<void>((resolvePromise) => {
    const timer = setInterval(() => {
      const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
      while (next < due) {
        const k = first + next
        tracker.scheduledAt[k] = start + (next * 1000) / rate
        next += 1
        const pending = post(server.agent, tracker, customersList, k)
        inFlight.add(pending)
        void pending.finally(() => inFlight.delete(pending))
      }
      if (next >= count) {
        clearInterval(timer)
        resolvePromise()
      }
    }, 1)
  })
  await Promise.all(inFlight)
}

/** Closed loop: `ceilingConcurrency` advisors each post again as soon as the last post answered. */
async function ceiling(server: ServerHandle, tracker: Tracker, customersList: Customer[], first: number) {
  const end = performance.now() + ceilingSeconds * 1000
  let next = first
  await Promise.all(
    Array.from({ length: ceilingConcurrency }, async () => {
      while (performance.now() < end) {
        const k = next++
        tracker.scheduledAt[k] = performance.now()
        await post(server.agent, tracker, customersList, k)
      }
    }),
  )
  return next
}

// ---- One database --------------------------------------------------------------------------------

async function run(
  kind: 'sqlite' | 'postgres',
  cluster: { createDatabase(): Promise<string> } | null,
  bus: 'memory' | 'postgres',
) {
  const temporary = mkdtempSync(join(tmpdir(), 'threadline-bench-'))
  const database: DatabaseOptions =
    kind === 'sqlite'
      ? { kind: 'sqlite', file: join(temporary, 'bench.sqlite') }
      : { kind: 'postgres', url: await (cluster ?? fail('no cluster')).createDatabase() }
  log(`\n${kind}: starting the server process (bus: ${bus})`)
  const cpuProfileDirectory = args['cpu-profile'] === undefined ? undefined : resolve(args['cpu-profile'])
  if (cpuProfileDirectory !== undefined) mkdirSync(cpuProfileDirectory, { recursive: true })
  const sqlitePragmas = kind === 'sqlite' ? (args['sqlite-pragma'] ?? []) : []
  const server = await startServerProcess({
    database,
    bus,
    sqlitePragmas,
    heartbeatMs: Number(args['heartbeat-seconds']) * 1000,
    ...(cpuProfileDirectory === undefined ? {} : { cpuProfileDirectory }),
    ...(args.webhook ? { webhookAllowedHosts: ['127.0.0.1'] } : {}),
    ...(args['webhook-thread'] === undefined ? {} : { webhookThread: args['webhook-thread'] === 'on' }),
  })
  const webhook = args.webhook ? await subscribeWebhook(server) : null
  const tracker = new Tracker()
  let streams: Awaited<ReturnType<typeof openStreams>> | null = null
  try {
    let started = performance.now()
    const customersList = await inParallel(customers, 16, (index) => createCustomer(server, `bench-${index}`))
    const setupSeconds = (performance.now() - started) / 1000
    log(`${kind}: ${customers} customers identified, each with a conversation, in ${setupSeconds.toFixed(1)} s`)

    const baselineCustomer = await createCustomer(server, 'bench-baseline')
    const baseline = await rawInsertBaseline(database, baselineCustomer.conversationId)
    log(`${kind}: raw-insert baseline ${baseline.insertsPerSecond.toFixed(0)} inserts/s`)

    started = performance.now()
    streams = await openStreams(server, customersList, tracker)
    const connectSeconds = (performance.now() - started) / 1000
    log(`${kind}: ${customers} SSE streams open in ${connectSeconds.toFixed(1)} s`)

    const warmupCount = Math.round(rate * warmupSeconds)
    const measuredCount = Math.round(rate * seconds)
    log(`${kind}: ${warmupSeconds} s warm-up, then ${seconds} s at ${rate} msg/s`)
    await fixedRate(server, tracker, customersList, 0, warmupCount)
    await tracker.settle(0, warmupCount, 5000)

    tracker.errors.clear()
    tracker.retries = 0
    const postgresRoot = database.kind === 'postgres' ? await postmasterPid(database.url) : null
    server.command({ type: 'measure' })
    const cpu = measureCpu(postgresRoot)
    const generatorLoop = monitorEventLoopDelay({ resolution: 1 })
    generatorLoop.enable()
    await fixedRate(server, tracker, customersList, warmupCount, measuredCount)
    await tracker.settle(warmupCount, warmupCount + measuredCount, 5000)
    generatorLoop.disable()
    const cpuUse = cpu.stop()
    server.command({ type: 'report' })
    const serverStats = await server.next('measured')
    const measured = tracker.summary(warmupCount, warmupCount + measuredCount)
    const timeline = tracker.timeline(warmupCount, warmupCount + measuredCount)
    const rateErrors = Object.fromEntries(tracker.errors)

    let ceilingResult: {
      postsPerSecond: number
      delivered: number
      delivery: Distribution
      errors: Record<string, number>
    } | null = null
    if (ceilingSeconds > 0) {
      log(`${kind}: ceiling, ${ceilingConcurrency} advisors posting back to back for ${ceilingSeconds} s`)
      tracker.errors.clear()
      const first = warmupCount + measuredCount
      const end = await ceiling(server, tracker, customersList, first)
      await tracker.settle(first, end, 5000)
      const summary = tracker.summary(first, end)
      ceilingResult = {
        postsPerSecond: summary.response.count / ceilingSeconds,
        delivered: summary.delivered,
        delivery: summary.delivery,
        errors: Object.fromEntries(tracker.errors),
      }
    }

    return {
      database: kind,
      sqlitePragmas,
      heartbeatSeconds: Number(args['heartbeat-seconds']),
      label: kind === 'postgres' && postgresBuses.length > 1 ? `${kind} (${bus} bus)` : kind,
      bus,
      customers,
      rate,
      seconds,
      setupSeconds,
      connectSeconds,
      streamsClosedEarly: streams.closedEarly(),
      ...measured,
      timeline,
      duplicates: tracker.duplicates,
      retries: tracker.retries,
      misrouted: tracker.misrouted,
      errors: rateErrors,
      server: serverStats,
      loadGenerator: {
        cores: cpuUse.loadGeneratorCores,
        loopDelayP99: Math.max(0, generatorLoop.percentile(99) / 1e6 - 1),
      },
      machineCores: cpuUse.machineCores,
      postgresCores: cpuUse.postgresCores,
      baseline,
      ceiling: ceilingResult,
      webhook: webhook === null ? null : await webhook.summary(),
    }
  } finally {
    await webhook?.close()
    streams?.close()
    await server.stop()
    rmSync(temporary, { recursive: true, force: true })
  }
}

type Result = Awaited<ReturnType<typeof run>>

/**
 * `--webhook`: a receiver on 127.0.0.1 and one endpoint subscribed to every event, so the write path
 * is measured with the webhook fan-out and deliveries running beside it. Reports how many arrived
 * and how long after the event each did (the delivery lag).
 */
async function subscribeWebhook(server: ServerHandle) {
  const lags: number[] = []
  const ids = new Set<string>()
  let duplicates = 0
  const receiver = createServer((incoming, response) => {
    let body = ''
    incoming.setEncoding('utf8')
    incoming.on('data', (chunk: string) => (body += chunk))
    incoming.on('end', () => {
      const payload = JSON.parse(body) as { id: string; createdAt: string }
      if (ids.has(payload.id)) duplicates += 1
      ids.add(payload.id)
      lags.push(Date.now() - Date.parse(payload.createdAt))
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolvePromise) => receiver.listen(0, '127.0.0.1', resolvePromise))
  const keyResponse = await fetch(new URL('/v1/admin/keys', server.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${server.secret}`,
      [workspaceHeader]: server.workspaceId,
    },
    body: JSON.stringify({ name: 'Bench webhooks', scope: 'admin' }),
  })
  const { secret: adminKey } = (await keyResponse.json()) as { secret: string }
  const address = receiver.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await createWebhooksClient({ baseUrl: server.url.origin, agentKey: adminKey }).createWebhook({
    url: `http://127.0.0.1:${port}/bench`,
  })
  return {
    async summary() {
      // Deliveries run every second behind the posts: give the last ones time to arrive.
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 3_000))
      return { received: ids.size, duplicates, lagMs: distribution(lags) }
    },
    close: () => new Promise<void>((resolvePromise) => receiver.close(() => resolvePromise())),
  }
}

function fail(message: string): never {
  throw new Error(message)
}

function log(line: string) {
  process.stderr.write(`${line}\n`)
}

// ---- Report -------------------------------------------------------------------------------------

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–')
const cores = (value: number | null) => (value === null ? '–' : value.toFixed(2))

/** Busy cores that belong to none of the bench's processes: other work on a shared machine. */
function othersCores(result: Result): number | null {
  if (result.machineCores === null) return null
  return result.machineCores - result.server.cpuCores - result.loadGenerator.cores - (result.postgresCores ?? 0)
}

function limiter(result: Result): string {
  const machine = result.machineCores ?? 0
  const available = cpus().length
  const hints: string[] = []
  if (machine > available * 0.85)
    hints.push(
      `the CPU: ${machine.toFixed(2)} of ${available} cores busy, ${cores(othersCores(result))} of them other tenants`,
    )
  if (result.server.loopDelay.p99 > 20)
    hints.push(`the server's event loop (p99 lag ${ms(result.server.loopDelay.p99)})`)
  if (result.server.cpuCores > 0.9)
    hints.push(`the server process, near one full core (${result.server.cpuCores.toFixed(2)})`)
  if (result.response.p99 > result.delivery.p99 * 0.8 && result.response.p99 > 20)
    hints.push('the write path: posts themselves answer slowly (DB write lock / transaction time)')
  if (result.loadGenerator.loopDelayP99 > 20)
    hints.push(`the load generator's own event loop (p99 lag ${ms(result.loadGenerator.loopDelayP99)})`)
  return hints.length === 0 ? 'nothing obvious' : hints.join('; ')
}

function report(results: Result[]) {
  const rows: [string, (result: Result) => string][] = [
    ['bus', (result) => result.bus],
    ['SSE heartbeat', (result) => `${result.heartbeatSeconds} s`],
    [
      'SQLite pragmas',
      (result) =>
        result.database !== 'sqlite'
          ? '–'
          : result.sqlitePragmas.length === 0
            ? 'defaults'
            : result.sqlitePragmas.join(', '),
    ],
    [
      'customers connected',
      (result) => `${result.customers - result.streamsClosedEarly} (open in ${result.connectSeconds.toFixed(1)} s)`,
    ],
    ['offered rate', (result) => `${result.rate} msg/s for ${result.seconds} s`],
    ['delivered throughput', (result) => `${result.deliveredPerSecond.toFixed(0)} msg/s`],
    ['sent / delivered', (result) => `${result.sent} / ${result.delivered}`],
    ['lost / duplicates / misrouted', (result) => `${result.lost} / ${result.duplicates} / ${result.misrouted}`],
    [
      'errors (retried resets)',
      (result) =>
        `${Object.keys(result.errors).length === 0 ? '0' : JSON.stringify(result.errors)} (${result.retries})`,
    ],
    ['post → delivery p50', (result) => ms(result.delivery.p50)],
    ['post → delivery p95', (result) => ms(result.delivery.p95)],
    ['post → delivery p99', (result) => ms(result.delivery.p99)],
    ['post → delivery max', (result) => ms(result.delivery.max)],
    ['post answered p50 / p99', (result) => `${ms(result.response.p50)} / ${ms(result.response.p99)}`],
    [
      'server event-loop lag p50 / p99 / max',
      (result) =>
        `${ms(result.server.loopDelay.p50)} / ${ms(result.server.loopDelay.p99)} / ${ms(result.server.loopDelay.max)}`,
    ],
    [
      'CPU cores: server / generator / postgres',
      (result) =>
        `${cores(result.server.cpuCores)} / ${cores(result.loadGenerator.cores)} / ${cores(result.postgresCores)}`,
    ],
    [
      'CPU cores: whole machine (other tenants)',
      (result) => `${cores(result.machineCores)} (${cores(othersCores(result))})`,
    ],
    ['server RSS', (result) => `${result.server.rssMegabytes.toFixed(0)} MB`],
    [
      'raw inserts (baseline)',
      (result) => `${result.baseline.insertsPerSecond.toFixed(0)}/s, p50 ${ms(result.baseline.latency.p50)}`,
    ],
    [
      'delivered / raw inserts',
      (result) => `${((100 * result.deliveredPerSecond) / result.baseline.insertsPerSecond).toFixed(1)} %`,
    ],
    [
      'ceiling (closed loop)',
      (result) =>
        result.ceiling
          ? `${result.ceiling.postsPerSecond.toFixed(0)} msg/s, p99 ${ms(result.ceiling.delivery.p99)} (${ceilingConcurrency} advisors)`
          : '–',
    ],
    [
      'ceiling / raw inserts',
      (result) =>
        result.ceiling
          ? `${((100 * result.ceiling.postsPerSecond) / result.baseline.insertsPerSecond).toFixed(1)} %`
          : '–',
    ],
    [
      'webhook deliveries (--webhook)',
      (result) =>
        result.webhook
          ? `${result.webhook.received} received, ${result.webhook.duplicates} twice, lag p50 ${ms(result.webhook.lagMs.p50)} / p99 ${ms(result.webhook.lagMs.p99)}`
          : '–',
    ],
    [
      `goal (${goal.customers} customers, ${goal.rate}/s, p99 < ${goal.p99Ms} ms)`,
      (result) =>
        result.customers >= goal.customers &&
        result.rate >= goal.rate &&
        result.deliveredPerSecond >= goal.rate * 0.98 &&
        result.lost === 0 &&
        result.delivery.p99 < goal.p99Ms
          ? 'met'
          : result.customers < goal.customers || result.rate < goal.rate
            ? 'not tried at goal load'
            : 'NOT met',
    ],
  ]
  const header = ['', ...results.map((result) => result.label)]
  const table = [header, ...rows.map(([label, cell]) => [label, ...results.map(cell)])]
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)))
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' │ ')
  console.log(`\nThreadline realtime bench — ${cpus().length} cores, Node ${process.version}\n`)
  console.log(line(table[0] ?? []))
  console.log(widths.map((width) => '─'.repeat(width)).join('─┼─'))
  for (const row of table.slice(1)) console.log(line(row))
  console.log('\npost → delivery p99 by second of the measured window (ms):')
  for (const result of results)
    console.log(
      `  ${result.label.padEnd(24)} ${result.timeline.map((second) => second.p99.toFixed(0).padStart(5)).join('')}`,
    )
  console.log('')
  for (const result of results) console.log(`${result.label} limited by: ${limiter(result)}`)
  for (const result of results) {
    if (result.server.errors.length > 0)
      console.log(`\n${result.label} server log during the window:\n  ${result.server.errors.join('\n  ')}`)
    const profile = result.server.profile
    if (profile) {
      const percent = (share: number) => `${(100 * share).toFixed(1).padStart(5)} %`
      console.log(`\n${result.label}: server CPU profile of the measured window (${profile.file})`)
      console.log('  self time, by function:')
      for (const entry of profile.functions) console.log(`    ${percent(entry.share)}  ${entry.name}`)
      console.log('  inclusive time, by module:')
      for (const entry of profile.modules) console.log(`    ${percent(entry.share)}  ${entry.name}`)
    }
    if (result.ceiling && Object.keys(result.ceiling.errors).length > 0)
      console.log(`\n${result.label} ceiling errors: ${JSON.stringify(result.ceiling.errors)}`)
  }
}

// ---- Main -----------------------------------------------------------------------------------------

let cluster: PostgresCluster | null = null
const results: Result[] = []
try {
  for (const kind of databases) {
    let source: { createDatabase(): Promise<string> } | null = null
    if (kind === 'postgres') {
      const external = args['postgres-url']
      if (external) {
        source = {
          async createDatabase() {
            const name = `threadline_bench_${process.pid}_${Date.now()}`
            const { db, close } = openDatabase({ kind: 'postgres', url: external })
            try {
              // kysely's CompiledQuery.raw, spelled out: bench/ cannot import kysely itself.
              const statement = `CREATE DATABASE ${name}`
              await db.executeQuery({
                sql: statement,
                parameters: [],
                query: { kind: 'RawNode', sqlFragments: [statement], parameters: [] },
              } as never)
            } finally {
              await close()
            }
            const url = new URL(external)
            url.pathname = `/${name}`
            return url.toString()
          },
        }
      } else {
        log('postgres: starting a throwaway cluster (fsync off: the test helper’s settings)')
        cluster = await startPostgres()
        source = cluster
      }
    }
    for (const bus of kind === 'postgres' ? postgresBuses : (['memory'] as const))
      results.push(await run(kind, source, bus))
  }
  report(results)
  if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`)
} finally {
  postAgent.destroy()
  streamAgent.destroy()
  await cluster?.stop()
}
