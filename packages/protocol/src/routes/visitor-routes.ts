import type { VisitorEvent } from '../schemas/events.js'
import type {
  DeclineIdentificationRequest,
  IdentificationCodeResponse,
  MintCodeRequest,
} from '../schemas/identification.js'
import type {
  ConversationResponse,
  EmailChallenge,
  EmailStartRequest,
  EmailVerifyRequest,
  IdentifyRequest,
  MarkReadRequest,
  MeResponse,
  MessagesPage,
  MessagesQuery,
  PageView,
  SendMessageRequest,
  SendMessageResponse,
  SessionGrant,
  TypingRequest,
  UploadResponse,
  AttachmentLink,
} from '../schemas/visitor.js'
import type { Availability } from '../schemas/availability.js'
import type { EmailTranscriptRequest, TranscriptRequest } from '../schemas/records.js'
import type { RouteTable } from './route.js'

const routes = {
  startEmailVerification: { method: 'POST', path: '/v1/auth/email/start', auth: 'workspace' },
  verifyEmail: { method: 'POST', path: '/v1/auth/email/verify', auth: 'workspace' },
  identify: { method: 'POST', path: '/v1/auth/identify', auth: 'workspace' },
  logout: { method: 'POST', path: '/v1/auth/logout', auth: 'session' },
  me: { method: 'GET', path: '/v1/me', auth: 'session' },
  getConversation: { method: 'GET', path: '/v1/conversation', auth: 'session' },
  listMessages: { method: 'GET', path: '/v1/conversation/messages', auth: 'session' },
  sendMessage: { method: 'POST', path: '/v1/conversation/messages', auth: 'session' },
  markRead: { method: 'POST', path: '/v1/conversation/read', auth: 'session' },
  setTyping: { method: 'POST', path: '/v1/conversation/typing', auth: 'session' },
  trackPageView: { method: 'POST', path: '/v1/page-views', auth: 'session' },
  /**
   * The body is the file's raw bytes (`Content-Type` = the file's type; name in `attachmentNameHeader`).
   * The attachment belongs to the uploader's conversation and can only be sent by them (D7).
   */
  uploadAttachment: { method: 'POST', path: '/v1/uploads', auth: 'session' },
  /** D7: a signed, short-lived download URL for an attachment of the customer's conversation. */
  attachmentLink: { method: 'GET', path: '/v1/attachments/:id/link', auth: 'session' },
  /** Server-Sent Events; `id:` is a resumable cursor, sent back as `Last-Event-ID`. */
  events: { method: 'GET', path: '/v1/events', auth: 'session' },
  /** "I have no account": ends the wait for an identification code; the text is posted as the customer's reply. */
  declineIdentification: { method: 'POST', path: '/v1/conversation/decline-identification', auth: 'session' },
  /** The loader's widget: a code for the account the site's identity JWT names (C1). No session needed. */
  mintIdentificationCode: { method: 'POST', path: '/v1/identification-codes', auth: 'workspace' },
  /** "Email me this conversation": verified customers only, rate limited (`transcriptRequestLimits`). */
  emailTranscript: { method: 'POST', path: '/v1/conversation/transcript', auth: 'session' },
  /** The chat mode now, before anyone signs in: the loader and the chat read it before the customer types. */
  getAvailability: { method: 'GET', path: '/v1/availability', auth: 'workspace' },
  /** "Talk to a person": a bot answering the conversation hands it to advisors at once (W8). No body. */
  requestPerson: { method: 'POST', path: '/v1/conversation/handoff', auth: 'session' },
} as const

/** The visitor API: everything a customer's client may call. */
export const visitorRoutes: RouteTable<
  typeof routes,
  {
    startEmailVerification: { body: EmailStartRequest; response: EmailChallenge }
    verifyEmail: { body: EmailVerifyRequest; response: SessionGrant }
    identify: { body: IdentifyRequest; response: SessionGrant }
    logout: object
    me: { response: MeResponse }
    getConversation: { response: ConversationResponse }
    listMessages: { query: MessagesQuery; response: MessagesPage }
    sendMessage: { body: SendMessageRequest; response: SendMessageResponse }
    markRead: { body: MarkReadRequest }
    setTyping: { body: TypingRequest }
    trackPageView: { body: PageView }
    uploadAttachment: { response: UploadResponse }
    attachmentLink: { response: AttachmentLink }
    events: { event: VisitorEvent }
    declineIdentification: { body: DeclineIdentificationRequest; response: ConversationResponse }
    mintIdentificationCode: { body: MintCodeRequest; response: IdentificationCodeResponse }
    emailTranscript: { body: EmailTranscriptRequest; response: TranscriptRequest }
    requestPerson: { response: ConversationResponse }
    getAvailability: { response: Availability }
  }
> = routes

export type VisitorRoutes = typeof visitorRoutes
export type VisitorRouteName = keyof VisitorRoutes
