import { consoleRoutes } from '@threadline/protocol'
import type { ApiError, ConsoleDevice, ConsoleSession } from '@threadline/protocol'
import { agentClientOver } from './create-agent-client.js'
import type { AgentClient } from './create-agent-client.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, FetchFunction } from './http-client.js'
import { teamClientOver } from './team.js'
import { automationClientOver } from './automation.js'
import type { AutomationClient } from './automation.js'
import { blocksClientOver } from './blocks.js'
import type { BlocksClient } from './blocks.js'
import { agentRecordsClientOver } from './records.js'
import { attachmentClientOver } from './attachments.js'
import type { AgentAttachmentClient } from './attachments.js'
import type { AgentRecordsClient } from './records.js'
import type { TeamClient } from './team.js'
import { webhooksClientOver } from './webhooks.js'
import type { WebhooksClient } from './webhooks.js'

export interface ConsoleClientOptions {
  /** '' (the default): this page's own origin, where the server serves the console. */
  baseUrl?: string
  /** Injected `fetch` (tests); the global one, looked up per call, otherwise. */
  fetch?: FetchFunction
  /** How long a call may take before it fails with a TimeoutError (10 s); the event stream is exempt. */
  timeoutMs?: number
  /**
   * Called with every 401 the server answers, from any method or the event stream: signed in, it
   * means the session ended (signed out elsewhere, expired, or the advisor was removed from the team).
   */
  onUnauthorized?: (error: ApiError) => void
}

export interface StartSignInOptions extends CallOptions {
  email: string
}
export interface VerifySignInOptions extends CallOptions {
  email: string
  /** The six digits from the email; spaces around them are ignored by the server. */
  code: string
}
export interface SwitchWorkspaceOptions extends CallOptions {
  workspaceId: string
}
export interface EndSessionOptions extends CallOptions {
  /** A device's `id` from `listSessions`. */
  sessionId: string
}

/**
 * The console as a browser page on the server's own origin sees it: the email-code sign-in, the
 * session it sets as an HttpOnly cookie (`credentials: 'same-origin'`; no script ever holds a token),
 * and the agent and team APIs called as the signed-in advisor.
 */
export interface ConsoleClient {
  /**
   * Asks for a sign-in code. Resolves the same way whether or not the email is an advisor's (no one
   * can learn who is); only an advisor is mailed. Too many asks reject with `rate_limited` (429).
   */
  startSignIn(options: StartSignInOptions): Promise<void>
  /**
   * Checks the code and signs this browser in (the server sets the cookie). Rejects with `otp_invalid`
   * (wrong, or not an advisor's email), `otp_expired` (after 10 minutes), `otp_attempts_exceeded`
   * (5 wrong tries used the code up) or `otp_locked` (too many wrong codes for this email).
   */
  verifySignIn(options: VerifySignInOptions): Promise<ConsoleSession>
  /** Who is signed in and in which workspace; `unauthorized` (401) when nobody is. */
  getSession(options?: CallOptions): Promise<ConsoleSession>
  /** Shows another of the email's workspaces, without a new code. */
  switchWorkspace(options: SwitchWorkspaceOptions): Promise<ConsoleSession>
  /** Every device the email is signed in on, this one marked `current`. */
  listSessions(options?: CallOptions): Promise<ConsoleDevice[]>
  /** Signs that device out and closes its event streams (this one's cookie is cleared too). */
  endSession(options: EndSessionOptions): Promise<void>
  signOut(options?: CallOptions): Promise<void>
  /** Ends every session of the email, this one included. */
  signOutEverywhere(options?: CallOptions): Promise<void>
  /** The agent API (conversations, replies, the event stream) as the signed-in advisor. */
  readonly agent: AgentClient
  /** The team, presence and API keys as the signed-in advisor, with their role's rights. */
  readonly team: TeamClient
  /** Blocks (F1–F6) as the signed-in advisor. */
  readonly blocks: BlocksClient
  /** Transcripts, export and erasure (N3, R1, R2) as the signed-in advisor. */
  readonly records: AgentRecordsClient
  /**
   * Files (D1–D8) as the signed-in advisor: uploads with their progress, replies that carry them,
   * and their short-lived links. The cookie is the credential here too; no header carries a key.
   */
  readonly attachments: AgentAttachmentClient
  /** Webhook endpoints and their delivery logs, for an owner or admin (others are refused, H4). */
  readonly webhooks: WebhooksClient
  /** The workspace's bot and its deadlines (docs/automation.md); setting them is for owners and admins. */
  readonly automation: AutomationClient
}

/** The typed client of `consoleRoutes`, with the agent and team clients on the same cookie session. */
export function createConsoleClient({
  baseUrl = '',
  fetch,
  timeoutMs,
  onUnauthorized,
}: ConsoleClientOptions = {}): ConsoleClient {
  const transport = {
    baseUrl,
    // The cookie is the credential: nothing to put in a header, and nothing a script could read.
    headers: {},
    credentials: 'same-origin' as const,
    fetch,
    timeoutMs,
    onApiError: (error: ApiError) => {
      if (error.status === 401) onUnauthorized?.(error)
    },
  }
  const http = createHttpClient(transport)
  return {
    async startSignIn({ signal, email }) {
      await http.request(consoleRoutes.signInStart, { signal, body: { email } })
    },
    verifySignIn: ({ signal, email, code }) =>
      http.request(consoleRoutes.signInVerify, { signal, body: { email, code } }),
    getSession: ({ signal } = {}) => http.request(consoleRoutes.getSession, { signal }),
    switchWorkspace: ({ signal, workspaceId }) =>
      http.request(consoleRoutes.switchWorkspace, { signal, body: { workspaceId } }),
    async listSessions({ signal } = {}) {
      return (await http.request(consoleRoutes.listSessions, { signal })).sessions
    },
    async endSession({ signal, sessionId }) {
      await http.request(consoleRoutes.endSession, { signal, params: { id: sessionId } })
    },
    async signOut({ signal } = {}) {
      await http.request(consoleRoutes.signOut, { signal })
    },
    async signOutEverywhere({ signal } = {}) {
      await http.request(consoleRoutes.signOutEverywhere, { signal })
    },
    agent: agentClientOver(http),
    team: teamClientOver(http),
    blocks: blocksClientOver(http),
    records: agentRecordsClientOver(http),
    attachments: attachmentClientOver(transport),
    webhooks: webhooksClientOver(http),
    automation: automationClientOver(http),
  }
}
