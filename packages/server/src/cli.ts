import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { exitOnSignals } from './exit-on-signals.js'
import { runCli } from './run-cli.js'

/** The `threadline` executable: runs the command, and for `start` keeps serving until SIGINT/SIGTERM, then drains and exits within 10 s. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const result = await runCli(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  })
  const server = result.server
  if (!server) {
    process.exitCode = result.exitCode
    return
  }
  exitOnSignals(server, { log: (line) => server.context.log(line, 'info') })
}

// Run when executed directly (`tsx src/cli.ts`); the published bin imports `main` instead.
const entry = process.argv[1]
if (entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url)) await main()
