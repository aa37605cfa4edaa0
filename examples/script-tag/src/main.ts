/**
 * `pnpm start`: the Threadline demo. Builds the script-tag loader, the chat frame and the agent
 * console when their sources changed, then runs the chat server and the demo shop on two origins
 * and prints where to chat as a customer and where to answer as an advisor.
 *
 * PORT (default 4400) is the chat server, SITE_PORT (default 4401) the shop. `--exit` starts,
 * prints and stops (CI smoke test); `--rebuild` builds even when the outputs look fresh.
 */
import { resolve } from 'node:path'
import { buildIfStale } from './build-if-stale.js'
import type { BuildTarget } from './build-if-stale.js'
import { PortInUseError, startDemo } from './demo.js'

const repoRoot = resolve(import.meta.dirname, '../../..')
const print = (line = '') => process.stdout.write(`${line}\n`)
const fail = (line: string): never => {
  process.stderr.write(`${line}\n`)
  process.exit(1)
}

const inRepo = (...paths: string[]) => paths.map((path) => resolve(repoRoot, path))
const targets: BuildTarget[] = [
  {
    packageName: '@threadline/loader',
    outputs: inRepo('packages/loader/dist/widget/loader.js', 'packages/loader/dist/widget/frame.html'),
    inputs: inRepo(
      'packages/loader/src',
      'packages/loader/frame.html',
      'packages/loader/vite.loader.config.ts',
      'packages/loader/vite.frame.config.ts',
      'packages/loader/package.json',
      // The frame bundles these.
      'packages/react/src',
      'packages/core/src',
      'packages/protocol/src',
    ),
  },
  {
    packageName: '@threadline/console',
    outputs: inRepo('packages/console/dist/index.html'),
    inputs: inRepo(
      'packages/console/src',
      'packages/console/index.html',
      'packages/console/vite.config.ts',
      'packages/console/package.json',
      'packages/react/src',
      'packages/protocol/src',
    ),
  },
]

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`${name} must be a port number (0–65535), got "${raw}"`)
  return port
}

async function buildAll(force: boolean) {
  for (const target of targets) {
    const outcome = await buildIfStale(target, { cwd: repoRoot, force })
    if (outcome.status === 'fresh') print(`${target.packageName}: up to date`)
    if (outcome.status === 'built')
      print(`${target.packageName}: built in ${(outcome.milliseconds / 1000).toFixed(1)} s`)
    if (outcome.status === 'failed-using-previous')
      print(`${target.packageName}: the build failed (exit ${outcome.exitCode}); using the previous build`)
    if (outcome.status === 'failed')
      fail(
        `${target.packageName}: the build failed (exit ${outcome.exitCode}) and there is no previous build; see the output above.`,
      )
  }
}

async function main() {
  const port = portFromEnv('PORT', 4400)
  const sitePort = portFromEnv('SITE_PORT', 4401)
  await buildAll(process.argv.includes('--rebuild'))

  let demo
  try {
    demo = await startDemo({ port, sitePort })
  } catch (error) {
    if (error instanceof PortInUseError) {
      fail(
        `Port ${error.port} is in use (the ${error.which} server). Free it or pick another: ${error.which === 'chat' ? 'PORT' : 'SITE_PORT'}=${error.port + 10} pnpm start`,
      )
    }
    throw error
  }

  print(`
Threadline demo${process.argv.includes('--exit') ? '' : ' (Ctrl+C stops it)'}

  Chat as a customer    ${demo.siteUrl}/
  Codes (dev mailbox)   ${demo.mailboxUrl}
  Answer as an advisor  ${demo.consoleSignInUrl}
                        (signs in ${demo.advisorEmail}: press "Email me a code", the code is in the dev mailbox)

How to: open the shop, click the chat bubble, enter any email, read the code in the mailbox, then
answer in the console. Also on the shop: /signin (a logged-in customer, no code) and /strict (a
strict-CSP page). Chat server ${demo.chatUrl}, workspace ${demo.workspaceId}; data in .threadline/.`)

  if (process.argv.includes('--exit')) {
    await demo.close()
    return
  }
  const stop = () => {
    print('\nStopping…')
    void demo.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error))
})
