import type {
  Attachment,
  Availability,
  AttachmentLink,
  ChatEvent,
  Conversation,
  Customer,
  EmailChallenge,
  MessagesPage,
  PageView,
  SendMessageResponse,
  SessionGrant,
  TranscriptRequest,
} from '@threadline/protocol'

/**
 * The seam between the client and any backend. Version 1.
 *
 * Rules every implementation keeps (the conformance suite in `@threadline/core/testing` checks them):
 * - every method takes one options object and honours its `signal`;
 * - failures reject with a `ThreadlineError` (an `ApiError` with a protocol code when the backend refused);
 * - the adapter holds no session of its own: the client passes the token to each call, so one adapter
 *   can serve any number of clients and a logout cannot leave a stale token behind;
 * - `sendMessage` is idempotent on `clientId` for the conversation, forever.
 */
export interface ChatAdapter {
  readonly specificationVersion: 1
  startEmailVerification(options: { email: string } & CallOptions): Promise<EmailChallenge>
  verifyEmail(options: { challengeId: string; code: string } & CallOptions): Promise<SessionGrant>
  identify(options: { identityToken: string } & CallOptions): Promise<SessionGrant>
  logout(options: SessionCallOptions): Promise<void>
  getMe(options: SessionCallOptions): Promise<Customer>
  /** The customer's one ongoing conversation, or null before their first message. */
  getConversation(options: SessionCallOptions): Promise<Conversation | null>
  listMessages(
    options: { beforeSeq?: number; afterSeq?: number; limit?: number } & SessionCallOptions,
  ): Promise<MessagesPage>
  /**
   * Resolves only after the backend committed the message durably (the ack). `quickStart`: the id of
   * the quick start the customer tapped (`availability.quickStarts`), on the message that opens a
   * session only; the backend refuses it otherwise with `validation_failed` (docs/automation.md).
   */
  sendMessage(
    options: { clientId: string; text: string; attachmentIds?: string[]; quickStart?: string } & SessionCallOptions,
  ): Promise<SendMessageResponse>
  markRead(options: { upToSeq: number } & SessionCallOptions): Promise<void>
  setTyping(options: { draft: string } & SessionCallOptions): Promise<void>
  trackPageView(options: { page: PageView } & SessionCallOptions): Promise<void>
  /**
   * The customer's "I have no account" while the conversation waits for an identification code
   * (`conversation.awaitingIdentification`): `text` (their words, in their language) is posted as
   * their message and the wait ends. When nothing waits it changes nothing and answers the
   * conversation as it is (null before the first message), so a retry is harmless.
   */
  declineIdentification(options: { text: string } & SessionCallOptions): Promise<{ conversation: Conversation | null }>
  /**
   * "Talk to a person": while a bot answers the conversation (`conversation.controller === 'bot'`),
   * it goes to the advisors at once. Otherwise it changes nothing, so a second tap is harmless.
   */
  requestPerson(options: SessionCallOptions): Promise<{ conversation: Conversation | null }>
  /**
   * Uploads one file for the customer's next message and resolves with its attachment, whose id
   * `sendMessage` then takes. Only the uploader can send it, and only once (D7).
   */
  uploadAttachment(options: { file: Blob; name: string } & SessionCallOptions): Promise<Attachment>
  /**
   * A short-lived URL for an attachment of the customer's conversation (D7). Only `clean` files have
   * one; others reject with `attachment_pending` or `attachment_blocked` (D6).
   */
  getAttachmentLink(options: { attachmentId: string } & SessionCallOptions): Promise<AttachmentLink>
  /**
   * "Email me this conversation": the conversation so far, to the customer's verified email only
   * (`forbidden` otherwise), rate limited (`rate_limited` with a retry time). `timeZone` is the
   * browser's, for the times in the mail. Optional, so adapters written before it keep compiling;
   * without it the widget shows no button.
   */
  emailTranscript?(options: { timeZone?: string } & SessionCallOptions): Promise<TranscriptRequest>
  /**
   * Opens the realtime stream. The adapter may resume transparently after short drops; when it gives
   * up it calls `onClose` once and the subscription is over (the client resubscribes and catches up).
   */
  subscribe(options: { handlers: SubscriptionHandlers } & SessionCallOptions): Unsubscribe
}

export interface CallOptions {
  signal?: AbortSignal
}

export interface SessionCallOptions extends CallOptions {
  /** The bearer token from a SessionGrant. */
  token: string
}

export interface SubscriptionHandlers {
  onOpen?: () => void
  onEvent: (event: ChatEvent) => void
  /**
   * The workspace's chat mode (docs/availability.md), as the stream opens and whenever it changes.
   * The stream opens as soon as the customer is signed in, so the chat knows the mode before they
   * can type. Optional: a backend that never calls it is always live.
   */
  onAvailability?: (availability: Availability) => void
  /**
   * Called once, asynchronously, when the stream ends for good without being unsubscribed; `error`
   * (a ThreadlineError) says why. Never called after `unsubscribe()`. Events carry no resume cursor
   * of their own: after a new subscription opens, the client catches up with
   * `listMessages({ afterSeq })` and `getConversation()` (read markers, status).
   */
  onClose?: (info: { error: unknown }) => void
}

export type Unsubscribe = () => void
