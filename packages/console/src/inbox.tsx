import type { Agent } from '@threadline/protocol'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import type { AgentClient, AgentRecordsClient, BlocksClient, StreamStatus } from '@threadline/api'
import { CannedRepliesDialog } from './canned-replies-dialog.js'
import type { AnalyticsFilter, AnalyticsPageProps } from './analytics-page.js'
import { BlockDialog } from './block-dialog.js'
import { CommandPalette } from './command-palette.js'
import type { Command } from './command-palette.js'
import type { ComposerHandle } from './composer.js'
import { ConversationList, rowId, searchFieldId } from './conversation-list.js'
import type { IdentificationFilter } from './conversation-list.js'
import { ConversationView } from './conversation-view.js'
import { CustomerDataProvider } from './customer-data-actions.js'
import { customerLabel } from './customer-label.js'
import { describeError } from './describe-error.js'
import { createEventHub } from './event-hub.js'
import { hasModifier, isTypingTarget, modifierLabel } from './keyboard.js'
import { ShortcutsDialog } from './shortcuts-dialog.js'
import { useTakeFlow } from './take-flow.js'
import { useCannedReplies } from './use-canned-replies.js'
import { useConversationCounts } from './use-conversation-counts.js'
import { useConversationList } from './use-conversation-list.js'
import { useTeam } from './use-team.js'
import { useLazyChunk } from './use-lazy-chunk.js'
import { viewById, views } from './views.js'
import type { ViewId } from './views.js'

export interface InboxProps {
  /** The agent API as the signed-in advisor (the console session's cookie). */
  api: AgentClient
  /** Blocks as the same advisor (the console session's `blocks`). */
  blocks: BlocksClient
  /** Transcripts, export and erasure as the same advisor (the console session's `records`). */
  records: AgentRecordsClient
  agent: Agent
  onSignOut: () => void
  /** The event stream was refused: the session ended or the advisor was removed. */
  onAccessEnded: () => void
  /** The signed-in advisor's own controls, in the header before "Sign out" (presence, team and settings). */
  headerActions?: ReactNode
  /** More palette commands; each gets the open conversation's id. */
  extraCommands?: (openId: string | null) => Command[]
  /** The workspace's name, for `{workspace.name}` in canned replies (the console session knows it). */
  workspaceName?: string | null
}

/** The Analytics page and its chart library: a chunk of their own, downloaded when the page is first opened. */
function LazyAnalyticsPage(props: AnalyticsPageProps) {
  const Page = useLazyChunk(() => import('./analytics-page.js'))
  if (Page === 'failed')
    return (
      <p role="alert" className="console-error console-notice">
        The Analytics page could not be loaded. Check your connection and open it again.
      </p>
    )
  return Page ? <Page {...props} /> : <p role="status">Loading analytics…</p>
}

const streamLabels: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Disconnected',
}

/** The signed-in console: one workspace event stream feeding the list and the open conversation. */
export function Inbox({
  api,
  blocks,
  records,
  agent,
  onSignOut,
  onAccessEnded,
  headerActions,
  extraCommands,
  workspaceName = null,
}: InboxProps) {
  const hub = useMemo(createEventHub, [])
  const [streamStatus, setStreamStatus] = useState<StreamStatus>('connecting')
  /** Bumped when the stream comes back after a drop: what it missed is fetched again. */
  const [generation, setGeneration] = useState(0)
  const [viewId, setViewId] = useState<ViewId>('unanswered')
  const [search, setSearch] = useState('')
  const [identification, setIdentification] = useState<IdentificationFilter>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [dialog, setDialog] = useState<'palette' | 'shortcuts' | 'canned-picker' | 'canned-manager' | 'block' | null>(
    null,
  )
  const [notice, setNotice] = useState<string | null>(null)
  const [analyticsOpen, setAnalyticsOpen] = useState(false)
  const [analyticsFilter, setAnalyticsFilter] = useState<AnalyticsFilter>({ window: '24h', advisorId: null })
  const analyticsButtonRef = useRef<HTMLButtonElement>(null)
  const view = viewById(viewId)
  const list = useConversationList({ api, hub, view, agentId: agent.id, search, identification, generation })
  const counts = useConversationCounts({ api, hub, generation })
  const team = useTeam({ api, generation })
  const role = team.find((member) => member.id === agent.id)?.role ?? 'advisor'
  const canned = useCannedReplies({ api, generation })
  const takeFlow = useTakeFlow({ api, myId: agent.id })
  const composerRef = useRef<ComposerHandle>(null)
  // The parent's sign-out is a new function each render; it must not reopen the stream.
  const onAccessEndedRef = useRef(onAccessEnded)
  onAccessEndedRef.current = onAccessEnded

  useEffect(() => {
    let dropped = false
    // The agent stream has no resume cursor: `live` after a drop is the cue to refetch what is shown.
    return api.subscribe({
      onEvent: ({ data }) => hub.emit(data),
      onStatus: ({ status: next }) => {
        setStreamStatus(next)
        if (next === 'reconnecting') dropped = true
        if (next === 'live' && dropped) {
          dropped = false
          setGeneration((value) => value + 1)
        }
        if (next === 'refused') onAccessEndedRef.current()
      },
    })
  }, [api, hub])

  // ⌘K / Ctrl+K anywhere; `?` and `/` when the advisor is not typing in a field.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent): void {
      if (hasModifier(event) && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        setDialog((current) => (current === 'palette' ? null : 'palette'))
      } else if (!isTypingTarget(event.target) && !event.metaKey && !event.ctrlKey && !event.altKey) {
        if (event.key === '?') {
          event.preventDefault()
          setDialog('shortcuts')
        } else if (event.key === '/') {
          event.preventDefault()
          document.getElementById(searchFieldId)?.focus()
        }
      }
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])

  function act(action: () => Promise<unknown>): void {
    // The stream brings the change to the list and the open conversation; a refusal is said here.
    setNotice(null)
    action().catch((failure: unknown) => setNotice(describeError(failure)))
  }

  const openRow = list.rows.find((row) => row.conversation.id === openId)
  const commands: Command[] = [
    ...(openId
      ? [
          {
            id: 'take',
            label: 'Take this conversation',
            run: () => act(() => takeFlow.take(openId)),
          },
          {
            id: 'finish',
            label: 'Finish this conversation',
            run: () => act(() => api.finish({ conversationId: openId })),
          },
          {
            id: 'reopen',
            label: 'Reopen this conversation',
            run: () => act(() => api.reopen({ conversationId: openId })),
          },
          { id: 'canned-insert', label: 'Insert canned reply…', run: () => setDialog('canned-picker') },
        ]
      : []),
    { id: 'canned-manage', label: 'Manage canned replies', run: () => setDialog('canned-manager') },
    ...list.rows.map((row) => ({
      id: `open-${row.conversation.id}`,
      label: `Open ${customerLabel(row.customer)}`,
      hint: [row.customer.email, row.last?.text].filter(Boolean).join(' · '),
      run: () => openConversation(row.conversation.id),
    })),
    ...views.map((candidate) => ({
      id: `view-${candidate.id}`,
      label: `Show ${candidate.label}`,
      run: () => setViewId(candidate.id),
    })),
    { id: 'analytics', label: 'Open Analytics', run: () => setAnalyticsOpen(true) },
    ...(openRow ? [{ id: 'block', label: 'Block customer…', run: () => setDialog('block') }] : []),
    ...(extraCommands?.(openId) ?? []),
    { id: 'shortcuts', label: 'Keyboard shortcuts', run: () => setDialog('shortcuts') },
  ]

  /** Opens a conversation in the main pane, where the Analytics page gives way to it. */
  function openConversation(id: string): void {
    setAnalyticsOpen(false)
    setOpenId(id)
  }

  function closeAnalytics(): void {
    setAnalyticsOpen(false)
    requestAnimationFrame(() => analyticsButtonRef.current?.focus())
  }

  function closeConversation(): void {
    const id = openId
    setOpenId(null)
    // Back on the list, focus returns to the row the advisor came from.
    if (id) requestAnimationFrame(() => document.getElementById(rowId(id))?.focus())
  }

  return (
    <div className="console tl-root" data-open={openId || analyticsOpen ? '' : undefined}>
      <header className="console-header">
        <h1>Threadline console</h1>
        <p className="console-header__status" role="status">
          <span className="console-dot" data-status={streamStatus} aria-hidden />
          {streamLabels[streamStatus]}
        </p>
        <p className="console-header__agent">Signed in as {agent.name}</p>
        <button type="button" className="console-button" onClick={() => setDialog('shortcuts')}>
          Shortcuts <kbd>?</kbd>
        </button>
        <button type="button" className="console-button" onClick={() => setDialog('palette')}>
          Commands <kbd>{modifierLabel()}+K</kbd>
        </button>
        <button
          type="button"
          className="console-button"
          ref={analyticsButtonRef}
          aria-pressed={analyticsOpen}
          onClick={() => (analyticsOpen ? closeAnalytics() : setAnalyticsOpen(true))}
        >
          Analytics
        </button>
        {openRow && !analyticsOpen && (
          <button type="button" className="console-button" onClick={() => setDialog('block')}>
            Block customer…
          </button>
        )}
        {headerActions}
        <button type="button" className="console-button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {notice && (
        <p role="alert" className="console-error console-notice">
          {notice}
        </p>
      )}
      <div className="console-layout">
        <nav className="console-sidebar" aria-label="Conversations">
          <ConversationList
            view={viewId}
            onViewChange={setViewId}
            counts={counts}
            search={search}
            onSearchChange={setSearch}
            identification={identification}
            onIdentificationChange={setIdentification}
            list={list}
            openId={openId}
            onOpen={openConversation}
          />
        </nav>
        <main className="console-main">
          {analyticsOpen ? (
            <LazyAnalyticsPage
              api={api}
              team={team}
              filter={analyticsFilter}
              onFilterChange={setAnalyticsFilter}
              onOpenConversation={openConversation}
              onClose={closeAnalytics}
            />
          ) : openId ? (
            <CustomerDataProvider records={records} api={api} agentId={agent.id}>
              <ConversationView
                key={openId}
                api={api}
                hub={hub}
                agent={agent}
                conversationId={openId}
                generation={generation}
                take={takeFlow.take}
                team={team}
                cannedReplies={canned.replies}
                workspaceName={workspaceName}
                onPickCannedReply={() => setDialog('canned-picker')}
                composerRef={composerRef}
                onBack={closeConversation}
              />
            </CustomerDataProvider>
          ) : (
            <p className="console-muted console-main__empty">Choose a conversation to read and answer it.</p>
          )}
        </main>
      </div>
      {dialog === 'palette' && <CommandPalette commands={commands} onClose={() => setDialog(null)} />}
      {dialog === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog === 'canned-picker' && (
        <CommandPalette
          label="Insert a canned reply"
          placeholder="Search shortcut, title or text…"
          commands={[
            ...canned.replies.map((reply) => ({
              id: `canned-${reply.id}`,
              label: `${reply.shortcut} · ${reply.title}`,
              hint: composerRef.current?.expand(reply.text) ?? reply.text,
              run: () => composerRef.current?.insertCannedReply(reply),
            })),
            { id: 'canned-manage', label: 'Manage canned replies…', run: () => setDialog('canned-manager') },
          ]}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'canned-manager' && (
        <CannedRepliesDialog
          api={api}
          replies={canned.replies}
          myId={agent.id}
          role={role}
          onChanged={canned.reload}
          onClose={() => setDialog(null)}
        />
      )}
      {takeFlow.dialog}
      {dialog === 'block' && openRow && (
        <BlockDialog
          blocks={blocks}
          customer={{ id: openRow.customer.id, label: customerLabel(openRow.customer) }}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  )
}
