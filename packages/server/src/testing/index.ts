// Tools for testing against a real Threadline server: `@threadline/server/testing`.
export { startPostgres, findPostgresBinaries, postgresUnavailableReason } from './postgres.js'
export type { PostgresCluster } from './postgres.js'
export { createConsoleBrowser } from './console-browser.js'
export type { ConsoleBrowser } from './console-browser.js'
