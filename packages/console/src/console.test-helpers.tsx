/**
 * The console's tests run against the real server, started in-process on a temporary SQLite file,
 * with real customers who verify by the emailed code and chat through the visitor API. Nothing is
 * mocked; the console's fetch goes over HTTP to the server, its event stream included.
 */
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanup, configure, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {
  createAdminClient,
  createAgentClient,
  createAgentRecordsClient,
  createBlocksClient,
  createAgentAttachmentClient,
  createConsoleClient,
} from '@threadline/api'
import type { AdminClient, AgentClient } from '@threadline/api'
import { workspaceHeader } from '@threadline/protocol'
import type { AdvisorRole, Agent, Message, TeamMember } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer, StartServerOptions } from '@threadline/server'
import { createConsoleBrowser, takeConsoleCode } from '@threadline/server/testing'
import type { ConsoleBrowser } from '@threadline/server/testing'
import axe from 'axe-core'
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest'
import { AttachmentsContext } from './attachments-context.js'
import { Inbox } from './inbox.js'

export interface TestWorkspace {
  workspaceId: string
  agentKey: string
  secret: string
  kid: string
}

export interface ConsoleTestServer {
  server: RunningServer
  workspace: TestWorkspace
  /** The workspace's owner (the advisor of `workspace.agentKey`), who signs in with an emailed code. */
  ownerEmail: string
  admin: AdminClient
  /** Moves the server's clock on (code expiry); every later call sees the later time. */
  advanceClock(milliseconds: number): void
}

/** Generous: the machine is shared, and a step here is several HTTP calls and a stream event. */
export const consoleTestTimeoutMs = 30_000

/**
 * One real server for the file's tests, and a clean page after each. Files are clean at once
 * (no scanner, as in development) unless the file gives its own `fileScanner`; a webhooks file
 * gives its receiver's host and runs the deliveries itself (`webhookRunMs: 0`, `runWebhooks()`).
 */
export function useConsoleTestServer(
  options: Pick<StartServerOptions, 'fileScanner' | 'webhookAllowedHosts' | 'webhookRunMs'> = {},
): {
  readonly current: ConsoleTestServer
} {
  // Waits for the page are conditions, not figures: generous, so a busy machine only makes them slower.
  configure({ asyncUtilTimeout: 10_000 })
  let current: ConsoleTestServer | undefined
  let dataDir: string | undefined

  beforeAll(async () => {
    // The server runs inside this jsdom test, where TextEncoder's bytes are not instances of the test's
    // own Uint8Array; jose (the server's identity-token check) then refuses them as a key. Copying them
    // into this realm's Uint8Array is all it takes; a server in its own process never sees this.
    globalThis.TextEncoder = realmTextEncoder(globalThis.TextEncoder)
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-console-'))
    let clockOffset = 0
    const server = await startServer({
      port: 0,
      mode: 'development',
      log: () => undefined,
      replyEmailSweepMs: 0,
      now: () => Date.now() + clockOffset,
      database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
      ...options,
    })
    const ownerEmail = 'owner@shop.example'
    const workspace = await server.createWorkspace({
      name: 'Console Shop',
      origins: ['https://shop.example'],
      ownerEmail,
      ownerName: 'Advisor',
    })
    const admin = createAdminClient({
      baseUrl: server.url,
      workspaceId: workspace.workspaceId,
      secret: workspace.secret,
    })
    current = {
      server,
      workspace,
      ownerEmail,
      admin,
      advanceClock(milliseconds) {
        clockOffset += milliseconds
      },
    }
  }, consoleTestTimeoutMs)

  afterAll(async () => {
    await current?.server.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  afterEach(() => {
    cleanup()
    history.replaceState(null, '', '/console/')
  })

  return {
    get current() {
      if (!current) throw new Error('The server did not start (see the beforeAll error)')
      return current
    },
  }
}

function realmTextEncoder(Base: typeof TextEncoder): typeof TextEncoder {
  return class extends Base {
    override encode(input?: string): Uint8Array<ArrayBuffer> {
      return new Uint8Array(super.encode(input))
    }
  }
}

/** The visitor API as the widget calls it, for the test workspace. */
export async function visitorCall(
  { server, workspace }: ConsoleTestServer,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      [workspaceHeader]: workspace.workspaceId,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return (text === '' ? null : JSON.parse(text)) as Record<string, unknown>
}

export type TestCustomer = ReturnType<typeof customerWithSession>

/** A customer on the widget's side of the API: verified by the code from the dev mailbox. */
export async function verifiedCustomer(test: ConsoleTestServer, email: string) {
  const { challengeId } = (await visitorCall(test, 'POST', '/v1/auth/email/start', { body: { email } })) as {
    challengeId: string
  }
  const mail = test.server.devOutbox?.messages().find((message) => message.to === email)
  const code = mail && /\b(\d{6})\b/.exec(mail.text)?.[1]
  if (!code) throw new Error(`No code was mailed to ${email}`)
  const { session } = (await visitorCall(test, 'POST', '/v1/auth/email/verify', { body: { challengeId, code } })) as {
    session: { token: string }
  }
  return customerWithSession(test, session.token)
}

/** A customer signed in on the site: its backend signed an identity token (HS256, the workspace secret). */
export async function signedInCustomer(
  test: ConsoleTestServer,
  claims: { sub: string; email?: string; name?: string },
) {
  const { session } = (await visitorCall(test, 'POST', '/v1/auth/identify', {
    body: { identityToken: signIdentityToken(test.workspace, claims) },
  })) as { session: { token: string } }
  return customerWithSession(test, session.token)
}

function customerWithSession(test: ConsoleTestServer, token: string) {
  const messages = async () =>
    ((await visitorCall(test, 'GET', '/v1/conversation/messages', { token })) as { messages: Message[] }).messages
  return {
    token,
    send: (text: string) =>
      visitorCall(test, 'POST', '/v1/conversation/messages', { token, body: { clientId: crypto.randomUUID(), text } }),
    typing: (draft: string) => visitorCall(test, 'POST', '/v1/conversation/typing', { token, body: { draft } }),
    visitPage: (url: string, title: string) =>
      visitorCall(test, 'POST', '/v1/page-views', {
        token,
        body: { url, title, referrer: '', timeZone: 'Asia/Tokyo' },
      }),
    /** Reads everything, as the widget does while open. */
    read: async () =>
      visitorCall(test, 'POST', '/v1/conversation/read', {
        token,
        body: { upToSeq: (await messages()).at(-1)?.seq ?? 0 },
      }),
    messages,
  }
}

export function signIdentityToken(workspace: TestWorkspace, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT', kid: workspace.kid })}.${encode({ ...claims, iat: now, exp: now + 600 })}`
  return `${unsigned}.${createHmac('sha256', workspace.secret).update(unsigned).digest('base64url')}`
}

export async function expectAccessible(container: Element): Promise<void> {
  // jsdom lays nothing out, so contrast cannot be computed there; the rest of axe runs.
  const { violations } = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } })
  expect(
    violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([])
}

export const freshEmail = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.test`

/** Another advisor of the workspace, acting through the agent API with their own key. */
export async function colleague(test: ConsoleTestServer, name: string): Promise<{ id: string; api: AgentClient }> {
  const { agent, agentKey } = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name })
  return { id: agent.id, api: createAgentClient({ baseUrl: test.server.url, agentKey }) }
}

/**
 * The signed-in console for an agent key (the workspace's own by default, whose advisor is its
 * owner), once its event stream is live. How the console signs in is the sign-in screen's concern;
 * these tests start from the inbox.
 */
export async function renderInbox(
  test: ConsoleTestServer,
  agentKey = test.workspace.agentKey,
): Promise<{ container: HTMLElement; list: HTMLElement; agent: Agent }> {
  const { agent } = await createAgentClient({ baseUrl: test.server.url, agentKey }).me()
  const rendered = render(
    <AttachmentsContext value={createAgentAttachmentClient({ baseUrl: test.server.url, agentKey })}>
      <Inbox
        api={createAgentClient({ baseUrl: test.server.url, agentKey })}
        blocks={createBlocksClient({ baseUrl: test.server.url, agentKey })}
        records={createAgentRecordsClient({ baseUrl: test.server.url, agentKey })}
        agent={agent}
        workspaceName="Console Shop"
        onSignOut={() => undefined}
        onAccessEnded={() => undefined}
      />
    </AttachmentsContext>,
  )
  await screen.findByText('Live')
  const list = await screen.findByRole('navigation', { name: 'Conversations' })
  return { container: rendered.container, list, agent }
}

/**
 * The customer writes `text`, and the console opens their conversation from the list (the row found
 * by `rowName`): what most conversation tests start from.
 */
export async function openConversation(
  test: ConsoleTestServer,
  { customer, text, rowName, agentKey }: { customer: TestCustomer; text: string; rowName: string; agentKey?: string },
) {
  const sent = (await customer.send(text)) as { message: { conversationId: string } }
  const rendered = await renderInbox(test, agentKey)
  const user = userEvent.setup()
  await user.click(await within(rendered.list).findByRole('button', { name: new RegExp(rowName) }))
  const article = await screen.findByRole('article')
  await within(article).findByText(text)
  return { ...rendered, user, article, conversationId: sent.message.conversationId }
}

// ── the console session: the email-code sign-in, a browser's cookie ────────────────────────────────

/**
 * The newest console sign-in code mailed to `email` whose mail is not in `seen` (the dev outbox);
 * waits for it. Pass one `seen` per file to have each code answered once.
 */
export function consoleCode(test: ConsoleTestServer, email: string, seen: Set<string>): Promise<string> {
  return vi.waitFor(
    () => {
      const code = takeConsoleCode(test.server.devOutbox?.messages() ?? [], email, seen)
      if (code === null) throw new Error(`No new console sign-in code was mailed to ${email}`)
      return code
    },
    { timeout: 10_000, interval: 20 },
  )
}

/** A browser tab on the server's origin (`createConsoleBrowser`), signed in as `email` with the emailed code. */
export async function signedInBrowser(test: ConsoleTestServer, email: string): Promise<ConsoleBrowser> {
  const seen = new Set((test.server.devOutbox?.messages() ?? []).map((message) => message.id))
  const browser = createConsoleBrowser(test.server.url)
  const client = createConsoleClient({ baseUrl: test.server.url, fetch: browser.fetch })
  await client.startSignIn({ email })
  await client.verifySignIn({ email, code: await consoleCode(test, email, seen) })
  return browser
}

/** A new advisor of the workspace with an email, invited with the admin API (no sign-in yet). */
export async function teammate(
  test: ConsoleTestServer,
  role: AdvisorRole,
  name: string,
): Promise<{ advisor: TeamMember; email: string }> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${crypto.randomUUID().slice(0, 6)}@shop.example`
  return { advisor: await test.admin.inviteAdvisor({ email, name, role }), email }
}
