/**
 * `GET /v1/agent/analytics` over a large workspace: 100,000 conversations and about 1,000,000
 * timeline events spread over the last `--days`, on SQLite and on Postgres. Reported per database:
 * the time to the first answer (the server folds the whole timeline into the projection once, in the
 * background, as after an upgrade or an import, and answers 503 until it is done), then the median and worst of `--runs` warm queries for the 24-hour and the 30-day window,
 * and a query right after a burst of new conversations through the API (the incremental fold).
 *
 *   pnpm bench:analytics [--conversations 100000] [--days 90] [--runs 7] [--db sqlite|postgres|both]
 *     [--templates 24] [--burst 50] [--json out.json]
 *
 * How the data is made: `--templates` conversations are played through the real visitor and agent
 * APIs under a manual clock (customer messages, replies by three advisors, takes, overtakes, notes,
 * finishes, reopens, some left unanswered), so every event row is one the server wrote. Their
 * customers, conversations and events are then copied to `--conversations` conversations, each
 * moved to a random start in the window, with fresh ids and cursors, in batches of 500 rows.
 *
 * A measurement, not a test: nothing here fails on a slow result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Kysely } from 'kysely'
import type { DatabaseOptions } from '../packages/server/src/index.ts'
import { startPostgres } from '../packages/server/src/testing/postgres.ts'
import { startRecordsServer } from '../packages/server/src/testing/records-server.test-helpers.ts'
import type { RecordsServer } from '../packages/server/src/testing/records-server.test-helpers.ts'

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '7' },
    db: { type: 'string', default: 'both' },
    templates: { type: 'string', default: '24' },
    burst: { type: 'string', default: '50' },
    json: { type: 'string' },
  },
})
const conversationCount = Number(args.conversations)
const days = Number(args.days)
const runs = Number(args.runs)
const templateCount = Number(args.templates)
const burst = Number(args.burst)
const databases = args.db === 'both' ? ['sqlite', 'postgres'] : [args.db]

const minuteMs = 60_000
const dayMs = 24 * 60 * minuteMs
/** Rows per insert statement: 500 events × 12 columns stays under either database's parameter limit. */
const rowsPerInsert = 500

type Row = Record<string, unknown>

interface Figures {
  database: string
  conversations: number
  events: number
  loadSeconds: number
  coldMs: number
  warm24hMs: { median: number; max: number }
  warm30dMs: { median: number; max: number }
  afterBurstMs: number
  burstEvents: number
}

/** A deterministic random source, so two runs build the same data. */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await run()
  return { ms: performance.now() - started, value }
}

/**
 * Plays one conversation through the real APIs: the shapes the clock rules care about, chosen by
 * `variant`, with minutes to hours between steps on the manual clock.
 */
async function playTemplate(
  records: RecordsServer,
  advance: (ms: number) => void,
  random: () => number,
  variant: number,
  advisorKeys: string[],
): Promise<string> {
  const { token } = await records.customer({ email: `template-${variant}@customer.example` })
  const pause = (maxMinutes: number) => advance(Math.round((0.2 + random() * maxMinutes) * minuteMs))
  const advisor = (index: number) => advisorKeys[index % advisorKeys.length] ?? records.workspace.agentKey
  const agent = (path: string, body: unknown, key: string) => records.agent('POST', path, body, key)
  const conversationId = await records.say(token, `Where is my order ${variant}?`)
  const path = `/v1/agent/conversations/${conversationId}`
  if (variant % 8 === 7) return conversationId // left unanswered: live figures
  pause(20)
  await agent(`${path}/messages`, { text: 'Let me check.' }, advisor(variant))
  pause(5)
  await records.say(token, 'Thanks, it was due on Monday.')
  pause(10)
  if (variant % 4 === 1) await agent(`${path}/notes`, { text: 'Carrier delay, see ticket.' }, advisor(variant))
  await agent(`${path}/messages`, { text: 'It ships today.' }, advisor(variant))
  await agent(`${path}/labels`, { add: [variant % 2 === 0 ? 'shipping' : 'billing'] }, advisor(variant))
  if (variant % 2 === 0) await agent(`${path}/labels`, { add: ['vip'] }, advisor(variant + 1))
  pause(8)
  await records.say(token, 'Can you send it to my office instead?')
  pause(6)
  await agent(`${path}/messages`, { text: 'Done, the address is changed.' }, advisor(variant))
  if (variant % 3 === 2) {
    pause(15)
    await agent(`${path}/take`, { overtake: true }, advisor(variant + 1))
    await agent(`${path}/messages`, { text: 'I took over, here is the tracking link.' }, advisor(variant + 1))
  }
  if (variant % 8 === 6) return conversationId // active, not finished
  pause(30)
  await agent(`${path}/finish`, {}, advisor(variant))
  if (variant % 4 === 0) {
    pause(600)
    await records.say(token, 'It has still not arrived.')
    pause(25)
    await agent(`${path}/messages`, { text: 'Sorry, a new one is on its way.' }, advisor(variant + 2))
    pause(10)
    await agent(`${path}/finish`, {}, advisor(variant + 2))
  }
  return conversationId
}

async function insertRows(db: Kysely<Record<string, Row>>, table: string, rows: Row[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerInsert)
    await db
      .insertInto(table)
      .values(rows.slice(start, start + rowsPerInsert) as never)
      .execute()
}

/** Copies the templates' customers, conversations and timeline to `conversationCount` conversations spread over the window. */
async function copyTemplates(
  records: RecordsServer,
  templateIds: string[],
  windowStart: number,
  windowEnd: number,
  random: () => number,
): Promise<void> {
  const db = records.server.context.database.db as unknown as Kysely<Record<string, Row>>
  const workspaceId = records.workspace.workspaceId
  const templates = await Promise.all(
    templateIds.map(async (id) => {
      const conversation = await db
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      const customer = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', conversation['customer_id'] as string)
        .executeTakeFirstOrThrow()
      const events = await db
        .selectFrom('conversation_events')
        .selectAll()
        .where('conversation_id', '=', id)
        .orderBy('position')
        .execute()
      return { conversation, customer, events, start: Number(events[0]?.['created_at']) }
    }),
  )
  const finishedTemplates = templates.filter((template) => template.conversation['status'] === 'finished')
  const cursorRow = await db
    .selectFrom('timeline_cursors')
    .select('last_cursor')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow()
  let cursor = Number(cursorRow['last_cursor'])
  const batch = 2_000
  for (let first = 0; first < conversationCount; first += batch) {
    const customers: Row[] = []
    const conversations: Row[] = []
    const eventRows: Row[] = []
    for (let index = first; index < Math.min(first + batch, conversationCount); index++) {
      // Each copy starts at a random moment and ends before the window's end. Conversations still
      // open are recent, as in a team that works its queue: one older than two days is a finished one.
      const at = windowStart + Math.floor(random() * (windowEnd - windowStart))
      const candidates = windowEnd - at > 2 * dayMs ? finishedTemplates : templates
      const template = candidates[index % candidates.length]
      if (!template) throw new Error('no template')
      const last = Number(template.events.at(-1)?.['created_at'])
      const span = last - template.start
      const start = Math.min(at, windowEnd - span - minuteMs)
      const shift = start - template.start
      const customerId = `bench-u${index}`
      const conversationId = `bench-c${index}`
      customers.push({ ...template.customer, id: customerId, created_at: start })
      conversations.push({
        ...template.conversation,
        id: conversationId,
        customer_id: customerId,
        created_at: start,
        updated_at: last + shift,
      })
      for (const event of template.events)
        eventRows.push({
          ...event,
          id: `bench-e${index}-${String(event['position'])}`,
          conversation_id: conversationId,
          cursor: ++cursor,
          created_at: Number(event['created_at']) + shift,
        })
    }
    await db.transaction().execute(async (transaction) => {
      const tx = transaction as unknown as Kysely<Record<string, Row>>
      await insertRows(tx, 'customers', customers)
      await insertRows(tx, 'conversations', conversations)
      await insertRows(tx, 'conversation_events', eventRows)
      await tx
        .updateTable('timeline_cursors')
        .set({ last_cursor: cursor })
        .where('workspace_id', '=', workspaceId)
        .execute()
    })
  }
}

class AnalyticsRefusal extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`analytics answered ${status}: ${body}`)
  }
}

/**
 * The first query after the copy: the projection is far behind, so the server folds in the
 * background and answers 503 until it is done. Asks again every `pollMs` (not waiting the whole
 * `Retry-After`, to time the fold closely) and answers how many 503s it got.
 */
async function firstAnswer(query: () => Promise<unknown>): Promise<number> {
  const pollMs = 250
  for (let refusals = 0; ; refusals++) {
    try {
      await query()
      return refusals
    } catch (error) {
      if (!(error instanceof AnalyticsRefusal) || error.status !== 503) throw error
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
  }
}

/**
 * One `GET /v1/agent/analytics` on a connection of its own: the copy can take longer than the
 * server keeps an idle keep-alive connection, and reusing one it just closed fails with ECONNRESET.
 */
function analyticsOver(
  records: RecordsServer,
  window: '24h' | '30d',
): Promise<{ counts: { created: { count: number } } }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/v1/agent/analytics?window=${window}`, records.server.url)
    const call = get(
      url,
      { agent: false, headers: { authorization: `Bearer ${records.workspace.agentKey}` } },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(JSON.parse(body) as { counts: { created: { count: number } } })
            : reject(new AnalyticsRefusal(response.statusCode ?? 0, body)),
        )
      },
    )
    call.once('error', reject)
  })
}

async function measure(database: string): Promise<Figures> {
  let cleanup: () => Promise<void>
  let options: DatabaseOptions
  if (database === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-analytics-bench-'))
    options = { kind: 'sqlite', file: join(dir, 'threadline.db') }
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  } else if (database === 'postgres') {
    const cluster = await startPostgres()
    options = { kind: 'postgres', url: await cluster.createDatabase() }
    cleanup = () => cluster.stop()
  } else throw new Error(`--db is sqlite, postgres or both, not ${database}`)

  const windowEnd = Date.UTC(2026, 11, 1, 12, 0)
  const windowStart = windowEnd - days * dayMs
  let time = windowStart - dayMs
  const records = await startRecordsServer({ database: options, smtpUrl: 'smtp://127.0.0.1:9', now: () => time })
  try {
    const random = seededRandom(42)
    const advisorKeys = await Promise.all(
      ['Ana', 'Olga', 'Sam'].map(async (name) => {
        const { agentKey } = await records.server.createAgent({ workspaceId: records.workspace.workspaceId, name })
        return agentKey
      }),
    )
    const advance = (ms: number) => {
      time += ms
    }
    const templateIds: string[] = []
    for (let variant = 0; variant < templateCount; variant++)
      templateIds.push(await playTemplate(records, advance, random, variant, advisorKeys))

    const load = await timed(() => copyTemplates(records, templateIds, windowStart, windowEnd, random))
    const eventCount = await records.server.context.database.db
      .selectFrom('conversation_events')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
    const events = Number(eventCount.count)
    time = windowEnd
    const query = (window: '24h' | '30d') => analyticsOver(records, window)
    const cold = await timed(() => firstAnswer(() => query('24h')))
    const warm24h: number[] = []
    const warm30d: number[] = []
    let created30d = 0
    for (let run = 0; run < runs; run++) {
      warm24h.push((await timed(() => query('24h'))).ms)
      const thirty = await timed(() => query('30d'))
      warm30d.push(thirty.ms)
      created30d = thirty.value.counts.created.count
    }
    const before = await records.server.context.database.db
      .selectFrom('timeline_cursors')
      .select('last_cursor')
      .where('workspace_id', '=', records.workspace.workspaceId)
      .executeTakeFirstOrThrow()
    for (let variant = 0; variant < burst; variant++)
      await playTemplate(records, () => undefined, random, templateCount + variant, advisorKeys)
    const after = await records.server.context.database.db
      .selectFrom('timeline_cursors')
      .select('last_cursor')
      .where('workspace_id', '=', records.workspace.workspaceId)
      .executeTakeFirstOrThrow()
    const afterBurst = await timed(() => query('24h'))
    const figures: Figures = {
      database,
      conversations: conversationCount + templateCount,
      events,
      loadSeconds: Math.round(load.ms / 100) / 10,
      coldMs: Math.round(cold.ms),
      warm24hMs: { median: Math.round(median(warm24h)), max: Math.round(Math.max(...warm24h)) },
      warm30dMs: { median: Math.round(median(warm30d)), max: Math.round(Math.max(...warm30d)) },
      afterBurstMs: Math.round(afterBurst.ms),
      burstEvents: Number(after.last_cursor) - Number(before.last_cursor),
    }
    console.log(
      `${database}: ${figures.conversations.toLocaleString('en')} conversations, ${events.toLocaleString('en')} events (loaded in ${figures.loadSeconds} s); ` +
        `first answer (503 × ${cold.value} while the background fold ran) ${figures.coldMs} ms; 24h median ${figures.warm24hMs.median} ms (max ${figures.warm24hMs.max}); ` +
        `30d median ${figures.warm30dMs.median} ms (max ${figures.warm30dMs.max}, ${created30d.toLocaleString('en')} conversations created in it); ` +
        `24h after ${burst} new conversations (${figures.burstEvents} events) ${figures.afterBurstMs} ms`,
    )
    return figures
  } finally {
    await records.close()
    await cleanup()
  }
}

const results: Figures[] = []
for (const database of databases) if (database) results.push(await measure(database))
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2))
