import { workspaceHeader } from '@threadline/protocol'
import type {
  Agent,
  AgentConversation,
  Conversation,
  Customer,
  EmailChallenge,
  ErrorCode,
  Message,
  CustomerDevice,
  RecordedPageView,
  Session,
  SessionGrant,
} from '@threadline/protocol'
import { SignJWT } from 'jose'
import type { DatabaseOptions } from '../database/database.js'
import type { DevOutbox } from '../mail/dev-outbox.js'
import { startServer } from '../server.js'
import type { RunningServer, StartServerOptions } from '../server.js'
import type { WorkspaceCredentials } from '../workspaces/workspaces.js'
import { temporarySqliteFile } from './databases.test-helpers.js'

export interface ManualClock {
  now: () => number
  advance(milliseconds: number): void
}

export function createManualClock(start = Date.now()): ManualClock {
  let time = start
  return {
    now: () => time,
    advance(milliseconds) {
      time += milliseconds
    },
  }
}

/**
 * Every field the API answers with, typed, so tests read responses directly. Which ones a given
 * response has is what the tests assert; the absent ones are undefined at runtime.
 */
export type ApiBody = {
  error: { code: ErrorCode; message: string; retryAfterSeconds?: number }
  session: Session
  customer: Customer
  conversation: Conversation
  message: Message
  messages: Message[]
  hasMore: boolean
  conversations: AgentConversation[]
  pageViews: RecordedPageView[]
  /** `GET /v1/agent/conversations/:id` answers an AgentConversation at the top level. */
  device?: CustomerDevice
  challengeId: string
  email: string
  expiresAt: string
  resendAfterSeconds: number
  agent: Agent
  workspaceId: string
}

export interface CallResult {
  status: number
  /** Parsed JSON (null for an empty body). */
  body: ApiBody
  headers: Headers
}

export interface CallOptions {
  token?: string
  body?: unknown
  headers?: Record<string, string>
  /** Omit the workspace header. */
  noWorkspace?: boolean
}

export interface TestServer {
  server: RunningServer
  workspace: WorkspaceCredentials
  outbox: DevOutbox
  url: string
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>
  agent(method: string, path: string, body?: unknown): Promise<CallResult>
  startEmail(email: string): Promise<EmailChallenge>
  readCode(email: string): string
  verify(email?: string): Promise<SessionGrant>
  send(token: string, text: string, clientId?: string): Promise<CallResult>
  signIdentityToken(
    claims: Record<string, unknown>,
    options?: { expiresInSeconds?: number; issuedAt?: number; secret?: string; kid?: string; alg?: string },
  ): Promise<string>
  close(): Promise<void>
}

export function freshEmail(): string {
  return `t-${crypto.randomUUID().slice(0, 12)}@example.test`
}

/** A development server on a fresh database with one workspace, quiet logs and no sweep, rescan, webhook or bot-deadline timer (webhooks in-process). */
export async function startTestServer(
  options: Partial<StartServerOptions> & { database?: DatabaseOptions; origins?: string[] } = {},
): Promise<TestServer> {
  const sqlite = options.database ? null : temporarySqliteFile()
  const server = await startServer({
    port: 0,
    mode: 'development',
    log: () => undefined,
    replyEmailSweepMs: 0,
    pendingRescanMs: 0,
    recordsSweepMs: 0,
    webhookRunMs: 0,
    // In-process, so `runWebhooks()` follows the test's clock; the thread has its own cases (webhooks.test.ts).
    webhookThread: false,
    botDeadlineRunMs: 0,
    ...options,
    database: options.database ?? { kind: 'sqlite', file: sqlite?.file ?? '' },
  })
  const workspace = await server.createWorkspace({
    name: 'Test Shop',
    origins: options.origins ?? ['https://shop.example'],
  })
  const outbox = server.devOutbox
  if (!outbox) throw new Error('The test server needs the dev outbox')

  async function call(
    method: string,
    path: string,
    { token, body, headers = {}, noWorkspace = false }: CallOptions = {},
  ): Promise<CallResult> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(noWorkspace ? {} : { [workspaceHeader]: workspace.workspaceId }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return {
      status: response.status,
      body: (text === '' ? null : JSON.parse(text)) as ApiBody,
      headers: response.headers,
    }
  }

  const readCode = (email: string) => {
    const mail = outbox.messages().find((message) => message.to === email.trim().toLowerCase())
    const code = mail && /\b(\d{6})\b/.exec(mail.text)?.[1]
    if (!code) throw new Error(`No code was mailed to ${email}`)
    return code
  }

  const startEmail = async (email: string) => {
    const result = await call('POST', '/v1/auth/email/start', { body: { email } })
    if (result.status !== 200) throw new Error(`email/start answered ${result.status}: ${JSON.stringify(result.body)}`)
    const { challengeId, email: challengedEmail, expiresAt, resendAfterSeconds } = result.body
    return { challengeId, email: challengedEmail, expiresAt, resendAfterSeconds }
  }

  return {
    server,
    workspace,
    outbox,
    url: server.url,
    call,
    agent: (method, path, body) =>
      call(method, path, { token: workspace.agentKey, noWorkspace: true, ...(body === undefined ? {} : { body }) }),
    startEmail,
    readCode,
    async verify(email = freshEmail()) {
      const { challengeId } = await startEmail(email)
      const result = await call('POST', '/v1/auth/email/verify', { body: { challengeId, code: readCode(email) } })
      if (result.status !== 200)
        throw new Error(`email/verify answered ${result.status}: ${JSON.stringify(result.body)}`)
      return { session: result.body.session, customer: result.body.customer }
    },
    send: (token, text, clientId = crypto.randomUUID()) =>
      call('POST', '/v1/conversation/messages', { token, body: { clientId, text } }),
    async signIdentityToken(
      claims,
      { expiresInSeconds = 3600, issuedAt, secret = workspace.secret, kid, alg = 'HS256' } = {},
    ) {
      const nowSeconds = Math.floor((options.now?.() ?? Date.now()) / 1000)
      const iat = issuedAt ?? nowSeconds
      return new SignJWT(claims)
        .setProtectedHeader({ alg, ...(kid === undefined ? {} : { kid }) })
        .setIssuedAt(iat)
        .setExpirationTime(iat + expiresInSeconds)
        .sign(new TextEncoder().encode(secret))
    },
    async close() {
      await server.close()
      sqlite?.remove()
    },
  }
}
