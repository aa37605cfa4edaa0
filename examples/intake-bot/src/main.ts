/**
 * `pnpm start:bot`: the intake bot beside the running demo (`pnpm start`). It reads the demo
 * workspace's credentials from `.threadline/demo.json`, makes itself a `bot` key (kept in
 * `.threadline/intake-bot.json`, DEVELOPMENT ONLY, like the demo's own file), names that key as the
 * workspace's bot, and answers new conversations until Ctrl+C.
 *
 * THREADLINE_URL (default http://localhost:4400) is the chat server.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createAdminClient, createAgentClient, createAutomationClient } from '@threadline/api'
import { startIntakeBot } from './intake-bot.js'

const repoRoot = resolve(import.meta.dirname, '../../..')
const dataDir = resolve(repoRoot, '.threadline')
const baseUrl = process.env['THREADLINE_URL'] ?? 'http://localhost:4400'
const print = (line: string) => process.stdout.write(`${line}\n`)

interface BotCredentials {
  botKeyId: string
  botKey: string
  /** An `admin`-scope key, to name the bot in the workspace's settings. */
  adminKey: string
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return null
  }
}

async function keyWorks(agentKey: string): Promise<boolean> {
  try {
    await createAgentClient({ baseUrl, agentKey }).me()
    return true
  } catch {
    return false
  }
}

async function ensureBotCredentials(): Promise<BotCredentials> {
  const demo = readJson<{ workspaceId: string; secret: string }>(resolve(dataDir, 'demo.json'))
  if (!demo) throw new Error('No demo workspace yet: run `pnpm start` first, then `pnpm start:bot` beside it.')
  const file = resolve(dataDir, 'intake-bot.json')
  const saved = readJson<BotCredentials>(file)
  if (saved && (await keyWorks(saved.botKey)) && (await keyWorks(saved.adminKey))) return saved
  const admin = createAdminClient({ baseUrl, workspaceId: demo.workspaceId, secret: demo.secret })
  const bot = await admin.createKey({ name: 'Style assistant', scope: 'bot' })
  const settings = await admin.createKey({ name: 'Intake bot setup', scope: 'admin' })
  const credentials = { botKeyId: bot.key.id, botKey: bot.secret, adminKey: settings.secret }
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 })
  return credentials
}

async function main() {
  const { botKeyId, botKey, adminKey } = await ensureBotCredentials()
  const automation = createAutomationClient({ baseUrl, agentKey: adminKey })
  const { settings } = await automation.getAutomation()
  await automation.setAutomation({ ...settings, botKeyId })
  const bot = startIntakeBot({ baseUrl, botKey, botKeyId, log: (line) => print(`intake bot: ${line}`) })
  print(`The intake bot answers new conversations on ${baseUrl} (Ctrl+C stops it; the advisors then answer them).`)
  const stop = () => {
    bot.close()
    // Hand new sessions back to the advisors rather than leave them to the deadlines.
    void automation
      .setAutomation({ ...settings, botKeyId: null })
      .catch(() => undefined)
      .then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
