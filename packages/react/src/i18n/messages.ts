/**
 * A plural message: one form per `Intl.PluralRules` category the locale uses. `other` is always
 * required because every locale falls back to it.
 */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }

/**
 * Every string the components show. Placeholders are `{name}`; plural entries pick their form with
 * `Intl.PluralRules` from the `count` parameter. A catalogue must provide every key, so a missing
 * translation is a type error rather than an English word in an Arabic widget.
 */
export interface Messages {
  openChat: string
  /** The launcher's accessible name when there are unread messages. */
  openChatUnread: PluralMessage
  closeChat: string
  defaultTeamName: string
  /** The panel's accessible name. */
  chatWith: string
  replyTimeMinutes: string
  replyTimeHours: string
  replyTimeDay: string
  assignedTo: string
  loading: string

  emailGateTitle: string
  emailGateReason: string
  emailLabel: string
  emailPlaceholder: string
  sendCode: string
  codeTitle: string
  codeSentTo: string
  codeLabel: string
  verify: string
  resendCode: string
  resendCodeIn: string
  codeResent: string
  useAnotherEmail: string

  errorOtpInvalid: string
  errorOtpExpired: string
  errorOtpAttemptsExceeded: string
  errorOtpLocked: string
  errorRateLimited: string
  errorRateLimitedNoTime: string
  errorBlocked: string
  errorChatDisabled: string
  errorInvalidEmail: string
  errorInvalidCode: string
  errorNetwork: string
  errorSessionExpired: string
  errorFileTooLarge: string
  errorFileType: string
  errorFileEmpty: string
  /** The conversation (or the customer) has used its file allowance (docs/security.md D8). */
  errorFileQuota: string
  errorImageTooLarge: string
  errorGeneric: string

  messagesLabel: string
  showEarlier: string
  loadingEarlier: string
  newMessages: PluralMessage
  announceMessage: string
  you: string
  youSaid: string
  authorSaid: string
  sending: string
  sent: string
  readAt: string
  notSent: string
  retry: string
  discard: string
  /** D6: the malware scan has not cleared the file yet; there is nothing to open. */
  attachmentChecking: string
  /** D6: the scan blocked the file; there is nothing to open, ever. */
  attachmentBlocked: string
  /** Read before a file's name on its download button. */
  attachmentDownload: string
  attachmentFailed: string
  attachmentOpen: string
  typing: string
  typingSomeone: string

  composerLabel: string
  composerPlaceholder: string
  send: string
  attachFile: string
  removeAttachment: string
  uploading: string
  uploadFailed: string
  dropFiles: string
  tooManyAttachments: string

  emptyTitle: string
  emptyBody: string

  noticeEmailReply: string
  noticeFinished: string
  /** The session outlives this visit (docs/sessions.md): shown while the conversation is empty. */
  /** The email gate's optional question, written before verifying (ask first, verify after). */
  questionLabel: string
  /** Above the questions written before verifying: they wait in the outbox until the code is verified. */
  questionWaits: string
  noticeKeptBrowser: string
  /** The browser did not keep the session cookie: signed in until this tab closes. */
  noticeKeptVisit: string
  /** Even the outbox is in memory: shown while messages wait to be sent. */
  noticeUnsentOnPage: string
  noticeBlocked: string
  /** The team is away (chat mode `offline` or `hidden`); the answer comes by email. */
  noticeAway: string
  noticeAwayNoEmail: string
  /** `{when}`: the next opening in the customer's time zone ("Monday 09:00"). */
  noticeBack: string
  /** The chat is read-only (or refused a message with `chat_disabled`). */
  noticeReadOnly: string
  noticeOffline: string
  noticeReconnecting: string

  /** Names the row of suggested replies above the composer. */
  quickReplies: string
  /** The quick reply while the chat waits for an identification code; also what is posted as the customer's message. */
  declineIdentification: string
  /** The quick reply while a bot answers: the conversation goes to a person at once. */
  talkToPerson: string
  /** Beside a bot's name on its messages. */
  automated: string
  /** Beside the time of a message the customer wrote as a reply to a notification email. */
  sentByEmail: string

  /** The header's button that emails the conversation to the customer's verified address. */
  emailTranscript: string
  /** Read out once the transcript is on its way. */
  transcriptSent: string
}

export type MessageKey = keyof Messages
