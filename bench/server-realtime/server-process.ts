/**
 * The server under test, in its own process so the load generator never shares its event loop.
 * Started by bench/server-realtime.ts with `fork`; speaks to it over IPC:
 *
 *   argv[2]  JSON `ServerProcessOptions`
 *   →        `{ type: 'ready', url, workspaceId, secret, agentKey }` once it listens
 *   ← `{ type: 'measure' }` starts a measuring window (event-loop delay, CPU)
 *   → `{ type: 'measured', … }` on `{ type: 'report' }`, closing the window
 *   ← `{ type: 'stop' }` closes the server and exits
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { RealtimeBus } from '../../packages/server/src/index.ts'
import { startServer } from '../../packages/server/src/index.ts'
import { createPostgresBus } from '../../packages/server/src/realtime/postgres-bus.ts'
import { summarizeProfile } from './profile-summary.ts'
import type { CpuProfile, ProfileSummary } from './profile-summary.ts'

export interface ServerProcessOptions {
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }
  bus: 'memory' | 'postgres'
  /** The server's SSE heartbeat (each one checks the session and touches presence in the database). */
  heartbeatMs: number
  /** Pragmas run on the server's SQLite connection after start, e.g. `synchronous = NORMAL`, to see what a setting costs. */
  sqlitePragmas?: string[]
  /** A directory: profile the measuring window and write `server-<database>-<bus>-bus.cpuprofile` there. */
  cpuProfileDirectory?: string
  /** Hosts webhooks may reach although local: the bench's own receiver on 127.0.0.1 (`--webhook`). */
  webhookAllowedHosts?: string[]
  /** False: webhooks run in the server's own event loop rather than their thread (`--webhook-thread off`). */
  webhookThread?: boolean
}

export type ServerProcessMessage =
  | { type: 'ready'; url: string; workspaceId: string; secret: string; agentKey: string }
  | {
      type: 'measured'
      /** Event-loop lag over the window (how late a 1 ms timer fired), ms. */
      loopDelay: { p50: number; p99: number; max: number }
      /** CPU time over the window, as a share of one core (1 = one core busy). */
      cpuCores: number
      rssMegabytes: number
      /** Operational log lines (errors) seen during the window. */
      errors: string[]
      profile: (ProfileSummary & { file: string }) | null
    }
  | { type: 'failed'; message: string }

export type ServerProcessCommand = { type: 'measure' } | { type: 'report' } | { type: 'stop' }

const send = (message: ServerProcessMessage) => process.send?.(message)

async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerProcessOptions
  const errors: string[] = []
  const bus: RealtimeBus | undefined =
    options.bus === 'postgres' && options.database.kind === 'postgres'
      ? await createPostgresBus({ connectionString: options.database.url, log: (line) => errors.push(line) })
      : undefined
  const server = await startServer({
    port: 0,
    mode: 'development',
    database: options.database,
    heartbeatMs: options.heartbeatMs,
    webhookAllowedHosts: options.webhookAllowedHosts ?? [],
    ...(options.webhookThread === undefined ? {} : { webhookThread: options.webhookThread }),
    ...(bus ? { bus } : {}),
    // Dev mails and routine lines are noise here; anything else is worth reporting.
    log: (line) => {
      if (!line.startsWith('── dev mail')) errors.push(line.slice(0, 300))
    },
  })
  for (const pragma of options.sqlitePragmas ?? []) {
    if (!/^\w+\s*=\s*\w+$/.test(pragma)) throw new Error(`Not a pragma assignment: ${pragma}`)
    const statement = `PRAGMA ${pragma}`
    // kysely's CompiledQuery.raw, spelled out: bench/ cannot import kysely itself.
    await server.context.database.db.executeQuery({
      sql: statement,
      parameters: [],
      query: { kind: 'RawNode', sqlFragments: [statement], parameters: [] },
    } as never)
  }
  const workspace = await server.createWorkspace({ name: 'Bench', origins: ['https://bench.example'] })

  // The histogram records each timer interval whole, so the lag is the value minus the resolution.
  const resolutionMs = 1
  const loop = monitorEventLoopDelay({ resolution: resolutionMs })
  const lagMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - resolutionMs)
  let cpuStart = process.cpuUsage()
  let wallStart = performance.now()

  const profiler = options.cpuProfileDirectory === undefined ? null : new Session()
  profiler?.connect()
  await profiler?.post('Profiler.enable')

  process.on('message', (command: ServerProcessCommand) => {
    if (command.type === 'measure') {
      void profiler?.post('Profiler.start')
      loop.reset()
      loop.enable()
      cpuStart = process.cpuUsage()
      wallStart = performance.now()
      errors.length = 0
    } else if (command.type === 'report') {
      void report()
    } else {
      void (async () => {
        await server.close()
        await bus?.close()
        process.exit(0)
      })()
    }
  })
  send({ type: 'ready', url: server.url, ...workspace })

  async function report() {
    loop.disable()
    const cpu = process.cpuUsage(cpuStart)
    const wallMs = performance.now() - wallStart
    let profile: (ProfileSummary & { file: string }) | null = null
    if (profiler && options.cpuProfileDirectory !== undefined) {
      const { profile: recorded } = (await profiler.post('Profiler.stop')) as { profile: CpuProfile }
      const file = join(options.cpuProfileDirectory, `server-${options.database.kind}-${options.bus}-bus.cpuprofile`)
      writeFileSync(file, JSON.stringify(recorded))
      profile = { file, ...summarizeProfile(recorded) }
    }
    send({
      type: 'measured',
      loopDelay: { p50: lagMs(loop.percentile(50)), p99: lagMs(loop.percentile(99)), max: lagMs(loop.max) },
      cpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
      rssMegabytes: process.memoryUsage().rss / 2 ** 20,
      errors: errors.splice(0, 20),
      profile,
    })
  }
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
})
