import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { createClamdScanner } from './attachments/clamd-scanner.js'
import { configFlagNames, configVariables, loadConfig } from './config/config.js'
import { devClock } from './config/dev-clock.js'
import type { ConfigFlags, ServerConfig } from './config/config.js'
import { resolveServerSecret } from './config/server-secret.js'
import { openThreadline, startServer } from './server.js'
import type { RunningServer, ThreadlineOptions } from './server.js'
import { findWorkspace, normalizeOrigin } from './workspaces/workspaces.js'
import { advisorRoles } from '@threadline/protocol'
import type { AdvisorRole } from '@threadline/protocol'
import { consoleLink } from './advisors/advisor-emails.js'
import { inviteAdvisor } from './advisors/invitations.js'
import { errorMessage } from './errors/error-message.js'
import { backupCommand } from './database/backup-command.js'
import { createLogger, lineDestination, logLines } from './observability/logger.js'

export interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  stdout: (line: string) => void
  stderr: (line: string) => void
}

export interface CliResult {
  exitCode: number
  /** For `start`: the running server, to close on a signal. */
  server?: RunningServer
}

const usage = `Usage: threadline <command> [options]

Commands:
  start                          Serve the API (migrates the database first)
  migrate                        Bring the database schema up to date
  workspace create --name <name> [--origin https://…]… [--owner-email <email>] [--owner-name <name>] [--json]
                                 Create a workspace and its owner; prints its id, secret and an agent API key
  advisor invite --workspace <id> --email <email> --name <name> [--role owner|admin|advisor]
                                 Add an advisor and mail them the console link (<public URL>/console/)
  backup --to <file> [--force]   Copy the SQLite database while the server runs (Postgres: use pg_dump)
  help                           Show this text

Options (each overrides the environment variable beside it):
${configVariables.map((variable) => `  ${variable.flag.padEnd(30)} ${variable.env} (${variable.expect})`).join('\n')}`

const configOptions = Object.fromEntries(
  configFlagNames.map((name) => [name, { type: 'string' }]),
) as ParseArgsConfig['options']

/** The `threadline` command. Returns instead of exiting, so tests can run it in-process. */
export async function runCli(argv: string[], io: CliIo): Promise<CliResult> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(usage)
      return { exitCode: command === undefined ? 2 : 0 }
    }
    if (command === 'start') return await start(rest, io)
    if (command === 'migrate') return await migrate(rest, io)
    if (command === 'workspace' && rest[0] === 'create') return await createWorkspaceCommand(rest.slice(1), io)
    if (command === 'advisor' && rest[0] === 'invite') return await inviteAdvisorCommand(rest.slice(1), io)
    if (command === 'backup') {
      const { values } = parse(rest, { to: { type: 'string' }, force: { type: 'boolean' } })
      const config = configFrom(values, io, { requireMailer: false })
      return config ? await backupCommand(config, values, io) : { exitCode: 2 }
    }
    io.stderr(`Unknown command: ${[command, ...rest.slice(0, 1)].join(' ')}\n\n${usage}`)
    return { exitCode: 2 }
  } catch (error) {
    io.stderr(errorMessage(error))
    return { exitCode: 1 }
  }
}

function parse(args: string[], options: ParseArgsConfig['options'] = {}) {
  return parseArgs({ args, options: { ...configOptions, ...options }, strict: true, allowPositionals: false })
}

function configFrom(
  values: Record<string, unknown>,
  io: CliIo,
  { requireMailer }: { requireMailer: boolean },
): ServerConfig | null {
  const flags: ConfigFlags = {}
  for (const name of configFlagNames) {
    const value = values[name]
    if (typeof value === 'string') flags[name] = value
  }
  const result = loadConfig({ env: io.env, flags, cwd: io.cwd, requireMailer })
  if (result.ok) return result.config
  for (const error of result.errors) io.stderr(error)
  return null
}

function threadlineOptions(config: ServerConfig, io: CliIo): ThreadlineOptions {
  return {
    database: config.database,
    mode: config.mode,
    secret: resolveServerSecret(config),
    ...(config.smtpUrl === null ? {} : { smtpUrl: config.smtpUrl }),
    mailFrom: config.mailFrom,
    mailReplyTo: config.mailReplyTo,
    publicUrl: config.publicUrl,
    trustedProxyHops: config.trustedProxyHops,
    heartbeatMs: config.heartbeatSeconds * 1000,
    replyEmailDelayMs: config.replyEmailDelaySeconds * 1000,
    otpIpHourlyLimit: config.otpIpHourlyLimit,
    filesOrigin: config.filesOrigin,
    // D6: clamd when configured, else the operator's explicit `none`, else the mode's default.
    ...(config.clamd !== null
      ? { fileScanner: createClamdScanner(config.clamd) }
      : config.scanner === 'none'
        ? { fileScanner: 'none' as const }
        : {}),
    pendingRescanMs: config.rescanSeconds * 1000,
    webhookAllowedHosts: config.webhookAllowedHosts,
    proactiveLimitPerDay: config.proactiveLimitPerDay,
    inboundEmailDomain: config.inboundEmailDomain,
    inboundEmailMaxBytes: config.inboundEmailMaxBytes,
    ...(config.devClockOffsetFile === null ? {} : { now: devClock(config.devClockOffsetFile) }),
    log: io.stderr,
  }
}

function describeDatabase(config: ServerConfig): string {
  return config.database.kind === 'sqlite'
    ? `SQLite ${config.database.file}`
    : `Postgres ${new URL(config.database.url).host}`
}

async function start(args: string[], io: CliIo): Promise<CliResult> {
  const config = configFrom(parse(args).values, io, { requireMailer: true })
  if (!config) return { exitCode: 2 }
  // The one logger of the serving process: JSON lines on stderr; stdout keeps the ready line scripts read.
  const logger = createLogger({ level: config.logLevel, destination: lineDestination(io.stderr) })
  const server = await startServer({
    ...threadlineOptions(config, io),
    logger,
    log: logLines(logger),
    port: config.port,
    host: config.host,
    metrics: config.metrics,
    ...(config.widgetDir === null ? {} : { widgetDir: config.widgetDir }),
  })
  const firstStart = config.mode === 'development' && (await server.listWorkspaces()).length === 0
  const demo = firstStart ? await server.createWorkspace({ name: 'demo', origins: [] }) : null

  // The one line that says it is ready; scripts wait for it and read the URL from it.
  io.stdout(`Threadline listening on ${server.url} (${config.mode}, ${describeDatabase(config)})`)
  if (demo) {
    io.stdout(
      [
        '',
        'First start: created the workspace "demo" (any http://localhost origin may use it in development).',
        `  workspace id  ${demo.workspaceId}`,
        `  agent key     ${demo.agentKey}`,
        `  secret        ${demo.secret}   (signs identity tokens; keep it on your backend)`,
        `Point the widget at ${server.url} with that workspace id; codes land in ${server.url}/dev/mailbox.`,
        `Try: curl -X POST ${server.url}/v1/auth/email/start -H 'content-type: application/json' -H 'x-threadline-workspace: ${demo.workspaceId}' -d '{"email":"you@example.test"}'`,
      ].join('\n'),
    )
  } else if (config.mode === 'production' && (await server.listWorkspaces()).length === 0) {
    server.context.log('No workspace yet: create one with `threadline workspace create --name … --origin https://…`.')
  }
  return { exitCode: 0, server }
}

async function migrate(args: string[], io: CliIo): Promise<CliResult> {
  const config = configFrom(parse(args).values, io, { requireMailer: false })
  if (!config) return { exitCode: 2 }
  const threadline = await openThreadline({ ...threadlineOptions(config, io), mailer: refusingMailer })
  await threadline.close()
  io.stdout(`The database is up to date (${describeDatabase(config)}).`)
  return { exitCode: 0 }
}

async function createWorkspaceCommand(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parse(args, {
    name: { type: 'string' },
    origin: { type: 'string', multiple: true },
    'owner-email': { type: 'string' },
    'owner-name': { type: 'string' },
    json: { type: 'boolean' },
  })
  const name = typeof values['name'] === 'string' ? values['name'].trim() : ''
  if (name === '') {
    io.stderr('--name is required, e.g. threadline workspace create --name "My shop" --origin https://shop.example')
    return { exitCode: 2 }
  }
  const rawOrigins = Array.isArray(values['origin'])
    ? values['origin'].filter((origin): origin is string => typeof origin === 'string')
    : []
  const origins: string[] = []
  for (const origin of rawOrigins) {
    try {
      const normalized = normalizeOrigin(origin)
      if (new URL(origin).pathname !== '/' && new URL(origin).pathname !== '') throw new Error('path')
      origins.push(normalized)
    } catch {
      io.stderr(`--origin must be an http(s) origin such as https://shop.example (no path), got "${origin}"`)
      return { exitCode: 2 }
    }
  }
  const config = configFrom(values, io, { requireMailer: false })
  if (!config) return { exitCode: 2 }

  const threadline = await openThreadline({ ...threadlineOptions(config, io), mailer: refusingMailer })
  try {
    const ownerEmail = typeof values['owner-email'] === 'string' ? values['owner-email'] : null
    const ownerName = typeof values['owner-name'] === 'string' ? values['owner-name'] : undefined
    const { workspaceId, secret, agentKey } = await threadline.createWorkspace({
      name,
      origins,
      ownerEmail,
      ...(ownerName === undefined ? {} : { ownerName }),
    })
    if (values['json'] === true) {
      io.stdout(JSON.stringify({ workspaceId, secret, agentKey }))
    } else {
      io.stdout(
        [
          `Created workspace "${name}"${origins.length > 0 ? ` for ${origins.join(', ')}` : ''}.`,
          `  workspace id  ${workspaceId}`,
          `  secret        ${secret}   (signs identity tokens; keep it on your backend)`,
          `  agent key     ${agentKey}   (Authorization: Bearer … for the agent API)`,
          ...(ownerEmail === null
            ? []
            : [
                `  owner         ${ownerEmail}   (signs in at ${consoleLink(publicOrigin(config))} with an email code)`,
              ]),
          'These are shown once; only hashes or sealed copies are stored.',
        ].join('\n'),
      )
    }
  } finally {
    await threadline.close()
  }
  return { exitCode: 0 }
}

async function inviteAdvisorCommand(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
  })
  const text = (key: string) => (typeof values[key] === 'string' ? values[key].trim() : '')
  const role = text('role') === '' ? 'advisor' : text('role')
  if (text('workspace') === '' || text('email') === '' || text('name') === '') {
    io.stderr(
      '--workspace, --email and --name are required, e.g. threadline advisor invite --workspace ws_… --email ana@shop.example --name Ana',
    )
    return { exitCode: 2 }
  }
  if (!isAdvisorRole(role)) {
    io.stderr(`--role must be one of ${advisorRoles.join(', ')}, got "${role}"`)
    return { exitCode: 2 }
  }
  const config = configFrom(values, io, { requireMailer: false })
  if (!config) return { exitCode: 2 }
  // The invitation goes out through the configured mailer: SMTP, or in development the printed dev outbox.
  const threadline = await openThreadline(threadlineOptions(config, io))
  try {
    const workspace = await findWorkspace(threadline.context, text('workspace'))
    if (!workspace) {
      io.stderr(`No workspace ${text('workspace')}`)
      return { exitCode: 1 }
    }
    const advisor = await inviteAdvisor(threadline.context, {
      workspace,
      email: text('email'),
      name: text('name'),
      role,
      publicOrigin: publicOrigin(config),
    })
    io.stdout(`Invited ${advisor.email ?? ''} to "${workspace.name}" as ${advisor.role} (advisor id ${advisor.id}).`)
  } finally {
    await threadline.close()
  }
  return { exitCode: 0 }
}

function isAdvisorRole(role: string): role is AdvisorRole {
  return (advisorRoles as readonly string[]).includes(role)
}

/** Where links in emails point: the public URL, else the local server the CLI would start. */
function publicOrigin(config: ServerConfig): string {
  return config.publicUrl ?? `http://localhost:${config.port}`
}

/** Admin commands send no mail; a mailer that refuses makes a mistake loud instead of silent. */
const refusingMailer = {
  async send(): Promise<void> {
    throw new Error('This command does not send mail')
  },
}
