// Tools for testing against a real Threadline server: `@threadline/server/testing`.
export { startPostgres, findPostgresBinaries, postgresUnavailableReason } from './postgres.js'
export type { PostgresCluster } from './postgres.js'
export { createConsoleBrowser, takeConsoleCode } from './console-browser.js'
export type { ConsoleBrowser, OutboxMail } from './console-browser.js'
export { startServerProcess } from './server-process.js'
export type { ServerProcess, ServerProcessOptions } from './server-process.js'
