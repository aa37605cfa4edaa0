import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface BuildTarget {
  /** The pnpm package name to `pnpm --filter <name> build`. */
  packageName: string
  /** Files the build writes; missing or older than any input means "build". */
  outputs: string[]
  /** Files and folders whose changes make the outputs stale (folders are walked). */
  inputs: string[]
}

export type BuildOutcome =
  | { status: 'fresh' }
  | { status: 'built'; milliseconds: number }
  /** The build failed but an older build exists: the demo runs on it. */
  | { status: 'failed-using-previous'; exitCode: number | null }
  | { status: 'failed'; exitCode: number | null }

const skippedFolders = new Set(['node_modules', 'dist', 'coverage', 'storybook-static'])
const ignoredFile = /\.(?:test|test-d|stories|spec)\.[cm]?[jt]sx?$/

/**
 * Builds a package when its outputs are missing or older than its sources (the packages it
 * bundles included), streaming the build's output to this terminal.
 */
export async function buildIfStale(
  target: BuildTarget,
  { cwd, force = false }: { cwd: string; force?: boolean },
): Promise<BuildOutcome> {
  const outputsTime = oldestMtime(target.outputs)
  if (!force && outputsTime !== null && newestMtime(target.inputs) <= outputsTime) return { status: 'fresh' }
  const started = performance.now()
  const exitCode = await run('pnpm', ['--filter', target.packageName, 'build'], cwd)
  if (exitCode === 0) return { status: 'built', milliseconds: Math.round(performance.now() - started) }
  return oldestMtime(target.outputs) === null
    ? { status: 'failed', exitCode }
    : { status: 'failed-using-previous', exitCode }
}

function run(command: string, args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' })
    child.once('error', reject)
    child.once('exit', (code) => resolvePromise(code))
  })
}

/** The oldest modification time of these files, or null when one is missing. */
function oldestMtime(files: string[]): number | null {
  let oldest = Infinity
  for (const file of files) {
    const time = mtimeOf(file)
    if (time === null) return null
    oldest = Math.min(oldest, time)
  }
  return oldest
}

function newestMtime(paths: string[]): number {
  let newest = 0
  const visit = (path: string) => {
    let stats
    try {
      stats = statSync(path)
    } catch {
      return
    }
    if (!stats.isDirectory()) {
      if (!ignoredFile.test(path)) newest = Math.max(newest, stats.mtimeMs)
      return
    }
    for (const entry of readdirSync(path)) {
      if (!skippedFolders.has(entry)) visit(join(path, entry))
    }
  }
  paths.forEach(visit)
  return newest
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs
  } catch {
    return null
  }
}
