import { attachmentNameHeader, workspaceHeader } from '@threadline/protocol'
import { createApiKey } from '../advisors/api-keys.js'
import { customerForVerifiedEmail } from '../auth/customers.js'
import { grantSession } from '../auth/sessions.js'
import type { DatabaseOptions } from '../database/database.js'
import { startServer } from '../server.js'
import type { RunningServer } from '../server.js'
import type { WorkspaceCredentials } from '../workspaces/workspaces.js'

export interface RecordsCall {
  status: number
  headers: Headers
  body: Record<string, unknown> & { error?: { code: string; message: string } }
}

/** A server with a real SMTP mailer, one workspace whose owner has an email, and shortcuts for customers and advisors. */
export interface RecordsServer {
  server: RunningServer
  workspace: WorkspaceCredentials
  ownerEmail: string
  /** A verified customer with a session token; `name` set as the site would. */
  customer(input: { email: string; name?: string | null }): Promise<{ customerId: string; token: string }>
  say(token: string, text: string, attachmentIds?: string[]): Promise<string>
  upload(token: string, name: string, bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<string>
  visitor(method: string, path: string, token: string, body?: unknown): Promise<RecordsCall>
  agent(method: string, path: string, body?: unknown, key?: string): Promise<RecordsCall>
  admin(method: string, path: string, body?: unknown): Promise<RecordsCall>
  /** A fresh key for the owner with the given scope. */
  ownerKey(scope: 'agent' | 'admin'): Promise<string>
  /** A teammate with the `advisor` role, with an agent-scope key and an admin-scope one (the role still says no). */
  advisor(name: string): Promise<{ agentKey: string; adminScopeKey: string }>
  close(): Promise<void>
}

export async function startRecordsServer({
  database,
  smtpUrl,
  now,
}: {
  database: DatabaseOptions
  smtpUrl: string
  now?: () => number
}): Promise<RecordsServer> {
  const server = await startServer({
    port: 0,
    mode: 'development',
    smtpUrl,
    mailFrom: 'Shop Chat <chat@shop.example>',
    log: () => undefined,
    replyEmailSweepMs: 0,
    recordsSweepMs: 0,
    database,
    ...(now === undefined ? {} : { now }),
  })
  const ownerEmail = 'grace.owner@team.example'
  const workspace = await server.createWorkspace({
    name: 'Shop',
    origins: ['https://shop.example'],
    ownerEmail,
    ownerName: 'Grace',
  })
  const { db } = server.context.database

  async function request(method: string, path: string, headers: Record<string, string>, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: (text === '' || !(response.headers.get('content-type') ?? '').includes('json')
        ? {}
        : JSON.parse(text)) as RecordsCall['body'],
    }
  }
  const visitor: RecordsServer['visitor'] = (method, path, token, body) =>
    request(method, path, { authorization: `Bearer ${token}`, [workspaceHeader]: workspace.workspaceId }, body)

  return {
    server,
    workspace,
    ownerEmail,
    async customer({ email, name = null }) {
      const customer = await customerForVerifiedEmail(server.context, workspace.workspaceId, email)
      if (name !== null) await db.updateTable('customers').set({ name }).where('id', '=', customer.id).execute()
      const session = await grantSession(server.context, {
        workspaceId: workspace.workspaceId,
        customerId: customer.id,
        method: 'email',
      })
      return { customerId: customer.id, token: session.token }
    },
    async say(token, text, attachmentIds) {
      const sent = await visitor('POST', '/v1/conversation/messages', token, {
        clientId: crypto.randomUUID(),
        text,
        ...(attachmentIds === undefined ? {} : { attachmentIds }),
      })
      if (sent.status !== 200) throw new Error(`send answered ${sent.status}: ${JSON.stringify(sent.body)}`)
      return (sent.body['conversation'] as { id: string }).id
    },
    async upload(token, name, bytes, contentType) {
      const response = await fetch(`${server.url}/v1/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          [workspaceHeader]: workspace.workspaceId,
          'content-type': contentType,
          [attachmentNameHeader]: encodeURIComponent(name),
        },
        body: bytes,
      })
      const body = (await response.json()) as { attachment?: { id: string } }
      if (!body.attachment) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`)
      return body.attachment.id
    },
    visitor,
    agent: (method, path, body, key = workspace.agentKey) =>
      request(method, path, { authorization: `Bearer ${key}` }, body),
    admin: (method, path, body) =>
      request(
        method,
        path,
        { authorization: `Bearer ${workspace.secret}`, [workspaceHeader]: workspace.workspaceId },
        body,
      ),
    async ownerKey(scope) {
      const owner = await db
        .selectFrom('agents')
        .select('id')
        .where('workspace_id', '=', workspace.workspaceId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow()
      const created = await createApiKey(server.context, {
        workspaceId: workspace.workspaceId,
        advisorId: owner.id,
        name: `owner ${scope}`,
        scope,
      })
      return created.secret
    },
    async advisor(name) {
      const { agent, agentKey } = await server.createAgent({ workspaceId: workspace.workspaceId, name })
      const created = await createApiKey(server.context, {
        workspaceId: workspace.workspaceId,
        advisorId: agent.id,
        name: `${name} admin scope`,
        scope: 'admin',
      })
      return { agentKey, adminScopeKey: created.secret }
    },
    close: () => server.close(),
  }
}
