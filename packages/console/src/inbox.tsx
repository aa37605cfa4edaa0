import type { Agent } from '@threadline/protocol'
import { useEffect, useMemo, useRef, useState } from 'react'
import { createAgentClient } from '@threadline/api'
import type { FetchFunction, StreamStatus } from '@threadline/api'
import { ConversationList, rowId } from './conversation-list.js'
import type { IdentificationFilter, StatusFilter } from './conversation-list.js'
import { ConversationView } from './conversation-view.js'
import { createEventHub } from './event-hub.js'
import { useConversationList } from './use-conversation-list.js'

export interface InboxProps {
  baseUrl: string
  fetch?: FetchFunction
  apiKey: string
  agent: Agent
  onSignOut: () => void
  onKeyRefused: () => void
}

const streamLabels: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Disconnected',
}

/** The signed-in console: one workspace event stream feeding the list and the open conversation. */
export function Inbox({ baseUrl, fetch, apiKey, agent, onSignOut, onKeyRefused }: InboxProps) {
  const api = useMemo(
    () => createAgentClient({ baseUrl, agentKey: apiKey, ...(fetch ? { fetch } : {}) }),
    [baseUrl, apiKey, fetch],
  )
  const hub = useMemo(createEventHub, [])
  const [streamStatus, setStreamStatus] = useState<StreamStatus>('connecting')
  /** Bumped when the stream comes back after a drop: what it missed is fetched again. */
  const [generation, setGeneration] = useState(0)
  const [status, setStatus] = useState<StatusFilter>('unanswered')
  const [identification, setIdentification] = useState<IdentificationFilter>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const list = useConversationList({ api, hub, status, identification, generation })
  // The parent's sign-out is a new function each render; it must not reopen the stream.
  const onKeyRefusedRef = useRef(onKeyRefused)
  onKeyRefusedRef.current = onKeyRefused

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
        if (next === 'refused') onKeyRefusedRef.current()
      },
    })
  }, [api, hub])

  function closeConversation(): void {
    const id = openId
    setOpenId(null)
    // Back on the list, focus returns to the row the advisor came from.
    if (id) requestAnimationFrame(() => document.getElementById(rowId(id))?.focus())
  }

  return (
    <div className="console tl-root" data-open={openId ? '' : undefined}>
      <header className="console-header">
        <h1>Threadline console</h1>
        <p className="console-header__status" role="status">
          <span className="console-dot" data-status={streamStatus} aria-hidden />
          {streamLabels[streamStatus]}
        </p>
        <p className="console-header__agent">Signed in as {agent.name}</p>
        <button type="button" className="console-button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div className="console-layout">
        <nav className="console-sidebar" aria-label="Conversations">
          <ConversationList
            status={status}
            onStatusChange={setStatus}
            identification={identification}
            onIdentificationChange={setIdentification}
            list={list}
            openId={openId}
            onOpen={setOpenId}
          />
        </nav>
        <main className="console-main">
          {openId ? (
            <ConversationView
              key={openId}
              api={api}
              hub={hub}
              agent={agent}
              conversationId={openId}
              generation={generation}
              onBack={closeConversation}
            />
          ) : (
            <p className="console-muted console-main__empty">Choose a conversation to read and answer it.</p>
          )}
        </main>
      </div>
    </div>
  )
}
