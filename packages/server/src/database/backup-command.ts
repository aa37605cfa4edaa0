import type { ServerConfig } from '../config/config.js'
import type { CliIo, CliResult } from '../run-cli.js'
import { BackupError, backupDatabase } from './backup.js'

/** `threadline backup --to <file> [--force]`: refusals exit 2 with one line saying what to do. */
export async function backupCommand(
  config: ServerConfig,
  values: Record<string, unknown>,
  io: Pick<CliIo, 'cwd' | 'stdout' | 'stderr'>,
): Promise<CliResult> {
  const to = typeof values['to'] === 'string' ? values['to'].trim() : ''
  if (to === '') {
    io.stderr('--to is required, e.g. threadline backup --to /backups/threadline-2026-01-31.sqlite')
    return { exitCode: 2 }
  }
  try {
    const started = performance.now()
    const result = await backupDatabase(config.database, { to, cwd: io.cwd, force: values['force'] === true })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    io.stdout(
      `Backed up ${config.database.kind === 'sqlite' ? config.database.file : ''} to ${result.file} (${result.bytes} bytes, ${result.pages} pages, integrity ok, ${seconds} s).`,
    )
    return { exitCode: 0 }
  } catch (error) {
    if (!(error instanceof BackupError)) throw error
    io.stderr(error.message)
    return { exitCode: error.code === 'corrupt' ? 1 : 2 }
  }
}
