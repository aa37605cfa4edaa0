import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ServerConfig } from './config.js'

/**
 * The pepper behind every keyed hash and sealed secret. Production must configure it; development
 * generates one on first start and keeps it in the data dir (mode 0600), so codes and sessions
 * survive a restart.
 */
export function resolveServerSecret(config: Pick<ServerConfig, 'secret' | 'mode' | 'dataDir'>): string {
  if (config.secret !== null) return config.secret
  if (config.mode === 'production') throw new Error('THREADLINE_SECRET is required in production mode')
  const file = join(config.dataDir, 'secret')
  try {
    const existing = readFileSync(file, 'utf8').trim()
    if (existing.length >= 32) return existing
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
