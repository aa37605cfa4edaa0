import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const packageRoot = resolve(import.meta.dirname, '..')
const tsx = resolve(packageRoot, '../../node_modules/.bin/tsx')

/** Runs `threadline …` as a real process, the way `pnpm threadline` does. */
function threadline(args: string[], env: Record<string, string>) {
  return spawn(tsx, ['--conditions=source', 'src/cli.ts', ...args], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

describe('the threadline executable', () => {
  let dataDir: string
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-bin-'))
  })
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('workspace create --json writes exactly one JSON object to stdout and exits 0', async () => {
    const child = threadline(['workspace', 'create', '--name', 'Shop', '--origin', 'https://shop.example', '--json'], {
      THREADLINE_DATA_DIR: dataDir,
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const code = await new Promise<number | null>((resolvePromise) => child.on('close', resolvePromise))
    expect(code).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(1)
    expect(Object.keys(JSON.parse(stdout) as object).sort()).toEqual(['agentKey', 'secret', 'workspaceId'])
  }, 30_000)

  it('start logs one line with its URL when ready, serves, and stops on SIGTERM', async () => {
    const child = threadline(['start', '--port', '0', '--data-dir', dataDir], {})
    try {
      const firstLine = await new Promise<string>((resolvePromise, reject) => {
        let buffer = ''
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString()
          const newline = buffer.indexOf('\n')
          if (newline !== -1) resolvePromise(buffer.slice(0, newline))
        })
        child.on('close', (code) => reject(new Error(`exited with ${code}`)))
      })
      const url = /^Threadline listening on (http:\/\/\S+) /.exec(firstLine)?.[1]
      expect(url).toBeDefined()
      expect((await fetch(`${url}/health`)).status).toBe(200)
    } finally {
      const closed = new Promise<number | null>((resolvePromise) => child.on('close', resolvePromise))
      child.kill('SIGTERM')
      expect(await closed).toBe(0)
    }
  }, 30_000)
})
