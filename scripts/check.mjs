#!/usr/bin/env node
// What `pnpm test` runs: every check in order, output streamed, carrying on past a failure so one run
// shows everything. The last line is the summary CI reads: `Tests: N passed, N failed[, N skipped]`,
// where each check step counts as one test and vitest contributes its own tests.
//
//   CHECK_ONLY=lint,typecheck pnpm test     run a subset: format, lint, typecheck, build, package, packed, examples,
//                                           size, storybook, unit

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const bin = (/** @type {string} */ name) => join(root, 'node_modules', '.bin', name)

// Under `pnpm test`, npm_execpath is the pnpm that is running us: reuse it, so the checks work even
// where pnpm is not on PATH (CI's `npx pnpm` fallback).
const pnpm = (() => {
  const execPath = process.env.npm_execpath
  if (!execPath || !basename(execPath).startsWith('pnpm')) return ['pnpm']
  return /\.[cm]?js$/.test(execPath) ? [process.execPath, execPath] : [execPath]
})()

/** Packages under packages/ that declare a `check:package` script (publint + attw). */
function checkablePackages() {
  const packagesDir = join(root, 'packages')
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name)
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      return { dir, name: manifest.name ?? entry.name, scripts: manifest.scripts ?? {} }
    })
    .filter((pkg) => 'check:package' in pkg.scripts)
}

/**
 * @typedef {{ passed: number, failed: number, skipped: number, note?: string }} Counts
 * @typedef {{ name: string, label: string, command: string[], cwd?: string, unit?: boolean }} Step
 */

/** @type {Step[]} */
const steps = [
  { name: 'format', label: 'format', command: [bin('prettier'), '--check', '--log-level=warn', '.'] },
  { name: 'lint', label: 'lint', command: [bin('eslint'), '.'] },
  { name: 'typecheck', label: 'typecheck', command: [bin('tsc'), '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'build', label: 'build', command: [...pnpm, '-r', '--filter', './packages/*', 'build'] },
  ...checkablePackages().map((pkg) => ({
    name: 'package',
    label: `package ${pkg.name}`,
    command: [...pnpm, 'run', 'check:package'],
    cwd: pkg.dir,
  })),
  // What npm users get: the packed tarballs installed and built in a project outside the workspace.
  { name: 'packed', label: 'packed packages', command: [process.execPath, join(root, 'scripts', 'check-packed.mjs')] },
  // The example apps' production builds. After `build`: the Next.js app reads the packages' `dist`.
  {
    name: 'examples',
    label: 'examples build',
    command: [...pnpm, '--filter', './examples/*', '--workspace-concurrency=1', 'build'],
  },
  { name: 'size', label: 'size', command: [bin('size-limit')] },
  { name: 'storybook', label: 'storybook build', command: [...pnpm, 'run', 'build-storybook'] },
  { name: 'unit', label: 'unit tests', command: [bin('vitest'), 'run'], unit: true },
]

const only = (process.env.CHECK_ONLY ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean)
const known = [...new Set(steps.map((step) => step.name))]
const unknown = only.filter((name) => !known.includes(name))
if (unknown.length > 0) {
  console.error(`CHECK_ONLY: unknown step ${unknown.join(', ')} (known: ${known.join(', ')})`)
  process.exit(2)
}
const selected = only.length > 0 ? steps.filter((step) => only.includes(step.name)) : steps

// CI silences the outer pnpm's closing ELIFECYCLE line (see .ci/run); the pnpm runs below must
// still show their output.
const childEnv = { ...process.env }
delete childEnv.npm_config_reporter

/** Runs a command with inherited stdio; resolves to its exit code (127 if it could not start). */
function run(/** @type {string[]} */ [command, ...args], /** @type {string} */ cwd) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', env: childEnv })
    child.on('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`)
      resolvePromise(127)
    })
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)))
  })
}

/** Reads vitest's JSON report; a file that failed to load counts as one failed test. */
function unitCounts(/** @type {string} */ reportFile, /** @type {number} */ exitCode) {
  /** @type {Counts} */
  const counts = { passed: 0, failed: 0, skipped: 0 }
  if (!existsSync(reportFile)) {
    return { ...counts, failed: 1, note: `no report (vitest exited with ${exitCode})` }
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8'))
  counts.passed = report.numPassedTests ?? 0
  counts.failed = report.numFailedTests ?? 0
  counts.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && !file.assertionResults?.some((test) => test.status === 'failed')) counts.failed++
  }
  // Unhandled errors fail the run without failing a test: make sure they still show as a failure.
  if (exitCode !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `vitest exited with ${exitCode}` }
  return counts
}

const scratch = mkdtempSync(join(tmpdir(), 'threadline-check-'))
/** @type {{ label: string, counts: Counts, seconds: number, unit: boolean }[]} */
const results = []

try {
  for (const step of selected) {
    const runsPnpm = pnpm.every((part, index) => step.command[index] === part)
    const display = [...(runsPnpm ? ['pnpm', ...step.command.slice(pnpm.length)] : step.command)].map((part) =>
      part === process.execPath ? 'node' : part.replace(`${root}/node_modules/.bin/`, '').replace(`${root}/`, ''),
    )
    console.log(
      `\n━━ ${step.label}: ${display.join(' ')}${step.cwd ? `  (in ${step.cwd.replace(`${root}/`, '')})` : ''}\n`,
    )
    const started = performance.now()
    /** @type {Counts} */
    let counts
    if (step.unit) {
      const reportFile = join(scratch, 'vitest.json')
      const command = [...step.command, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`]
      counts = unitCounts(reportFile, await run(command, step.cwd ?? root))
    } else {
      const code = await run(step.command, step.cwd ?? root)
      counts =
        code === 0
          ? { passed: 1, failed: 0, skipped: 0 }
          : { passed: 0, failed: 1, skipped: 0, note: `exit code ${code}` }
    }
    results.push({ label: step.label, counts, seconds: (performance.now() - started) / 1000, unit: Boolean(step.unit) })
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

const total = { passed: 0, failed: 0, skipped: 0 }
console.log('\n━━ summary\n')
for (const { label, counts, seconds, unit } of results) {
  total.passed += counts.passed
  total.failed += counts.failed
  total.skipped += counts.skipped
  const mark = counts.failed > 0 ? '✗' : '✓'
  const detail = unit
    ? `${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`
    : ''
  const note = [detail, counts.note].filter(Boolean).join('; ')
  console.log(`${mark} ${label.padEnd(34)} ${seconds.toFixed(1).padStart(6)} s${note ? `  ${note}` : ''}`)
}
console.log(
  `\nTests: ${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`,
)
process.exitCode = total.failed > 0 ? 1 : 0
