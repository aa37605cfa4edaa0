import type {
  Attachment,
  AttachmentLink,
  Conversation,
  Customer,
  PageView,
  TranscriptRequest,
} from '@threadline/protocol'
import type { ChatAdapter } from '../adapters/types.js'
import type { KeyValueStorage } from '../storage/types.js'
import type { ChatState, PendingVerification } from '../store/state.js'
import type { ChatStore } from '../store/store.js'
import type { TabCoordinator } from '../tabs/types.js'
import type { IdentifyOptions } from './identity-token-flow.js'
import type { Result } from './result.js'
import type { SessionKeeperFactory } from './session-keeper.js'

export interface ChatClientOptions {
  adapter: ChatAdapter
  /** Durable storage for the session and the outbox. Default: IndexedDB, else localStorage, else memory. */
  storage?: KeyValueStorage
  /** Elects the one tab that sends the outbox. Default: Web Locks, else BroadcastChannel, else single. */
  tabs?: TabCoordinator
  /** Separates clients that share a storage, e.g. one per workspace. */
  namespace?: string
  /**
   * Where the session is kept between page loads. Default: in `storage`, token and all. The chat
   * frame passes `cookieSessionKeeper(…)`: the server's partitioned HttpOnly cookie (docs/sessions.md).
   */
  sessionKeeper?: SessionKeeperFactory
  now?: () => number
  /** Client ids for messages; must be unique forever (UUIDv4 by default). */
  generateId?: () => string
  /** Source of jitter for retries. */
  random?: () => number
  /** Messages per history page. */
  pageSize?: number
}

export interface SendMessageInput {
  text: string
  /** Files uploaded with `uploadAttachment` for this message. */
  attachments?: Attachment[]
  /**
   * The id of the quick start the customer tapped (`state.availability.quickStarts`, docs/automation.md),
   * whose message `text` is: the backend records it on the conversation. Only on the first message.
   */
  quickStart?: string
}

export interface UploadAttachmentOptions {
  /** Defaults to the file's own name (a `File`), else "attachment". */
  name?: string
  signal?: AbortSignal
}

/**
 * Every action resolves to a `Result` and never rejects: operational failures (a wrong code, no
 * network, storage refusing a write) are values, and also `state.lastError`.
 */
export interface ChatClient {
  /** The zustand store; bindings read it through selectors. */
  readonly store: ChatStore
  /** Resolves once the stored session and outbox have been read. */
  readonly ready: Promise<void>
  getState(): ChatState
  subscribe(listener: (state: ChatState, previous: ChatState) => void): () => void
  startEmailVerification(email: string): Promise<Result<PendingVerification>>
  /** Sends a new code to the email being verified; refused locally until the cooldown ends. */
  resendCode(): Promise<Result<PendingVerification>>
  verifyEmail(code: string): Promise<Result<Customer>>
  /** Abandons the pending verification ("use another email"). */
  cancelVerification(): Promise<Result<void>>
  identify(options: IdentifyOptions): Promise<Result<Customer>>
  /** Shows the message at once and delivers it exactly once, whenever the network allows. */
  sendMessage(input: SendMessageInput): Promise<Result<{ clientId: string }>>
  /**
   * Uploads a file for the next message. Refuses locally, with the server's codes
   * (`unsupported_media_type`, `payload_too_large`), a file the server would refuse.
   */
  uploadAttachment(file: Blob, options?: UploadAttachmentOptions): Promise<Result<Attachment>>
  /**
   * A fresh, short-lived URL for an attachment of the conversation (D7); ask again once it expires.
   * Fails with `attachment_pending` or `attachment_blocked` for a file that is not clean (D6).
   */
  attachmentLink(attachmentId: string): Promise<Result<AttachmentLink>>
  /** Whether the backend can email the customer their conversation (`emailTranscript`). */
  readonly canEmailTranscript: boolean
  /**
   * "Email me this conversation", to the customer's verified email, with times in this browser's
   * time zone. Refused with `forbidden` before verification and `rate_limited` when asked too often.
   */
  emailTranscript(): Promise<Result<TranscriptRequest>>
  /** Puts a message the server refused back in line. */
  retryMessage(clientId: string): Promise<Result<void>>
  /** Drops a message the server refused. */
  discardMessage(clientId: string): Promise<Result<void>>
  loadOlder(): Promise<Result<{ loaded: number }>>
  /** Marks messages read up to `upToSeq` (default: the newest). */
  markRead(upToSeq?: number): Promise<Result<void>>
  /** Call on every draft change; throttled, with the draft as a preview for advisors. */
  setTyping(draft: string): void
  trackPageView(page: PageView): Promise<Result<void>>
  /**
   * The customer's "I have no account" while `conversation.awaitingIdentification`: `text`, in their
   * own language, is posted as their message and the wait ends. Resolves with the conversation as it
   * is then; when nothing waited it posts nothing, so a second click is harmless.
   */
  declineIdentification(text: string): Promise<Result<Conversation | null>>
  /**
   * "Talk to a person": while a bot answers (`conversation.controller === 'bot'`), the conversation
   * goes to the advisors at once. Resolves with the conversation as it is then; otherwise harmless.
   */
  requestPerson(): Promise<Result<Conversation | null>>
  clearError(): void
  /**
   * Ends the session on the server and wipes every local trace. Safe to call twice. The screen is
   * wiped even when storage fails; the failed result then says a trace may be left on the device.
   */
  logout(): Promise<Result<void>>
  /** Stops timers, realtime and the outbox sender; keeps storage. */
  destroy(): void
}
