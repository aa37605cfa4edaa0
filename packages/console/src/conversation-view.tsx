import type {
  AccountAttributes,
  Agent,
  CodeOutcome,
  Conversation,
  LinkedAccount,
  Message,
  RecordedPageView,
} from '@threadline/protocol'
import { Avatar, FormattedText, MessageText } from '@threadline/react'
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react'
import type { FormEvent, KeyboardEvent } from 'react'
import type { ConsoleClient } from './api-client.js'
import { customerLabel } from './customer-label.js'
import { describeError } from './describe-error.js'
import type { EventHub } from './event-hub.js'
import { formatDuration } from './format-duration.js'
import { formatTime } from './format-time.js'
import { identificationNames } from './identification-labels.js'
import { MessageAttachments } from './message-attachments.js'
import { ReplyFiles } from './reply-files.js'
import { useConversation } from './use-conversation.js'
import { useReadReceipts } from './use-read-receipts.js'
import { useReplyAttachments } from './use-reply-attachments.js'
import { useTypingSignal } from './use-typing-signal.js'

export interface ConversationViewProps {
  api: ConsoleClient
  hub: EventHub
  agent: Agent
  conversationId: string
  generation: number
  /** Shown on narrow screens, where the list and the conversation take turns. */
  onBack: () => void
}

const statusNames = { unanswered: 'Unanswered', active: 'Active', finished: 'Finished' } as const

/** One conversation: header with take / finish, the messages, the customer's pages, the reply box. */
export function ConversationView({ api, hub, agent, conversationId, generation, onBack }: ConversationViewProps) {
  const { entry, messages, pageViews, customerTyping, error, setConversation, addMessages, markedRead } =
    useConversation({ api, hub, conversationId, generation })
  const headingRef = useRef<HTMLHeadingElement>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  // Opening a conversation moves focus to its heading, so a screen reader announces whose it is.
  useEffect(() => {
    headingRef.current?.focus()
  }, [conversationId])

  // The newest message stays in view as messages arrive, unless the advisor scrolled up to read.
  const logRef = useRef<HTMLDivElement>(null)
  const stickToBottomRef = useRef(true)
  useLayoutEffect(() => {
    const log = logRef.current
    if (log && stickToBottomRef.current) log.scrollTop = log.scrollHeight
  }, [messages.length, customerTyping])

  useReadReceipts({ api, conversationId, conversation: entry?.conversation ?? null, messages, onRead: markedRead })

  async function act(action: () => Promise<void>): Promise<void> {
    setBusy(true)
    setActionError(null)
    try {
      await action()
    } catch (failure) {
      setActionError(describeError(failure))
    } finally {
      setBusy(false)
    }
  }

  const name = entry ? customerLabel(entry.customer) : 'Conversation'
  const conversation = entry?.conversation
  const assignee = conversation?.assignee ?? null
  const mine = assignee?.id === agent.id

  return (
    <article className="console-conversation" aria-labelledby={`${conversationId}-heading`}>
      <header className="console-conversation__header">
        <button type="button" className="console-button console-button--quiet console-back" onClick={onBack}>
          <span aria-hidden>← </span>
          Back to conversations
        </button>
        <div className="console-conversation__title">
          <Avatar name={name} />
          <div>
            <h2 id={`${conversationId}-heading`} ref={headingRef} tabIndex={-1}>
              {name}
            </h2>
            {conversation && (
              <p className="console-muted">
                {statusNames[conversation.status]}
                {' · '}
                {assignee ? (mine ? 'Assigned to you' : `Assigned to ${assignee.name}`) : 'Nobody has taken it'}
                {' · '}
                {identificationNames[conversation.identification]}
              </p>
            )}
          </div>
        </div>
        {conversation && (
          <div className="console-actions">
            {!mine && (
              <button
                type="button"
                className="console-button"
                disabled={busy}
                onClick={() =>
                  void act(async () => setConversation(await api.take({ conversationId, overtake: assignee !== null })))
                }
              >
                {assignee ? `Take over from ${assignee.name}` : 'Take'}
              </button>
            )}
            {conversation.status !== 'finished' && (
              <button
                type="button"
                className="console-button"
                disabled={busy}
                onClick={() => void act(async () => setConversation(await api.finish({ conversationId })))}
              >
                Finish
              </button>
            )}
          </div>
        )}
      </header>
      {(error ?? actionError) && (
        <p role="alert" className="console-error">
          {error ?? actionError}
        </p>
      )}
      <div className="console-conversation__body">
        <div className="console-thread">
          <div
            ref={logRef}
            className="console-messages"
            role="log"
            aria-label={`Messages with ${name}`}
            // Focusable so the keyboard can scroll it.
            tabIndex={0}
            onScroll={(event) => {
              const log = event.currentTarget
              stickToBottomRef.current = log.scrollHeight - log.scrollTop - log.clientHeight < 40
            }}
          >
            {entry && messages.length === 0 && <p className="console-muted">No messages yet.</p>}
            <ol>
              {messages.map((message) => (
                <MessageItem key={message.id} message={message} customerName={name} api={api} />
              ))}
            </ol>
          </div>
          <p className="console-typing" role="status">
            {customerTyping !== null && (
              <>
                <span className="tl-typing__dots" aria-hidden>
                  <span />
                  <span />
                  <span />
                </span>
                {`${name} is typing`}
                {customerTyping !== '' && <span className="console-typing__preview">: {customerTyping}</span>}
              </>
            )}
          </p>
          <ReplyBox
            api={api}
            conversationId={conversationId}
            customerName={name}
            onSent={(message, updated) => {
              addMessages([message])
              setConversation(updated)
            }}
          />
        </div>
        {entry && (
          <CustomerDetails
            email={entry.customer.email}
            emailVerified={entry.customer.emailVerified}
            externalId={entry.customer.externalId}
            account={entry.account}
            lastCodeOutcome={entry.conversation.lastCodeOutcome}
            startedAt={entry.conversation.createdAt}
            pageViews={pageViews}
          />
        )}
      </div>
    </article>
  )
}

function MessageItem({ message, customerName, api }: { message: Message; customerName: string; api: ConsoleClient }) {
  const fromCustomer = message.author.kind === 'customer'
  const author = fromCustomer
    ? customerName
    : (message.author.name ?? (message.author.kind === 'system' ? 'Threadline' : 'Advisor'))
  return (
    <li className="console-message" data-author={message.author.kind}>
      <p className="console-message__meta">
        <span className="console-message__author">{author}</span>{' '}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
        {!fromCustomer && message.author.kind === 'agent' && (
          <span className="console-message__receipt">{message.readAt ? ' · Seen' : ' · Sent'}</span>
        )}
      </p>
      <div className="console-message__bubble">
        {/* Advisors' and bots' replies render with the same formatting the customer sees; customers' text stays plain. */}
        {message.text !== '' &&
          (message.author.kind === 'agent' || message.author.kind === 'bot' ? (
            <FormattedText text={message.text} />
          ) : (
            <MessageText text={message.text} />
          ))}
        <MessageAttachments api={api} attachments={message.attachments} />
      </div>
    </li>
  )
}

function ReplyBox({
  api,
  conversationId,
  customerName,
  onSent,
}: {
  api: ConsoleClient
  conversationId: string
  customerName: string
  onSent: (message: Message, conversation: Conversation) => void
}) {
  const [draft, setDraft] = useState('')
  const [sending, setSending] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  // One id per draft: a retry after a lost answer is the same message to the server, not a second one.
  const clientIdRef = useRef<string>(crypto.randomUUID())
  const fieldId = useId()
  const typing = useTypingSignal({ api, conversationId })
  const files = useReplyAttachments({ api, conversationId })

  async function send(event?: FormEvent): Promise<void> {
    event?.preventDefault()
    const text = draft.trim()
    if ((text === '' && files.readyCount === 0) || files.uploading || sending) return
    setSending(true)
    setFailure(null)
    try {
      const { message, conversation } = await files.reply({ text, clientId: clientIdRef.current })
      clientIdRef.current = crypto.randomUUID()
      setDraft('')
      typing.stop()
      onSent(message, conversation)
    } catch (error) {
      setFailure(describeError(error))
    } finally {
      setSending(false)
    }
  }

  // Enter sends, Shift+Enter starts a new line (as in most chat tools); IME composition is left alone.
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void send()
    }
  }

  return (
    <form className="console-reply" onSubmit={(event) => void send(event)} {...files.dropTarget}>
      <label htmlFor={fieldId}>Reply to {customerName}</label>
      <textarea
        id={fieldId}
        value={draft}
        rows={3}
        aria-describedby={`${fieldId}-hint`}
        onChange={(event) => {
          setDraft(event.target.value)
          clientIdRef.current = crypto.randomUUID()
          typing.update(event.target.value)
        }}
        onKeyDown={onKeyDown}
      />
      <p id={`${fieldId}-hint`} className="console-muted">
        Enter sends, Shift+Enter adds a line.
      </p>
      {failure && (
        <p role="alert" className="console-error">
          {failure}
        </p>
      )}
      <button
        type="submit"
        className="console-button console-button--primary"
        disabled={sending || files.uploading || (draft.trim() === '' && files.readyCount === 0)}
      >
        {sending ? 'Sending…' : 'Send'}
      </button>
      <ReplyFiles attachments={files} />
    </form>
  )
}

function CustomerDetails({
  email,
  emailVerified,
  externalId,
  account,
  lastCodeOutcome,
  startedAt,
  pageViews,
}: {
  email: string | null
  emailVerified: boolean
  externalId: string | null
  account: LinkedAccount | null
  lastCodeOutcome: CodeOutcome
  startedAt: string
  pageViews: RecordedPageView[]
}) {
  return (
    <aside className="console-customer" aria-label="Customer">
      <h3>Customer</h3>
      <dl>
        <dt>Email</dt>
        <dd>{email ? `${email}${emailVerified ? ' (verified)' : ' (not verified)'}` : 'Unknown'}</dd>
        {/* The site's id from a sign-in that has no account record (one made before accounts existed); else the panel below shows it. */}
        {externalId !== null && account === null && (
          <>
            <dt>Site user id</dt>
            <dd>{externalId}</dd>
          </>
        )}
        <dt>Chatting for</dt>
        <dd>
          <time dateTime={startedAt}>{formatDuration(startedAt)}</time>
        </dd>
        {/* The server records none of these yet; their rows are here so the panel's layout stays when it does. */}
        <dt>Language</dt>
        <dd className="console-muted">Not recorded yet</dd>
        <dt>Local time</dt>
        <dd className="console-muted">Not recorded yet</dd>
        <dt>IP address</dt>
        <dd className="console-muted">Not recorded yet</dd>
      </dl>
      <AccountDetails account={account} lastCodeOutcome={lastCodeOutcome} />
      <h3>Pages visited</h3>
      {pageViews.length === 0 ? (
        <p className="console-muted">None recorded.</p>
      ) : (
        <ol className="console-pages">
          {pageViews
            .slice(-20)
            .reverse()
            .map((view, index) => (
              <li key={`${view.at}-${index}`}>
                <span className="console-pages__title">{view.title || view.url}</span>
                <span className="console-pages__url">{view.url}</span>
                <time dateTime={view.at}>{formatTime(view.at)}</time>
              </li>
            ))}
        </ol>
      )}
    </aside>
  )
}

const wrongCodeNote = 'The last code pasted here was wrong or expired.'

/**
 * The site's account behind the customer, as the site described it (admin API or identity token),
 * and how the link was made: a code pasted in this chat at a time the advisor can see in the
 * transcript, or the site's own sign-in. Unlinked: say so, so nobody takes the customer's word for it.
 */
function AccountDetails({ account, lastCodeOutcome }: { account: LinkedAccount | null; lastCodeOutcome: CodeOutcome }) {
  if (!account) {
    return (
      <section className="console-account" aria-label="Account">
        <h3>Account</h3>
        <p>{identificationNames.not_identified}</p>
        <p className="console-muted">
          {lastCodeOutcome === 'invalid'
            ? wrongCodeNote
            : 'Ask the customer to paste the identification code from their account page.'}
        </p>
      </section>
    )
  }
  const attributes = Object.entries(account.attributes).filter(
    (entry): entry is [string, Exclude<AccountAttributes[string], null>] => entry[1] !== null,
  )
  return (
    <section className="console-account" aria-label="Account">
      <h3>Account</h3>
      <p className="console-account__link" data-via={account.linkedVia}>
        {account.linkedVia === 'code' ? (
          <>
            Linked via code at <time dateTime={account.linkedAt}>{formatTime(account.linkedAt)}</time>
          </>
        ) : (
          'Signed in on the site'
        )}
      </p>
      <dl>
        <dt>Account id</dt>
        <dd>{account.externalId}</dd>
        <dt>Name</dt>
        <dd>{account.name ?? 'Unknown'}</dd>
        <dt>Email</dt>
        <dd>{account.email ?? 'Unknown'}</dd>
        <dt>Phone</dt>
        <dd>{account.phone ?? 'Unknown'}</dd>
        {attributes.map(([name, value]) => (
          <AttributeRow key={name} name={name} value={value} />
        ))}
      </dl>
      {lastCodeOutcome === 'invalid' && <p className="console-muted">{wrongCodeNote}</p>}
    </section>
  )
}

function AttributeRow({ name, value }: { name: string; value: string | number | boolean }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value)}</dd>
    </>
  )
}
