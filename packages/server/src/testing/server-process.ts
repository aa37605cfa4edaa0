import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ServerProcessOptions {
  /**
   * The process's whole environment besides `PATH` and `HOME` (`THREADLINE_DATA_DIR`,
   * `DATABASE_URL` …): nothing of the caller's own `THREADLINE_*` leaks in.
   */
  env: Record<string, string>
  /** Default 0 (any free port). Pass the first run's port to restart on the same one. */
  port?: number
  /** Each line the process prints, stderr lines prefixed `[stderr] `. Default: kept, not printed. */
  log?: (line: string) => void
}

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`, from its ready line. */
  readonly url: string
  readonly port: number
  /** Everything it printed on stdout so far (the ready line first; on a first start, the demo workspace). */
  stdout(): string
  /**
   * The demo workspace a first development start prints, after its ready line: waits for both of its
   * lines (up to 10 s), since the ready line can arrive on its own.
   */
  demoWorkspace(): Promise<{ workspaceId: string; agentKey: string }>
  /** Everything it printed on both streams, stderr lines prefixed `[stderr] `: what a test shows when the process died. */
  output(): string
  /** False once the process has exited, for whatever reason (an uncaught error, a signal). */
  running(): boolean
  /** `kill -9`: no shutdown of any kind, as a crash or an OOM kill. Resolves once it is gone. */
  kill(): Promise<void>
  /** SIGTERM, the orderly stop (it closes its server and database); resolves once it exited. */
  stop(): Promise<void>
}

/** Running from the sources (`.ts`, tests) runs the CLI's sources through tsx; a build runs `dist/cli.js`. */
function cliCommand(): { execArgv: string[]; cli: string } {
  const fromSources = import.meta.url.endsWith('.ts')
  return {
    execArgv: fromSources ? ['--import', 'tsx', '--conditions=source'] : [],
    cli: fileURLToPath(new URL(fromSources ? '../cli.ts' : '../cli.js', import.meta.url)),
  }
}

/** Calls `onLine` with each whole line of a stream. */
function eachLine(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let rest = ''
  child[stream]?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n')
    rest = parts.pop() ?? ''
    for (const line of parts) onLine(line)
  })
}

/**
 * `threadline start` in a child process of its own, one Node process (no tsx wrapper in between), so
 * `kill()` is a real `kill -9` of the server: a crash test (L3) sees exactly what a crashed
 * production server leaves behind. Resolves once it prints its ready line.
 */
export async function startServerProcess({ env, port = 0, log }: ServerProcessOptions): Promise<ServerProcess> {
  const { execArgv, cli } = cliCommand()
  const child = spawn(process.execPath, [...execArgv, cli, 'start', '--port', String(port)], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()))
  let stdout = ''
  const output: string[] = []
  eachLine(child, 'stderr', (line) => {
    output.push(`[stderr] ${line}`)
    log?.(`[stderr] ${line}`)
  })
  const url = await new Promise<string>((resolvePromise, reject) => {
    eachLine(child, 'stdout', (line) => {
      stdout += `${line}\n`
      output.push(line)
      log?.(line)
      const ready = /^Threadline listening on (\S+)/.exec(line)?.[1]
      if (ready !== undefined) resolvePromise(ready)
    })
    child.once('error', reject)
    void exited.then(() =>
      reject(new Error(`threadline start exited (${child.exitCode}) before it was ready:\n${output.join('\n')}`)),
    )
  })

  const demoWorkspacePrinted = new Promise<{ workspaceId: string; agentKey: string }>((resolvePromise, reject) => {
    const find = () => {
      const workspaceId = /workspace id\s+(ws_\w+)/.exec(stdout)?.[1]
      const agentKey = /agent key\s+(\S+)/.exec(stdout)?.[1]
      if (workspaceId === undefined || agentKey === undefined) return false
      resolvePromise({ workspaceId, agentKey })
      return true
    }
    if (find()) return
    const timer = setTimeout(() => reject(new Error(`No demo workspace in:\n${stdout}`)), 10_000)
    child.stdout?.on('data', () => {
      // The line handler above has appended the chunk's lines by now (it was registered first).
      if (find()) clearTimeout(timer)
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`threadline start exited before it printed the demo workspace:\n${output.join('\n')}`))
    })
  })
  demoWorkspacePrinted.catch(() => undefined)

  const running = () => child.exitCode === null && child.signalCode === null
  const signal = async (name: NodeJS.Signals) => {
    if (!running()) return
    child.kill(name)
    await exited
  }
  return {
    url,
    port: Number(new URL(url).port),
    stdout: () => stdout,
    demoWorkspace: () => demoWorkspacePrinted,
    output: () => output.join('\n'),
    running,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  }
}
