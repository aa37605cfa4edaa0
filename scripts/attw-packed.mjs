#!/usr/bin/env node
// `attw --pack` packs with npm, which leaves `workspace:*` ranges as they are and ignores pnpm's
// publishConfig. This checks the tarball pnpm itself would publish instead, so attw sees exactly what
// reaches npm. Run it from a package folder; arguments go to attw:
//
//   node ../../scripts/attw-packed.mjs --profile esm-only

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const execPath = process.env.npm_execpath
const pnpm =
  execPath && basename(execPath).startsWith('pnpm')
    ? /\.[cm]?js$/.test(execPath)
      ? [process.execPath, execPath]
      : [execPath]
    : ['pnpm']

const destination = mkdtempSync(join(tmpdir(), 'threadline-pack-'))
try {
  const [command, ...args] = pnpm
  const output = execFileSync(command, [...args, 'pack', '--json', '--pack-destination', destination], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const { filename } = JSON.parse(output)
  const attw = spawnSync(join(root, 'node_modules', '.bin', 'attw'), [filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exitCode = attw.status ?? 1
} finally {
  rmSync(destination, { recursive: true, force: true })
}
