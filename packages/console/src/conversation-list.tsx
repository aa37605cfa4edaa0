import type { AgentConversationCounts, Author, IdentificationStatus } from '@threadline/protocol'
import { Avatar } from '@threadline/react'
import { useEffect, useId, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import { customerLabel } from './customer-label.js'
import { formatTime } from './format-time.js'
import { identificationBadges, identificationNames } from './identification-labels.js'
import { isUnread } from './use-conversation-list.js'
import type { ConversationListState, ConversationRow } from './use-conversation-list.js'
import { views } from './views.js'
import type { ViewId } from './views.js'

export type IdentificationFilter = IdentificationStatus | null

const tabId = (id: ViewId) => `view-tab-${id}`
export const rowId = (conversationId: string) => `conversation-row-${conversationId}`
/** The search field's id, for the `/` shortcut. */
export const searchFieldId = 'conversation-search'

export interface ConversationListProps {
  view: ViewId
  onViewChange: (view: ViewId) => void
  /** The size of each view; null until the server answered. */
  counts: AgentConversationCounts | null
  search: string
  onSearchChange: (search: string) => void
  identification: IdentificationFilter
  onIdentificationChange: (identification: IdentificationFilter) => void
  list: ConversationListState
  openId: string | null
  onOpen: (conversationId: string) => void
}

/** View tabs with their counts (arrow keys move between them, as the ARIA tabs pattern says), a search, and the list. */
export function ConversationList({
  view,
  onViewChange,
  counts,
  search,
  onSearchChange,
  identification,
  onIdentificationChange,
  list,
  openId,
  onOpen,
}: ConversationListProps) {
  const tabsRef = useRef<HTMLDivElement>(null)

  function onTabKeyDown(event: KeyboardEvent<HTMLButtonElement>, index: number): void {
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: views.length - 1 }[event.key]
    if (next === undefined) return
    event.preventDefault()
    const target = views[(next + views.length) % views.length]
    if (!target) return
    onViewChange(target.id)
    tabsRef.current?.querySelector<HTMLButtonElement>(`#${tabId(target.id)}`)?.focus()
  }

  const unreadCount = list.rows.filter(isUnread).length

  return (
    <>
      <div className="console-tabs" role="tablist" aria-label="Views" ref={tabsRef}>
        {views.map((candidate, index) => {
          const selected = candidate.id === view
          const count = counts?.[candidate.id]
          return (
            <button
              key={candidate.id}
              id={tabId(candidate.id)}
              type="button"
              role="tab"
              aria-selected={selected}
              aria-controls="conversation-list"
              tabIndex={selected ? 0 : -1}
              className="console-tab"
              onClick={() => onViewChange(candidate.id)}
              onKeyDown={(event) => onTabKeyDown(event, index)}
            >
              {candidate.label}
              {count !== undefined && (
                <span className="console-tab__count" data-view-count={candidate.id}>
                  <span className="tl-visually-hidden">, </span>
                  {count}
                </span>
              )}
            </button>
          )
        })}
      </div>
      <SearchField value={search} onChange={onSearchChange} />
      <IdentificationSelect value={identification} onChange={onIdentificationChange} />
      <div
        id="conversation-list"
        role="tabpanel"
        aria-labelledby={tabId(view)}
        className="console-list"
        aria-busy={list.loading}
      >
        <p className="tl-visually-hidden" role="status">
          {list.loading ? 'Loading conversations' : `${list.rows.length} conversations, ${unreadCount} unread`}
        </p>
        {list.error && (
          <p role="alert" className="console-error">
            {list.error}
          </p>
        )}
        {!list.loading && !list.error && list.rows.length === 0 && (
          <p className="console-muted console-list__empty">No conversations here.</p>
        )}
        <ul>
          {list.rows.map((row) => (
            <li key={row.conversation.id}>
              <Row row={row} open={row.conversation.id === openId} onOpen={onOpen} />
            </li>
          ))}
        </ul>
      </div>
    </>
  )
}

function Row({ row, open, onOpen }: { row: ConversationRow; open: boolean; onOpen: (conversationId: string) => void }) {
  const name = customerLabel(row.customer)
  const unread = isUnread(row)
  const preview =
    row.last === undefined
      ? '…'
      : row.last === null
        ? 'No messages yet'
        : `${authorPrefix(row.last.author)}${row.last.text || 'Attachment'}`
  return (
    <button
      type="button"
      id={rowId(row.conversation.id)}
      className="console-row"
      aria-current={open ? 'true' : undefined}
      data-unread={unread ? '' : undefined}
      onClick={() => onOpen(row.conversation.id)}
    >
      <Avatar name={name} />
      <span className="console-row__main">
        <span className="console-row__top">
          <span className="console-row__name">{name}</span>
          <time className="console-row__time" dateTime={row.conversation.updatedAt}>
            {formatTime(row.conversation.updatedAt)}
          </time>
        </span>
        <span className="console-row__preview">{preview}</span>
        <span className="console-row__badges">
          {row.starred && (
            <span className="console-row__star">
              <span aria-hidden>★</span>
              <span className="tl-visually-hidden">Starred</span>
            </span>
          )}
          {identificationBadges(row.conversation).map((badge) => (
            <span key={badge.label} className="console-badge" data-tone={badge.tone}>
              {badge.label}
            </span>
          ))}
          {row.labels.map((label) => (
            <span key={`label-${label}`} className="console-badge console-badge--label">
              <span className="tl-visually-hidden">Label </span>
              {label}
            </span>
          ))}
        </span>
      </span>
      {unread && (
        <span className="console-row__unread">
          <span className="tl-visually-hidden">Unread</span>
        </span>
      )}
    </button>
  )
}

/** Whose the preview is: nothing for the customer's own words, else the advisor's name, or Threadline for its notes. */
function authorPrefix(author: Author): string {
  if (author.kind === 'customer') return ''
  return `${author.name ?? (author.kind === 'system' ? 'Threadline' : 'Advisor')}: `
}

const identificationOptions: { value: IdentificationFilter; label: string }[] = [
  { value: null, label: 'Everyone' },
  { value: 'identified', label: identificationNames.identified },
  { value: 'not_identified', label: identificationNames.not_identified },
]

/** A native select: keyboard and screen readers know it, and it narrows whichever status tab is open. */
function IdentificationSelect({
  value,
  onChange,
}: {
  value: IdentificationFilter
  onChange: (value: IdentificationFilter) => void
}) {
  const id = useId()
  return (
    <div className="console-filter">
      <label htmlFor={id}>Identification</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) =>
          onChange(identificationOptions.find((option) => (option.value ?? '') === event.target.value)?.value ?? null)
        }
      >
        {identificationOptions.map((option) => (
          <option key={option.label} value={option.value ?? ''}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}

/** How long typing pauses before the search goes to the server. */
export const searchDelayMs = 250

/** Search by customer email, name or message text; sent once typing pauses, Escape clears it. */
function SearchField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const [text, setText] = useState(value)
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange

  useEffect(() => {
    const timer = setTimeout(() => onChangeRef.current(text.trim()), searchDelayMs)
    return () => clearTimeout(timer)
  }, [text])

  return (
    <div className="console-search" role="search">
      <label htmlFor={searchFieldId} className="tl-visually-hidden">
        Search conversations
      </label>
      <input
        id={searchFieldId}
        type="search"
        placeholder="Search email, name or message"
        autoComplete="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && text !== '') {
            event.preventDefault()
            setText('')
          }
        }}
      />
    </div>
  )
}
