import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import type { CliIo } from '../run-cli.js'

export interface CliFixture {
  /** A fresh temp directory per test: the data dir and the working directory. */
  readonly dataDir: string
  readonly stdout: string[]
  readonly stderr: string[]
  /** For `runCli`: the data dir in the environment, every printed line recorded. */
  readonly io: CliIo
}

/** Registers a fresh data dir and a recording `CliIo` for each test of the calling `describe`, removed after it. */
export function useCliFixture(prefix: string): CliFixture {
  let current: CliFixture | null = null
  beforeEach(() => {
    const dataDir = mkdtempSync(join(tmpdir(), prefix))
    const stdout: string[] = []
    const stderr: string[] = []
    current = {
      dataDir,
      stdout,
      stderr,
      io: {
        env: { THREADLINE_DATA_DIR: dataDir },
        cwd: dataDir,
        stdout: (l) => stdout.push(l),
        stderr: (l) => stderr.push(l),
      },
    }
  })
  afterEach(() => {
    if (current) rmSync(current.dataDir, { recursive: true, force: true })
    current = null
  })
  const get = (): CliFixture => {
    if (!current) throw new Error('useCliFixture: read it inside a test')
    return current
  }
  return {
    get dataDir() {
      return get().dataDir
    },
    get stdout() {
      return get().stdout
    },
    get stderr() {
      return get().stderr
    },
    get io() {
      return get().io
    },
  }
}
