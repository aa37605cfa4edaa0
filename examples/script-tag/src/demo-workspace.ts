import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { adminRoutes, agentRoutes, normalizeEmail, workspaceHeader } from '@threadline/protocol'
import type { TeamResponse } from '@threadline/protocol'
import type { RunningServer } from '@threadline/server'

/** Everything the demo needs to act as the site owner and as an advisor of its workspace. */
export interface DemoCredentials {
  workspaceId: string
  /** Signs the demo site's identity tokens (`/api/identity-token`). */
  secret: string
  kid: string
  /** The advisor's key for the agent API (bots, scripts, the end-to-end tests). */
  agentKey: string
}

const demoWorkspaceName = 'demo'
const demoAdvisorName = 'Grace'
/**
 * The demo's advisor signs in to the console with this email; in development its code lands in the
 * dev mailbox. The owner of the demo workspace, so every console screen (team, keys) is there to try.
 */
export const demoAdvisorEmail = 'grace@example.com'

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
    await ensureAdvisorWithEmail(server, saved)
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
    const adopted = save(file, { workspaceId: fromCli.id, secret, kid, agentKey })
    await ensureAdvisorWithEmail(server, adopted)
    return adopted
  }

  // No allowed origins: in development any loopback origin may use it, whatever ports you pick.
  const created = await server.createWorkspace({
    name: demoWorkspaceName,
    origins: [],
    ownerEmail: demoAdvisorEmail,
    ownerName: demoAdvisorName,
  })
  return save(file, {
    workspaceId: created.workspaceId,
    secret: created.secret,
    kid: created.kid,
    agentKey: created.agentKey,
  })
}

/**
 * A demo data dir from before console sign-in had a key-only advisor: make the demo's email an owner
 * of the workspace (admin API, in-process) so the console can be signed in to. An invitation mail
 * lands in the dev mailbox once.
 */
async function ensureAdvisorWithEmail(server: RunningServer, { workspaceId, secret }: DemoCredentials): Promise<void> {
  const headers = { authorization: `Bearer ${secret}`, [workspaceHeader]: workspaceId }
  const listed = await server.app.request(adminRoutes.listAdvisors.path, { headers })
  if (!listed.ok) throw new Error(`Listing the demo's advisors answered ${listed.status}`)
  const { advisors } = (await listed.json()) as TeamResponse
  if (advisors.some((advisor) => advisor.email === normalizeEmail(demoAdvisorEmail))) return
  const invited = await server.app.request(adminRoutes.inviteAdvisor.path, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ email: demoAdvisorEmail, name: demoAdvisorName, role: 'owner' }),
  })
  if (!invited.ok) throw new Error(`Adding the demo's advisor answered ${invited.status}`)
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
