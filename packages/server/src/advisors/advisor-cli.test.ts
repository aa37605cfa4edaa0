import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import type { ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { DatabaseOptions } from '../database/database.js'
import { runCli } from '../run-cli.js'
import type { CliIo } from '../run-cli.js'
import { openThreadline } from '../server.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { listTeam } from './team.js'

describeEachDatabase('threadline advisor commands (CLI)', (freshDatabase) => {
  let dataDir: string
  let database: DatabaseOptions
  let stdout: string[]
  let stderr: string[]
  let io: CliIo
  let smtp: SMTPServer
  const received: ParsedMail[] = []

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-cli-'))
    const fresh = await freshDatabase()
    // SQLite: the CLI's own file in the data dir; Postgres: DATABASE_URL.
    database = fresh.kind === 'sqlite' ? { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') } : fresh
    stdout = []
    stderr = []
    received.length = 0
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push(mail)
            callback()
          })
          .catch((error: Error) => callback(error))
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()))
    const smtpPort = (smtp.server.address() as AddressInfo).port
    io = {
      env: {
        THREADLINE_DATA_DIR: dataDir,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        PUBLIC_URL: 'https://chat.shop.example',
        ...(database.kind === 'postgres' ? { DATABASE_URL: database.url } : {}),
      },
      cwd: dataDir,
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
    }
  }, 30_000)
  afterEach(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function team(workspaceId: string) {
    const threadline = await openThreadline({
      database,
      secret: 'unused-for-reading',
      log: () => undefined,
    })
    try {
      return await listTeam(threadline.context, workspaceId)
    } finally {
      await threadline.close()
    }
  }

  it('workspace create --owner-email makes the owner and keeps its --json output', async () => {
    const created = await runCli(
      ['workspace', 'create', '--name', 'Shop', '--owner-email', 'Olga@Shop.Example', '--owner-name', 'Olga', '--json'],
      io,
    )
    expect(created.exitCode).toBe(0)
    const printed = JSON.parse(stdout[0] ?? '') as Record<string, string>
    expect(Object.keys(printed).sort()).toEqual(['agentKey', 'secret', 'workspaceId'])
    const advisors = await team(printed['workspaceId'] ?? '')
    expect(advisors).toEqual([expect.objectContaining({ name: 'Olga', email: 'olga@shop.example', role: 'owner' })])
  })

  it('advisor invite adds the advisor with the role and mails the console link over SMTP', async () => {
    await runCli(['workspace', 'create', '--name', 'Shop', '--json'], io)
    const { workspaceId } = JSON.parse(stdout[0] ?? '') as { workspaceId: string }
    const invited = await runCli(
      [
        'advisor',
        'invite',
        '--workspace',
        workspaceId,
        '--email',
        'ana@shop.example',
        '--name',
        'Ana',
        '--role',
        'admin',
      ],
      io,
    )
    expect(stderr).toEqual([])
    expect(invited.exitCode).toBe(0)
    expect(stdout[1]).toContain('Invited ana@shop.example to "Shop" as admin')
    expect(received).toHaveLength(1)
    expect(received[0]?.to).toMatchObject({ text: 'ana@shop.example' })
    expect(received[0]?.text).toContain('https://chat.shop.example/console/')
    expect(await team(workspaceId)).toContainEqual(
      expect.objectContaining({ email: 'ana@shop.example', role: 'admin' }),
    )
  })

  it('advisor invite refuses a missing field or an unknown role with exit code 2', async () => {
    expect((await runCli(['advisor', 'invite', '--email', 'a@b.example', '--name', 'A'], io)).exitCode).toBe(2)
    const badRole = [
      'advisor',
      'invite',
      '--workspace',
      'ws_x',
      '--email',
      'a@b.example',
      '--name',
      'A',
      '--role',
      'boss',
    ]
    expect((await runCli(badRole, io)).exitCode).toBe(2)
    expect(stderr[1]).toContain('--role must be one of owner, admin, advisor')
  })
})
