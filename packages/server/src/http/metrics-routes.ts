import { Hono } from 'hono'
import type { Registry } from 'prom-client'
import { digestsEqual, sha256 } from '../crypto/keyed-hash.js'
import type { AppEnv } from './app-env.js'
import { optionalBearerToken } from './bearer-token.js'

/**
 * How `/metrics` is reached (docs/operations.md). Off unless one is set: with `port`, only on a
 * listener of its own at `host` (never on the public port); with `token`, `Authorization: Bearer
 * <token>` is required wherever it is served.
 */
export interface MetricsAccess {
  token: string | null
  port: number | null
  /** Where the metrics listener binds; default `127.0.0.1` (reachable by a scraper on the same host or pod only). */
  host: string
}

const noStore = { 'Cache-Control': 'no-store' }

/** The Prometheus text exposition of `registry`, refused with 401 unless the bearer token matches (when one is set). */
export function mountMetricsRoute(
  app: Hono<AppEnv>,
  { registry, token }: { registry: Registry; token: string | null },
): void {
  app.get('/metrics', async (c) => {
    if (token !== null && !tokenMatches(optionalBearerToken(c), token))
      return c.text('Send the metrics token in an Authorization: Bearer header\n', 401, {
        ...noStore,
        'WWW-Authenticate': 'Bearer',
      })
    return c.body(await registry.metrics(), 200, { ...noStore, 'Content-Type': registry.contentType })
  })
}

/** The app of the separate metrics listener: `/metrics` and nothing else. */
export function createMetricsApp(options: { registry: Registry; token: string | null }): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  mountMetricsRoute(app, options)
  app.notFound((c) => c.text('Not found\n', 404, noStore))
  return app
}

/** Digests of equal length compared in constant time, so the answer's timing says nothing of the token (A7's rule). */
function tokenMatches(given: string | null, token: string): boolean {
  return given !== null && digestsEqual(sha256(given), sha256(token))
}
