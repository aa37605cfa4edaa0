import type { AttachmentScanState } from '@threadline/protocol'

/**
 * The tables, as kysely sees them. One schema for SQLite and Postgres, so it keeps to a portable
 * subset: ids and text are `text`, every timestamp is epoch milliseconds in a `bigint` (read back as
 * a JavaScript number on both), and flags are 0/1 integers.
 */
export interface DatabaseSchema {
  workspaces: WorkspaceTable
  workspace_keys: WorkspaceKeyTable
  agents: AgentTable
  customers: CustomerTable
  customer_emails: CustomerEmailTable
  sessions: SessionTable
  otp_challenges: OtpChallengeTable
  otp_email_states: OtpEmailStateTable
  conversations: ConversationTable
  messages: MessageTable
  page_views: PageViewTable
  uploads: UploadTable
  accounts: AccountTable
  identification_codes: IdentificationCodeTable
  identification_failures: IdentificationFailureTable
  api_keys: ApiKeyTable
  console_sessions: ConsoleSessionTable
  console_codes: ConsoleCodeTable
  console_code_states: ConsoleCodeStateTable
  conversation_notes: ConversationNoteTable
  pinned_notes: PinnedNoteTable
  canned_replies: CannedReplyTable
  conversation_events: ConversationEventTable
  timeline_cursors: TimelineCursorTable
  conversation_labels: ConversationLabelTable
  transcript_sends: TranscriptSendTable
  privacy_audit: PrivacyAuditTable
  customer_blocks: CustomerBlockTable
  reply_tokens: ReplyTokenTable
  inbound_emails: InboundEmailTable
  inbound_secrets: InboundSecretTable
  customer_networks: CustomerNetworkTable
}

export interface WorkspaceTable {
  id: string
  name: string
  /** JSON array of origins (`https://shop.example`) allowed to call the visitor API from a browser. */
  allowed_origins: string
  created_at: number
  /** `off` | `offered` | `required` (protocol identificationModes). */
  identification_mode: 'off' | 'offered' | 'required'
  /** With `required`: only customers created after this moment are asked; null asks everyone. */
  identification_customers_after: number | null
  /** R3: finished conversations older than this many days are deleted; null keeps them. Optional: rows made before 0009 have none. */
  retention_days?: number | null
  /** JSON `ChatSettings` (override and schedule); null is live, always. Optional: rows made before 0014 have none. */
  chat_settings?: string | null
  /** JSON `AutomationSettings` (the bot for new conversations, its deadlines); null: no bot. Optional: rows before 0018. */
  automation_settings?: string | null
  /** JSON `IntakeSettings` (the intake steps); null asks nothing. Optional: rows before 0019. */
  intake_settings?: string | null
}

/** HS256 signing secrets for identity tokens; at most two are live at once (rotation by `kid`). */
export interface WorkspaceKeyTable {
  kid: string
  workspace_id: string
  /** The secret, sealed with a key derived from the server secret (AES-256-GCM). */
  sealed_secret: string
  /** 1 for the first secret, +1 per rotation: orders keys even when two are made in the same millisecond. */
  generation: number
  created_at: number
  retired_at: number | null
}

export interface AgentTable {
  id: string
  workspace_id: string
  name: string
  avatar_url: string | null
  /**
   * Before 0004: SHA-256 of the advisor's one agent key. Keys now live in `api_keys` (this one was
   * copied there); the column is kept, unique and never matched, for advisors made since it holds `none:<id>`.
   */
  key_hash: string
  created_at: number
  /** Normalised; the console sign-in key. Null for advisors made by tools before there were emails. */
  email: string | null
  role: 'owner' | 'admin' | 'advisor'
  invited_at: number | null
  /** Set once when the advisor leaves the team: their sessions, keys and streams end, their messages stay. */
  removed_at: number | null
  /** `away` when the advisor said so; null is "present when connected". */
  presence_status: 'away' | null
  /** Last moment one of the advisor's console streams was known to be open. */
  last_stream_seen_at: number | null
}

/** H5: named, scoped keys for the agent API; only a hash is stored, the key is shown once. */
export interface ApiKeyTable {
  id: string
  workspace_id: string
  agent_id: string
  name: string
  scope: 'agent' | 'bot' | 'admin'
  /** HMAC-SHA256 under the server pepper; for keys copied from `agents.key_hash`, their plain SHA-256 (`legacy_hash` 1). */
  key_hash: string
  legacy_hash: number
  /** The first characters of the key, so a listing can say which key is which. */
  prefix: string
  created_at: number
  /** Written at most once a minute per key. */
  last_used_at: number | null
  revoked_at: number | null
}

/** H2: a signed-in console device. The session is the email's; it shows one of its workspaces at a time. */
export interface ConsoleSessionTable {
  id: string
  /** SHA-256 of the cookie value. */
  token_hash: string
  email: string
  active_workspace_id: string
  user_agent: string | null
  created_at: number
  /** Written at most once a minute; 12 h without it ends the session. */
  last_seen_at: number
  /** Absolute end, 7 days after sign-in. */
  expires_at: number
  revoked_at: number | null
}

/** H1: a console sign-in code, as `otp_challenges` for customers but for an email across workspaces. */
export interface ConsoleCodeTable {
  id: string
  email: string
  code_hash: string
  ip_hash: string
  created_at: number
  expires_at: number
  attempts: number
  state: 'pending' | 'used' | 'replaced'
}

/** H1: per-email counters of console codes that outlive any one code. */
export interface ConsoleCodeStateTable {
  email: string
  current_code_id: string | null
  cooldown_started_at: number | null
  consecutive_failures: number
  locked_until: number
}

export interface CustomerTable {
  id: string
  workspace_id: string
  /** As shown to advisors; a key to this customer only when `email_verified` (see customer_emails). */
  email: string | null
  email_verified: number
  external_id: string | null
  name: string | null
  created_at: number
  /** Last moment one of the customer's realtime streams was known to be open (reply emails wait for absence). */
  last_stream_seen_at: number | null
  /** The site account this customer is linked to (accounts.external_id), by identity token or identification code. */
  account_external_id: string | null
  identified_at: number | null
  identified_via: 'identity_token' | 'code' | null
  /** IANA zone the widget last reported (`Europe/Paris`), for the times in transcripts; null: UTC. Optional so older code paths need not name it. */
  time_zone?: string | null
  /** The browser's first `Accept-Language` tag at the last page view (`fr-FR`), for the customer panel. */
  language?: string | null
  /** The client address (through trusted proxies only, F3) at the last page view; erased with the customer. */
  last_ip?: string | null
  /** When the last page view came in (epoch ms). */
  last_seen_at?: number | null
  /** JSON `{ [stepId]: answer }`: what the customer answered in intake, so it is never asked again. Optional: rows before 0019. */
  intake_answers?: string | null
}

/** Verified emails, each a key to exactly one customer of the workspace. */
export interface CustomerEmailTable {
  workspace_id: string
  email: string
  customer_id: string
}

export interface SessionTable {
  /** SHA-256 of the bearer token; the token is never stored. */
  token_hash: string
  workspace_id: string
  customer_id: string
  method: 'email' | 'identity_token'
  created_at: number
  /** The absolute end (A13), however often the session is used. */
  expires_at: number
  revoked_at: number | null
  /** SHA-256 of the frame's session cookie (docs/sessions.md); null when no cookie was set. */
  cookie_hash: string | null
  /** The sliding idle end (A13): moved forward on use, never past `expires_at`; null before 0020. */
  idle_expires_at: number | null
}

export interface OtpChallengeTable {
  id: string
  workspace_id: string
  email: string
  /** HMAC-SHA256 of (challenge id, code) under the server pepper. */
  code_hash: string
  /** HMAC of the requesting IP, for the per-IP hourly cap. */
  ip_hash: string
  created_at: number
  expires_at: number
  attempts: number
  state: 'pending' | 'used' | 'replaced'
}

/** Per (workspace, email) counters that outlive any one code. */
export interface OtpEmailStateTable {
  workspace_id: string
  email: string
  current_challenge_id: string | null
  /** When the resend cooldown started; null after a successful verification. */
  cooldown_started_at: number | null
  consecutive_failures: number
  locked_until: number
}

export interface ConversationTable {
  id: string
  workspace_id: string
  customer_id: string
  status: 'unanswered' | 'active' | 'finished'
  assignee_agent_id: string | null
  created_at: number
  updated_at: number
  last_seq: number
  customer_last_read_seq: number
  agent_last_read_seq: number
  agent_last_read_at: number | null
  /** Set by the first advisor reply the customer has not been emailed about; cleared when claimed. */
  reply_email_pending_since: number | null
  /** `awaiting`: the workspace requires identification and the chat is held from advisors until a code or a decline. */
  identification_gate: 'none' | 'awaiting' | 'declined'
  last_code_outcome: 'not_sent' | 'invalid' | 'valid'
  /** 1 when an advisor starred it (one shared star per conversation). */
  starred: number
  /**
   * When a customer wrote while the chat was not live and nobody had answered yet: the conversation is
   * flagged offline (its answer goes by email) until an advisor replies. Optional: rows before 0014.
   */
  offline_since?: number | null
  /** The `bot`-scope key answering it; null: advisors do (W7). Optional: rows before 0018. */
  controller_key_id?: string | null
  /** That key's name when it took the conversation, for lists and the timeline. */
  controller_name?: string | null
  /** While a bot holds it: the customer's unanswered message must be answered by then (W8). */
  bot_reply_due_at?: number | null
  /** While a bot holds it: handed to advisors if nothing happens by then (W8). */
  bot_idle_due_at?: number | null
  /** JSON `{ reason, summary, fields, at }` of the last handoff from a bot; null while a bot holds it. */
  last_handoff?: string | null
  /** JSON `IntakeState` while the intake steps run (automation/intake.ts); null otherwise. Optional: rows before 0019. */
  intake_state?: string | null
  /** The quick start that opened the current session; null when the customer typed. Optional: rows before 0020. */
  quick_start?: string | null
}

export interface MessageTable {
  id: string
  conversation_id: string
  seq: number
  client_id: string | null
  author_kind: 'customer' | 'agent' | 'system' | 'bot'
  author_id: string | null
  author_name: string | null
  author_avatar_url: string | null
  text: string
  created_at: number
  read_at: number | null
  /** 1 when an advisor or the site wrote first (0017, docs/proactive-messages.md). Optional: other writers leave the default 0. */
  proactive?: number
  /** JSON string array: answers the customer may tap (an intake question's options). Optional: rows before 0019. */
  quick_replies?: string | null
  /** `email` for a customer's email reply (0022, docs/email-replies.md); null for the chat. Optional: other writers leave it null. */
  channel?: 'email' | null
}

export interface PageViewTable {
  id: string
  workspace_id: string
  customer_id: string
  url: string
  title: string
  referrer: string
  at: number
}

/** A customer's file: kept in the database so every server process can serve it (≤ 10 MB each). */
export interface UploadTable {
  id: string
  workspace_id: string
  customer_id: string
  /** Sanitised display name; storage is keyed by the random id only (D3). */
  name: string
  content_type: string
  size: number
  bytes: Buffer
  /** The message it was sent with; null until then, and it can be sent once only (D7). */
  message_id: string | null
  /** Its place among the message's attachments. */
  position: number | null
  created_at: number
  /** D6: `pending` | `clean` | `blocked`; only `clean` is ever served. */
  scan_state: AttachmentScanState
  /** D4, D5: 1 when the bytes are our own re-encoding of an image, the only files served inline. */
  reencoded: number
  /** D6: epoch ms of the last scan attempt after the upload's own, by the rescan of pending files; null before any. */
  scan_attempted_at: number | null
  /**
   * The advisor who uploaded it for a reply, or null for the customer's own. Either way `customer_id`
   * is the conversation's customer, so the conversation's quota and downloads cover both.
   */
  agent_id: string | null
}

/** A site's account, as the site describes it (admin API, identity tokens); keyed by the site's own id. */
export interface AccountTable {
  workspace_id: string
  external_id: string
  email: string | null
  phone: string | null
  name: string | null
  /** JSON object of custom fields (plan, tier, …). */
  attributes: string
  created_at: number
  updated_at: number
}

/** C1–C4: a five-minute, single-use code for one account; only its keyed hash is stored. */
export interface IdentificationCodeTable {
  id: string
  workspace_id: string
  /** HMAC-SHA256 of (workspace id, normalised code) under the server pepper: a code is only ever valid in its workspace. */
  code_hash: string
  external_id: string
  created_at: number
  expires_at: number
  /** Set once, atomically, by the paste or verify call that uses the code (C3). */
  consumed_at: number | null
  /** The conversation it linked, when it was used in a chat (C6); null for the verify API. */
  consumed_conversation_id: string | null
  /** A newer code for the same account replaced it (fewer live codes, smaller guessing odds: C4). */
  replaced_at: number | null
}

/** C4: one row per wrong or expired code pasted into a conversation, for the hourly limit and the workspace alarm. */
export interface IdentificationFailureTable {
  id: string
  workspace_id: string
  conversation_id: string
  at: number
}

/** N1: an advisor's private note in a conversation; never selected by anything a customer reads. */
export interface ConversationNoteTable {
  id: string
  workspace_id: string
  conversation_id: string
  customer_id: string
  author_agent_id: string
  text: string
  /** JSON array of the advisor ids the note mentioned when it was written (or last edited). */
  mentions: string
  created_at: number
  edited_at: number | null
}

/** N1: a note pinned on a customer, shown on every conversation of theirs until unpinned. */
export interface PinnedNoteTable {
  id: string
  workspace_id: string
  customer_id: string
  author_agent_id: string
  text: string
  /** JSON array of advisor ids. */
  mentions: string
  created_at: number
  unpinned_at: number | null
  unpinned_by_agent_id: string | null
}

/** A canned reply; its text is stored exactly as typed, variables unexpanded (N2). */
export interface CannedReplyTable {
  id: string
  workspace_id: string
  scope: 'personal' | 'workspace'
  owner_agent_id: string
  /** The owner's id for a personal reply, `*` for a workspace-wide one: shortcuts are unique per scope. */
  scope_key: string
  title: string
  shortcut: string
  text: string
  /** JSON array of upload ids. */
  attachment_ids: string
  created_at: number
  updated_at: number
}

/** The timeline: one append-only row per change to a conversation, written in the change's transaction. */
export interface ConversationEventTable {
  id: string
  workspace_id: string
  conversation_id: string
  /** 1, 2, 3 … per conversation (unique with conversation_id). */
  position: number
  /** 1, 2, 3 … per workspace, in commit order (timeline_cursors): the agent stream's resume point. */
  cursor: number
  /** The conversation's highest message seq when it happened. */
  seq: number
  /** protocol timelineEventKinds; text so later kinds need no migration. */
  kind: string
  actor_kind: 'customer' | 'advisor' | 'bot' | 'system'
  actor_id: string | null
  /** The actor's display name when it happened. */
  actor_name: string | null
  /** A small JSON object, by kind. */
  payload: string
  created_at: number
}

/** The last timeline cursor handed out per workspace; its row lock orders cursors by commit on Postgres. */
export interface TimelineCursorTable {
  workspace_id: string
  last_cursor: number
}

/** A workspace label on a conversation (normalised text). */
export interface ConversationLabelTable {
  conversation_id: string
  workspace_id: string
  label: string
  created_at: number
}

/** N3: one transcript mail to send, claimed by one process, recorded on the timeline once done. */
export interface TranscriptSendTable {
  id: string
  workspace_id: string
  conversation_id: string
  /** `finish`: an advisor finished the session with it; `request`: the customer's "Email me this conversation". */
  trigger: 'finish' | 'request'
  recipient: 'customer' | 'advisor' | 'other'
  /** Where it goes; an `other` address is the record of who it was sent to. */
  email: string
  /** `finish` only: conversation, session start and recipient, so a session is mailed once per recipient. */
  dedupe_key: string | null
  /** The messages it carries: seq above `from_seq`, up to `to_seq`. */
  from_seq: number
  to_seq: number
  /** Who asked for it, as the timeline names them. */
  actor_kind: 'customer' | 'advisor'
  actor_id: string | null
  actor_name: string | null
  state: 'pending' | 'sending' | 'sent' | 'failed'
  created_at: number
  claimed_at: number | null
  done_at: number | null
}

/** R1, R3: that an erasure or a retention run happened, by whom, and how much it removed; nothing personal. */
export interface PrivacyAuditTable {
  id: string
  workspace_id: string
  action: 'erase' | 'retention'
  /** The erased customer's random id (it resolves to nothing afterwards), or the workspace for retention. */
  subject_id: string
  actor_kind: 'advisor' | 'admin_api' | 'system'
  actor_id: string | null
  /** JSON object of counts by kind. */
  removed: string
  at: number
}

/** A block on a customer (F1), optionally on their network for a while (F4, F5). */
export interface CustomerBlockTable {
  id: string
  workspace_id: string
  customer_id: string
  /** The customer's verified email when blocked (normalised), a key to new codes and tokens. */
  email: string | null
  external_id: string | null
  /** Internal; never sent to the customer (F5). */
  reason: string
  created_by_agent_id: string
  created_by_name: string
  created_at: number
  /** Null: permanent. F2: in force while `now < expires_at`, compared on every check. */
  expires_at: number | null
  /** Keyed hash of the customer's latest network (IPv4 address, IPv6 /64), when the block covers it. */
  network_hash: string | null
  network_expires_at: number | null
  lifted_at: number | null
  lifted_by_agent_id: string | null
  lifted_by_name: string | null
  attempts: number
  last_attempt_at: number | null
}

/** F5: the networks a customer was seen on (keyed hashes), and when last. */
export interface CustomerNetworkTable {
  workspace_id: string
  customer_id: string
  network_hash: string
  last_seen_at: number
}

/**
 * M1: one reply address, minted for one notification email: `reply+<token>@<domain>`. Only the
 * token's keyed hash is stored; revoked on rotation and when the customer is blocked, deleted with
 * the conversation (0022).
 */
export interface ReplyTokenTable {
  id: string
  workspace_id: string
  conversation_id: string
  token_hash: string
  created_at: number
  revoked_at: number | null
}

/**
 * Every mail kept from `POST /v1/inbound/email`: accepted on arrival (with the message it became) or
 * held for an advisor (M1), with its whole original for advisors (M2). Dropped auto-replies and
 * loops are not kept (M3).
 */
export interface InboundEmailTable {
  id: string
  workspace_id: string
  conversation_id: string | null
  status: 'held' | 'accepted' | 'discarded'
  reason: string | null
  from_address: string
  subject: string
  /** Quoted history and signature stripped (M2). */
  text: string
  /** The mail as it arrived. */
  original: string
  /** The mail's Message-ID, so a provider's retry of one mail is one message. */
  message_id_header: string | null
  /** JSON `EmailAuthentication`. */
  authentication: string
  received_at: number
  decided_at: number | null
  decided_by_agent_id: string | null
  message_id: string | null
}

/** The workspace's inbound secret (H5's rules: shown once, a keyed hash stored, replaced by rotation). */
export interface InboundSecretTable {
  workspace_id: string
  secret_hash: string
  prefix: string
  created_at: number
}
