import type {
  AcceptedInboundEmail,
  CreatedInboundSecret,
  DiscardedInboundEmail,
  InboundEmailResponse,
  InboundEmailResult,
  InboundEmailSettings,
  InboundEmailsQuery,
  InboundEmailsResponse,
} from '../schemas/inbound-email.js'
import type { RouteTable } from './route.js'

const routes = {
  /**
   * A provider's inbound webhook posts the raw mail here (`Content-Type: message/rfc822`), with the
   * workspace's inbound secret as the bearer token (docs/email-replies.md).
   */
  receiveEmail: { method: 'POST', path: '/v1/inbound/email', auth: 'inbound' },
  /** Held mails (and accepted or discarded ones), newest first. */
  listInboundEmails: { method: 'GET', path: '/v1/agent/inbound-emails', auth: 'agent' },
  /** One mail with its whole original (M2). */
  inboundEmail: { method: 'GET', path: '/v1/agent/inbound-emails/:id', auth: 'agent' },
  /** A held mail lands as the customer's message (owners and admins: it overrides M1's checks). */
  acceptInboundEmail: { method: 'POST', path: '/v1/agent/inbound-emails/:id/accept', auth: 'agent' },
  /** A held mail is set aside; its original is kept until the conversation is erased. */
  discardInboundEmail: { method: 'POST', path: '/v1/agent/inbound-emails/:id/discard', auth: 'agent' },
  inboundEmailSettings: { method: 'GET', path: '/v1/agent/inbound-email', auth: 'agent' },
  /** Owners and admins: a new inbound secret, answered once; the old one stops at once. */
  rotateInboundSecret: { method: 'POST', path: '/v1/agent/inbound-email/secret', auth: 'agent' },
  /** Revokes every reply address the conversation's emails carried; the next email carries a new one. */
  rotateReplyAddress: { method: 'POST', path: '/v1/agent/conversations/:id/reply-address/rotate', auth: 'agent' },
} as const

/** Email replies into the conversation: the provider's webhook, and the agent API's held mails. */
export const inboundEmailRoutes: RouteTable<
  typeof routes,
  {
    receiveEmail: { response: InboundEmailResult }
    listInboundEmails: { query: InboundEmailsQuery; response: InboundEmailsResponse }
    inboundEmail: { response: InboundEmailResponse }
    acceptInboundEmail: { response: AcceptedInboundEmail }
    discardInboundEmail: { response: DiscardedInboundEmail }
    inboundEmailSettings: { response: InboundEmailSettings }
    rotateInboundSecret: { response: CreatedInboundSecret }
    rotateReplyAddress: object
  }
> = routes

export type InboundEmailRoutes = typeof inboundEmailRoutes
export type InboundEmailRouteName = keyof InboundEmailRoutes
