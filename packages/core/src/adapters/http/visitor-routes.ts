import type {
  VisitorRouteName,
  visitorRoutes as protocolRoutes,
  workspaceHeader as protocolWorkspaceHeader,
} from '@threadline/protocol'

// The protocol's route table holds its request and response schemas, so importing it would ship zod.
// This copy has only what a request needs; its types are the protocol's own literals, so a path or
// method that drifts stops compiling, and `wire-checks.test.ts` compares the two at run time too.

type RouteOf<Name extends VisitorRouteName> = Pick<(typeof protocolRoutes)[Name], 'method' | 'path'>

export const visitorRoutes: { readonly [Name in VisitorRouteName]: RouteOf<Name> } = {
  startEmailVerification: { method: 'POST', path: '/v1/auth/email/start' },
  verifyEmail: { method: 'POST', path: '/v1/auth/email/verify' },
  identify: { method: 'POST', path: '/v1/auth/identify' },
  logout: { method: 'POST', path: '/v1/auth/logout' },
  me: { method: 'GET', path: '/v1/me' },
  getConversation: { method: 'GET', path: '/v1/conversation' },
  listMessages: { method: 'GET', path: '/v1/conversation/messages' },
  sendMessage: { method: 'POST', path: '/v1/conversation/messages' },
  markRead: { method: 'POST', path: '/v1/conversation/read' },
  setTyping: { method: 'POST', path: '/v1/conversation/typing' },
  trackPageView: { method: 'POST', path: '/v1/page-views' },
  uploadAttachment: { method: 'POST', path: '/v1/uploads' },
  events: { method: 'GET', path: '/v1/events' },
  declineIdentification: { method: 'POST', path: '/v1/conversation/decline-identification' },
  mintIdentificationCode: { method: 'POST', path: '/v1/identification-codes' },
}

export const workspaceHeader: typeof protocolWorkspaceHeader = 'x-threadline-workspace'
