import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { workspaceHeader } from '@threadline/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from './run-cli.js'
import type { CliIo } from './run-cli.js'

describe('threadline (CLI)', () => {
  let dataDir: string
  let stdout: string[]
  let stderr: string[]
  let io: CliIo

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-cli-'))
    stdout = []
    stderr = []
    io = {
      env: { THREADLINE_DATA_DIR: dataDir },
      cwd: dataDir,
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
    }
  })
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  describe('workspace create', () => {
    it('prints exactly one JSON object { workspaceId, secret, agentKey } with --json', async () => {
      const result = await runCli(
        [
          'workspace',
          'create',
          '--name',
          'Shop',
          '--origin',
          'https://shop.example',
          '--origin',
          'https://www.shop.example',
          '--json',
        ],
        io,
      )
      expect(result.exitCode).toBe(0)
      expect(stdout).toHaveLength(1)
      const printed = JSON.parse(stdout[0] ?? '') as Record<string, string>
      expect(Object.keys(printed).sort()).toEqual(['agentKey', 'secret', 'workspaceId'])
      expect(printed['workspaceId']).toMatch(/^ws_[0-9a-f]{32}$/)
    })

    it('refuses a missing name and an origin that is not an origin, in one clear line each', async () => {
      expect((await runCli(['workspace', 'create', '--origin', 'https://shop.example'], io)).exitCode).toBe(2)
      expect((await runCli(['workspace', 'create', '--name', 'Shop', '--origin', 'shop.example'], io)).exitCode).toBe(2)
      expect(
        (await runCli(['workspace', 'create', '--name', 'Shop', '--origin', 'https://shop.example/path'], io)).exitCode,
      ).toBe(2)
      expect(stderr).toEqual([
        '--name is required, e.g. threadline workspace create --name "My shop" --origin https://shop.example',
        '--origin must be an http(s) origin such as https://shop.example (no path), got "shop.example"',
        '--origin must be an http(s) origin such as https://shop.example (no path), got "https://shop.example/path"',
      ])
    })
  })

  describe('start', () => {
    it('serves on a fresh data dir, logs one ready line with its URL first, and creates the demo workspace once', async () => {
      const result = await runCli(['start', '--port', '0'], io)
      try {
        expect(result.exitCode).toBe(0)
        const url = /^Threadline listening on (http:\/\/\S+) \(development, SQLite .*threadline\.sqlite\)$/.exec(
          stdout[0] ?? '',
        )?.[1]
        expect(url).toBe(result.server?.url)
        const demoId = /workspace id\s+(ws_\w+)/.exec(stdout.join('\n'))?.[1] ?? ''
        const started = await fetch(`${url}/v1/auth/email/start`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [workspaceHeader]: demoId },
          body: JSON.stringify({ email: 'me@example.test' }),
        })
        expect(started.status).toBe(200)
        const mailbox = (await (
          await fetch(`${url}/dev/mailbox`, { headers: { accept: 'application/json' } })
        ).json()) as { messages: { to: string }[] }
        expect(mailbox.messages.map((mail) => mail.to)).toEqual(['me@example.test'])
      } finally {
        await result.server?.close()
      }

      stdout.length = 0
      const again = await runCli(['start', '--port', '0'], io)
      await again.server?.close()
      expect(stdout).toHaveLength(1)
    })

    it('serves the widget from --widget-dir (relative to the working directory)', async () => {
      mkdirSync(join(dataDir, 'built'))
      writeFileSync(join(dataDir, 'built', 'loader.js'), 'console.log("loader")\n')
      const result = await runCli(['start', '--port', '0', '--widget-dir', 'built'], io)
      try {
        const answer = await fetch(`${result.server?.url}/widget/loader.js`)
        expect(answer.status).toBe(200)
        expect(await answer.text()).toBe('console.log("loader")\n')
        expect(stderr.filter((line) => line.includes('widget is not built'))).toEqual([])
      } finally {
        await result.server?.close()
      }
    })

    it('refuses bad configuration with one line per value and exit code 2', async () => {
      const result = await runCli(['start'], { ...io, env: { ...io.env, PORT: 'abc', TRUSTED_PROXY_HOPS: 'x' } })
      expect(result).toEqual({ exitCode: 2 })
      expect(stderr).toEqual([
        'PORT must be an integer 0–65535, got "abc"',
        'TRUSTED_PROXY_HOPS must be an integer 0–10, got "x"',
      ])
    })

    it('keeps workspaces created by the CLI usable by the server (same data dir, same secret)', async () => {
      await runCli(['workspace', 'create', '--name', 'Shop', '--json'], io)
      const { workspaceId, agentKey } = JSON.parse(stdout[0] ?? '') as { workspaceId: string; agentKey: string }
      stdout.length = 0
      const result = await runCli(['start', '--port', '0'], io)
      try {
        expect(stdout).toHaveLength(1)
        const me = await fetch(`${result.server?.url}/v1/agent/me`, {
          headers: { authorization: `Bearer ${agentKey}` },
        })
        expect(((await me.json()) as { workspaceId: string }).workspaceId).toBe(workspaceId)
      } finally {
        await result.server?.close()
      }
    })
  })

  describe('migrate and help', () => {
    it('migrates and says so', async () => {
      expect((await runCli(['migrate'], io)).exitCode).toBe(0)
      expect(stdout[0]).toMatch(/^The database is up to date \(SQLite .*\)\.$/)
    })

    it('prints usage for help and refuses unknown commands', async () => {
      expect((await runCli(['help'], io)).exitCode).toBe(0)
      expect(stdout[0]).toContain('workspace create --name')
      expect((await runCli(['launch'], io)).exitCode).toBe(2)
      expect(stderr[0]).toContain('Unknown command: launch')
    })
  })
})
