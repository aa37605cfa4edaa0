import { sql } from 'kysely'
import type { Hono } from 'hono'
import { migrations } from '../database/migrations.js'
import { errorMessage } from '../errors/error-message.js'
import type { ServerContext } from '../server-context.js'
import type { AppEnv } from './app-env.js'
import { withTimeout } from '../with-timeout.js'

/** What `/readyz` checks; a failing check is named in the answer, its cause only in the operator's log. */
export type ReadinessCheck = 'database' | 'migrations'

/** `/readyz` answers 503 `draining` once this says so: a stopping process takes no new traffic. */
export interface Readiness {
  readonly draining: boolean
  drain(): void
}

export function createReadiness(): Readiness {
  let draining = false
  return {
    get draining() {
      return draining
    },
    drain() {
      draining = true
    },
  }
}

/** A probe that gets no answer within this is failed: load balancers time out after a few seconds. */
const checkTimeoutMs = 2000

const noStore = { 'Cache-Control': 'no-store' }

/**
 * `/healthz` (the process answers) and `/readyz` (it can serve: the database answers and its applied
 * migrations are exactly this release's). Outside `/v1/`: no CORS, no auth; the bodies name checks only.
 */
export function mountHealthRoutes(
  app: Hono<AppEnv>,
  { context, readiness }: { context: ServerContext; readiness: Readiness },
): void {
  const expected = Object.keys(migrations).sort()
  const checks: Record<ReadinessCheck, () => Promise<boolean>> = {
    database: async () => {
      await sql`select 1`.execute(context.database.db)
      return true
    },
    migrations: async () => {
      const rows = await context.database.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute()
      const applied = (rows as Array<{ name: string }>).map((row) => row.name).sort()
      // More applied than known is a newer release's schema: this process may not understand it.
      return applied.length === expected.length && applied.every((name, index) => name === expected[index])
    },
  }
  let lastFailed = ''

  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, noStore))

  app.get('/readyz', async (c) => {
    if (readiness.draining) return c.json({ status: 'draining' }, 503, noStore)
    const results = await Promise.all(
      (Object.keys(checks) as ReadinessCheck[]).map(async (name) => {
        try {
          return [name, await withTimeout(checks[name](), checkTimeoutMs)] as const
        } catch (error) {
          context.log(`Readiness check ${name} failed: ${errorMessage(error)}`)
          return [name, false] as const
        }
      }),
    )
    const failed = results.filter(([, ok]) => !ok).map(([name]) => name)
    // One line per change, not per probe: a balancer asks every few seconds.
    if (failed.join() !== lastFailed) {
      lastFailed = failed.join()
      context.log(failed.length === 0 ? 'Ready' : `Not ready: ${failed.join(', ')}`)
    }
    const body = {
      status: failed.length === 0 ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failed'])),
    }
    return c.json(body, failed.length === 0 ? 200 : 503, noStore)
  })
}
