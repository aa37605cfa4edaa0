import type pg from 'pg'

/**
 * L4: gives every connection a pool opens an `error` listener for its whole life. pg-pool listens
 * only while a client is idle; a client checked out (kysely holds one per query and transaction)
 * whose socket dies with the database emits `error` with nobody listening, which ends the process.
 * The query in flight is rejected on its own (and answered 503); the pool drops the client on release.
 */
export function listenForConnectionErrors(pool: pg.Pool, log: (line: string) => void, what: string): void {
  pool.on('error', (error) => {
    log(`${what}: an idle connection failed (the pool opens a new one when needed): ${error.message}`)
  })
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      log(`${what}: a connection in use failed: ${error.message}`)
    })
  })
}
