import { analyticsDatabase, catchUpAnalytics } from '../analytics/projection.js'
import { errorMessage } from '../errors/error-message.js'
import type { ServerContext } from '../server-context.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { isOpenAt } from './schedule.js'

const dayMs = 24 * 60 * 60_000
/** The promise looks at the last week of first responses... */
const lookBackMs = 7 * dayMs
/** ...and is made only with this many behind it. */
export const replyPromiseMinimumSamples = 5
/** Every page load asks for it; the figure moves slowly, so it is computed at most this often per workspace. */
const cacheMs = 10 * 60_000

interface Cached {
  key: string
  until: number
  value: Promise<number | null>
}

const caches = new WeakMap<ServerContext, Map<string, Cached>>()

/**
 * The median first response over the last 7 days, counting only waits that began within the
 * schedule's hours (all waits when there is no schedule): what a customer writing now can expect.
 * Null with fewer than 5 such responses. Read from the analytics projection (docs/analytics.md), so
 * it follows the same clock rule as the team's own figures.
 */
export function replyTimePromise(context: ServerContext, workspace: Workspace): Promise<number | null> {
  let cache = caches.get(context)
  if (!cache) caches.set(context, (cache = new Map<string, Cached>()))
  const now = context.now()
  const key = JSON.stringify(workspace.chat.schedule)
  const cached = cache.get(workspace.id)
  if (cached && cached.key === key && now < cached.until && now >= cached.until - cacheMs) return cached.value
  const value = computePromise(context, workspace, now).catch((error: unknown) => {
    context.log(`The reply-time promise could not be computed: ${errorMessage(error)}`)
    return null
  })
  cache.set(workspace.id, { key, until: now + cacheMs, value })
  return value
}

async function computePromise(context: ServerContext, workspace: Workspace, now: number): Promise<number | null> {
  await catchUpAnalytics(context, workspace.id)
  const rows = await analyticsDatabase(context)
    .selectFrom('analytics_facts')
    .select(['at', 'value_ms'])
    .where('workspace_id', '=', workspace.id)
    .where('metric', '=', 'first_response')
    .where('at', '>=', now - lookBackMs)
    .where('at', '<', now)
    .execute()
  const schedule = workspace.chat.schedule
  const samples = rows
    .map((row) => ({ at: Number(row.at), value: Number(row.value_ms) }))
    .filter(({ at, value }) => !schedule || isOpenAt(schedule, at - value))
    .map(({ value }) => value)
    .sort((a, b) => a - b)
  if (samples.length < replyPromiseMinimumSamples) return null
  // Nearest rank, as the analytics' p50: the smallest sample with half the samples at or below it.
  return samples[Math.ceil(samples.length / 2) - 1] ?? null
}
