import type { Agent, CannedReply, Conversation, Handoff, TeamMember } from '@threadline/protocol'
import { Avatar } from '@threadline/react'
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { Ref } from 'react'
import type { AgentClient } from '@threadline/api'
import { Composer } from './composer.js'
import type { ComposerHandle } from './composer.js'
import { ConversationTags } from './conversation-tags.js'
import { CustomerDataActions, useRecordsClient } from './customer-data-actions.js'
import { CustomerDetails } from './customer-panel.js'
import { customerLabel } from './customer-label.js'
import type { EventHub } from './event-hub.js'
import { identificationNames } from './identification-labels.js'
import { PinnedNotes } from './pinned-notes.js'
import { Thread } from './thread.js'
import { buildThread } from './thread-items.js'
import { describeTimelineEvent } from './timeline-lines.js'
import { useAction } from './use-action.js'
import { useConversation } from './use-conversation.js'
import { presenceSentence, useConversationPresence } from './use-conversation-presence.js'
import { useNotes } from './use-notes.js'
import { useReadReceipts } from './use-read-receipts.js'
import { useTimeline } from './use-timeline.js'

export interface ConversationViewProps {
  api: AgentClient
  hub: EventHub
  agent: Agent
  conversationId: string
  generation: number
  /** Takes the conversation, asking first when a colleague holds it (see take-flow). */
  take: (conversationId: string) => Promise<Conversation | null>
  team: readonly TeamMember[]
  cannedReplies: readonly CannedReply[]
  /** For `{workspace.name}` in canned replies; unknown, the variable's fallback is used. */
  workspaceName: string | null
  /** Opens the canned-reply picker, which inserts through `composerRef`. */
  onPickCannedReply: () => void
  composerRef?: Ref<ComposerHandle>
  /** Shown on narrow screens, where the list and the conversation take turns. */
  onBack: () => void
}

const statusNames = { unanswered: 'Unanswered', active: 'Active', finished: 'Finished' } as const

/**
 * One conversation: the header (take, finish or reopen, star, labels, who else is here), the
 * messages with the timeline's system lines and the private notes between them, the composer, and
 * the customer panel.
 */
export function ConversationView({
  api,
  hub,
  agent,
  conversationId,
  generation,
  take,
  team,
  cannedReplies,
  workspaceName,
  onPickCannedReply,
  composerRef,
  onBack,
}: ConversationViewProps) {
  const { entry, messages, pageViews, customerTyping, error, setConversation, setTags, addMessages, markedRead } =
    useConversation({ api, hub, conversationId, generation })
  const headingRef = useRef<HTMLHeadingElement>(null)
  const { busy, failure: actionError, run } = useAction()
  const [announcement, setAnnouncement] = useState('')
  const records = useRecordsClient()
  const [sendTranscript, setSendTranscript] = useState(false)
  // Only to a verified address: the server refuses any other but the advisor's own (N3).
  const verifiedEmail = entry?.customer.emailVerified ? entry.customer.email : null
  const name = entry ? customerLabel(entry.customer) : 'Conversation'
  const nameRef = useRef(name)
  nameRef.current = name

  const timeline = useTimeline({
    api,
    hub,
    conversationId,
    generation,
    onLive: (event) => {
      const line = describeTimelineEvent(event, { myId: agent.id })
      if (line?.important) setAnnouncement(line.text)
    },
  })
  const { notes, saved: noteSaved, removed: noteRemoved } = useNotes({ api, hub, conversationId, generation })
  const presence = useConversationPresence({ api, hub, conversationId, myId: agent.id })
  const items = useMemo(
    () => buildThread({ messages, timeline, notes, myId: agent.id }),
    [messages, timeline, notes, agent.id],
  )

  // Opening a conversation moves focus to its heading, so a screen reader announces whose it is.
  useLayoutEffect(() => {
    headingRef.current?.focus()
  }, [conversationId])

  // The thread is not a live region (system lines and notes would be read out as if they were
  // chat); what matters is said here instead: the customer's new messages and others' takes.
  useEffect(
    () =>
      hub.subscribe(({ conversationId: id, event }) => {
        if (id === conversationId && event.type === 'message.created' && event.message.author.kind === 'customer')
          setAnnouncement(`${nameRef.current}: ${event.message.text || 'an attachment'}`)
      }),
    [hub, conversationId],
  )

  // The newest entry stays in view as things arrive, unless the advisor scrolled up to read.
  const logRef = useRef<HTMLDivElement>(null)
  const stickToBottomRef = useRef(true)
  useLayoutEffect(() => {
    const log = logRef.current
    if (log && stickToBottomRef.current) log.scrollTop = log.scrollHeight
  }, [items.length, customerTyping])

  useReadReceipts({ api, conversationId, conversation: entry?.conversation ?? null, messages, onRead: markedRead })

  const conversation = entry?.conversation
  const assignee = conversation?.assignee ?? null
  const mine = assignee?.id === agent.id
  const variables = useMemo(
    () => ({
      customer: { name: entry?.customer.name ?? null, email: entry?.customer.email ?? null },
      advisor: { name: agent.name },
      workspace: { name: workspaceName ?? '' },
    }),
    [entry?.customer.name, entry?.customer.email, agent.name, workspaceName],
  )
  const viewing = presenceSentence(presence.viewing, 'viewing')
  const advisorsTyping = presenceSentence(presence.typing, 'typing')

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
                {entry?.bot
                  ? `${entry.bot.name} (a bot) is answering`
                  : assignee
                    ? mine
                      ? 'Assigned to you'
                      : `Assigned to ${assignee.name}`
                    : 'Nobody has taken it'}
                {' · '}
                {identificationNames[conversation.identification]}
              </p>
            )}
            {viewing && <p className="console-presence">{viewing}</p>}
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
                  void run(async () => {
                    const taken = await take(conversationId)
                    if (taken) setConversation(taken)
                  })
                }
              >
                {entry?.bot ? `Take from ${entry.bot.name}` : assignee ? `Take over from ${assignee.name}` : 'Take'}
              </button>
            )}
            {conversation.status === 'finished' ? (
              <button
                type="button"
                className="console-button"
                disabled={busy}
                onClick={() => void run(async () => setConversation(await api.reopen({ conversationId })))}
              >
                Reopen
              </button>
            ) : (
              <>
                {records && verifiedEmail && (
                  <label className="console-check">
                    <input
                      type="checkbox"
                      checked={sendTranscript}
                      onChange={(event) => setSendTranscript(event.currentTarget.checked)}
                    />
                    Email the transcript to {verifiedEmail}
                  </label>
                )}
                <button
                  type="button"
                  className="console-button"
                  disabled={busy}
                  onClick={() =>
                    void run(async () => {
                      if (records && verifiedEmail && sendTranscript) {
                        const finished = await records.finishWithTranscript({
                          conversationId,
                          transcript: { to: 'customer' },
                        })
                        setConversation(finished.conversation)
                        setSendTranscript(false)
                      } else setConversation(await api.finish({ conversationId }))
                    })
                  }
                >
                  Finish
                </button>
              </>
            )}
          </div>
        )}
        {entry && (
          <ConversationTags
            api={api}
            conversationId={conversationId}
            labels={entry.labels}
            starred={entry.starred}
            onChange={setTags}
          />
        )}
      </header>
      {(error ?? actionError) && (
        <p role="alert" className="console-error">
          {error ?? actionError}
        </p>
      )}
      {entry?.handoff && conversation?.status !== 'finished' && <HandoffSummary handoff={entry.handoff} />}
      <p className="tl-visually-hidden console-announcer" role="status">
        {announcement}
      </p>
      <div className="console-conversation__body">
        <div className="console-thread">
          <div
            ref={logRef}
            className="console-messages"
            role="log"
            aria-live="off"
            aria-label={`Messages with ${name}`}
            // Focusable so the keyboard can scroll it.
            tabIndex={0}
            onScroll={(event) => {
              const log = event.currentTarget
              stickToBottomRef.current = log.scrollHeight - log.scrollTop - log.clientHeight < 40
            }}
          >
            {entry && messages.length === 0 && <p className="console-muted">No messages yet.</p>}
            <Thread
              api={api}
              items={items}
              customerName={name}
              myId={agent.id}
              onNoteSaved={noteSaved}
              onNoteDeleted={noteRemoved}
            />
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
            {customerTyping !== null && advisorsTyping && ' · '}
            {advisorsTyping}
          </p>
          <Composer
            ref={composerRef}
            api={api}
            conversationId={conversationId}
            customerName={name}
            variables={variables}
            cannedReplies={cannedReplies}
            team={team}
            onPickCannedReply={onPickCannedReply}
            onSent={(message, updated) => {
              addMessages([message])
              setConversation(updated)
            }}
            onNoted={noteSaved}
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
            device={entry.device}
            pageViews={pageViews}
            pinnedNotes={<PinnedNotes api={api} hub={hub} customerId={entry.customer.id} generation={generation} />}
            dataActions={<CustomerDataActions customerId={entry.customer.id} confirmWith={entry.customer.email} />}
          />
        )}
      </div>
    </article>
  )
}

/** What the bot learned before it handed over (docs/automation.md): its summary and the fields. */
function HandoffSummary({ handoff }: { handoff: Handoff }) {
  const fields = Object.entries(handoff.fields)
  if (handoff.summary === null && fields.length === 0) return null
  return (
    <section className="console-handoff" aria-label="From the bot">
      {handoff.summary !== null && <p>{handoff.summary}</p>}
      {fields.length > 0 && (
        <dl>
          {fields.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  )
}
