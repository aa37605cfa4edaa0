import { inboundEmailRoutes } from '@threadline/protocol'
import type {
  AcceptedInboundEmail,
  CreatedInboundSecret,
  InboundEmail,
  InboundEmailResponse,
  InboundEmailSettings,
  InboundEmailsQuery,
} from '@threadline/protocol'
import type { AgentClientOptions, ConversationCallOptions } from './create-agent-client.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, HttpClient } from './http-client.js'

export type ListInboundEmailsOptions = InboundEmailsQuery & CallOptions
export interface InboundEmailCallOptions extends CallOptions {
  inboundEmailId: string
}

/**
 * Email replies on the agent API (docs/email-replies.md): the mails held for an advisor, the
 * inbound secret a provider's webhook calls with, and a conversation's reply addresses.
 */
export interface InboundEmailClient {
  /** Held mails by default (or `status: 'accepted' | 'discarded'`), newest first. */
  listInboundEmails(options?: ListInboundEmailsOptions): Promise<InboundEmail[]>
  /** One mail with its whole original. */
  inboundEmail(options: InboundEmailCallOptions): Promise<InboundEmailResponse>
  /** Lands a held mail as the customer's message; owners and admins (an `admin`-scope key). */
  acceptInboundEmail(options: InboundEmailCallOptions): Promise<AcceptedInboundEmail>
  discardInboundEmail(options: InboundEmailCallOptions): Promise<InboundEmail>
  inboundEmailSettings(options?: CallOptions): Promise<InboundEmailSettings>
  /** A new inbound secret, answered this once; the old one stops at once. Owners and admins. */
  rotateInboundSecret(options?: CallOptions): Promise<CreatedInboundSecret>
  /** Revokes the reply addresses the conversation's emails carried. */
  rotateReplyAddress(options: ConversationCallOptions): Promise<void>
}

/** The typed client of `inboundEmailRoutes`' agent routes, with the same options (and key) as `createAgentClient`. */
export function createInboundEmailClient({
  baseUrl = '',
  agentKey,
  fetch,
  timeoutMs,
}: AgentClientOptions): InboundEmailClient {
  return inboundEmailClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** The same routes over any credential: a key's header, or the console session's cookie. */
export function inboundEmailClientOver(http: HttpClient): InboundEmailClient {
  const id = (inboundEmailId: string) => ({ id: inboundEmailId })
  return {
    async listInboundEmails({ signal, ...query } = {}) {
      return (await http.request(inboundEmailRoutes.listInboundEmails, { signal, query })).emails
    },
    inboundEmail: ({ inboundEmailId, signal }) =>
      http.request(inboundEmailRoutes.inboundEmail, { signal, params: id(inboundEmailId) }),
    acceptInboundEmail: ({ inboundEmailId, signal }) =>
      http.request(inboundEmailRoutes.acceptInboundEmail, { signal, params: id(inboundEmailId) }),
    async discardInboundEmail({ inboundEmailId, signal }) {
      return (await http.request(inboundEmailRoutes.discardInboundEmail, { signal, params: id(inboundEmailId) })).email
    },
    inboundEmailSettings: ({ signal } = {}) => http.request(inboundEmailRoutes.inboundEmailSettings, { signal }),
    rotateInboundSecret: ({ signal } = {}) => http.request(inboundEmailRoutes.rotateInboundSecret, { signal }),
    async rotateReplyAddress({ conversationId, signal }) {
      await http.request(inboundEmailRoutes.rotateReplyAddress, { signal, params: { id: conversationId } })
    },
  }
}
