import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { agentRoutes } from '@threadline/protocol'
import type { RunningServer } from '@threadline/server'

/** Everything the demo needs to act as the site owner and as an advisor of its workspace. */
export interface DemoCredentials {
  workspaceId: string
  /** Signs the demo site's identity tokens (`/api/identity-token`). */
  secret: string
  kid: string
  /** The advisor's key for the agent console (`#key=…`) and the agent API. */
  agentKey: string
}

const demoWorkspaceName = 'demo'
const demoAdvisorName = 'Grace'

/**
 * The server's pepper, kept in `<dataDir>/secret` like `threadline start` does in development
 * (same file, same format), so sessions, codes and sealed workspace secrets survive a restart.
 */
export function loadOrCreateServerSecret(dataDir: string): string {
  const file = join(dataDir, 'secret')
  const existing = readIfExists(file)?.trim()
  if (existing !== undefined && existing.length >= 32) return existing
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

/**
 * Finds or makes the demo workspace and returns credentials that work right now.
 *
 * The credentials are kept in `<dataDir>/demo.json` (mode 0600). DEVELOPMENT ONLY: the server itself
 * stores only a hash of agent keys and a sealed copy of the secret, and shows them once; a real site
 * keeps its secret in its backend's secret store, never in a file beside its code. The demo keeps
 * them so a restart keeps the same workspace, the same console link and working identity tokens.
 */
export async function ensureDemoWorkspace(server: RunningServer, dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo.json')
  const saved = parseCredentials(readIfExists(file))
  const workspaces = await server.listWorkspaces()

  if (saved && workspaces.some((workspace) => workspace.id === saved.workspaceId)) {
    if (await agentKeyWorks(server, saved.agentKey)) return saved
    // The key was removed from the database: mint another for the same workspace.
    const { agentKey } = await server.createAgent({ workspaceId: saved.workspaceId, name: demoAdvisorName })
    return save(file, { ...saved, agentKey })
  }

  // `threadline start` makes a "demo" workspace on first run but prints its keys only once: adopt
  // it with a fresh advisor key and a rotated secret (the server keeps only sealed copies).
  const fromCli = workspaces.find((workspace) => workspace.name === demoWorkspaceName)
  if (fromCli) {
    const { agentKey } = await server.createAgent({ workspaceId: fromCli.id, name: demoAdvisorName })
    const { kid, secret } = await server.rotateWorkspaceSecret(fromCli.id)
    return save(file, { workspaceId: fromCli.id, secret, kid, agentKey })
  }

  // No allowed origins: in development any loopback origin may use it, whatever ports you pick.
  const created = await server.createWorkspace({ name: demoWorkspaceName, origins: [], agentName: demoAdvisorName })
  return save(file, {
    workspaceId: created.workspaceId,
    secret: created.secret,
    kid: created.kid,
    agentKey: created.agentKey,
  })
}

/** Asks the server itself (in-process, no socket) whether this advisor key is still valid. */
async function agentKeyWorks(server: RunningServer, agentKey: string): Promise<boolean> {
  const response = await server.app.request(agentRoutes.listConversations.path, {
    headers: { authorization: `Bearer ${agentKey}` },
  })
  await response.body?.cancel()
  return response.ok
}

function save(file: string, credentials: DemoCredentials): DemoCredentials {
  // Write then rename: a crash mid-write never leaves a half file that would orphan the workspace.
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 })
  renameSync(temporary, file)
  return credentials
}

function parseCredentials(text: string | undefined): DemoCredentials | null {
  if (text === undefined) return null
  try {
    const value = JSON.parse(text) as Partial<Record<keyof DemoCredentials, unknown>>
    const { workspaceId, secret, kid, agentKey } = value
    if (
      typeof workspaceId === 'string' &&
      typeof secret === 'string' &&
      typeof kid === 'string' &&
      typeof agentKey === 'string'
    ) {
      return { workspaceId, secret, kid, agentKey }
    }
  } catch {
    // A hand-edited or truncated file: start over rather than fail the demo.
  }
  return null
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
