import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunningServer } from '@threadline/server'

/** What the app needs from its workspace: the id for the browser, the secret for the backend. */
export interface AppWorkspace {
  workspaceId: string
  secret: string
  kid: string
  /** An advisor's key for the agent API (the console). */
  agentKey: string
  /** The app's origin the workspace was made for. */
  origin: string
}

/** The server's pepper, kept in `<dataDir>/secret` as `threadline start` does, so sessions survive a restart. */
export function loadOrCreateServerSecret(dataDir: string): string {
  const file = join(dataDir, 'secret')
  const existing = readIfExists(file)?.trim()
  if (existing && existing.length >= 32) return existing
  const secret = randomBytes(32).toString('base64url')
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

/**
 * The workspace whose allowed origin is the app's, made once and kept in `<dataDir>/workspace.json`
 * (mode 0600). DEVELOPMENT ONLY: the server shows a workspace's secret once; a real backend keeps it
 * in its secret store. Another app origin (APP_PORT changed) gets a workspace of its own.
 */
export async function ensureAppWorkspace(
  server: RunningServer,
  dataDir: string,
  origin: string,
): Promise<AppWorkspace> {
  const file = join(dataDir, 'workspace.json')
  const saved = parse(readIfExists(file))
  const workspaces = await server.listWorkspaces()
  if (saved?.origin === origin && workspaces.some((workspace) => workspace.id === saved.workspaceId)) return saved

  const created = await server.createWorkspace({ name: 'React app', origins: [origin], agentName: 'Grace' })
  const workspace: AppWorkspace = { ...created, origin }
  // Write then rename: a crash mid-write never leaves half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(workspace, null, 2)}\n`, { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
  return workspace
}

function parse(text: string | undefined): AppWorkspace | null {
  if (text === undefined) return null
  try {
    const value = JSON.parse(text) as Partial<AppWorkspace>
    const fields = [value.workspaceId, value.secret, value.kid, value.agentKey, value.origin]
    return fields.every((field) => typeof field === 'string') ? (value as AppWorkspace) : null
  } catch {
    return null // A hand-edited or truncated file: make a new workspace.
  }
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
}
