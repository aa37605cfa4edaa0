import type { ChatMessage } from '@threadline/core'
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ComponentPropsWithRef,
  type ReactNode,
  type UIEvent,
} from 'react'
import { useHistory } from '../hooks/use-history.js'
import { useMessages } from '../hooks/use-messages.js'
import { useUnreadCount } from '../hooks/use-unread-count.js'
import type { Formatters } from '../i18n/create-formatters.js'
import { useI18n } from '../i18n/i18n-context.js'
import { classNames } from '../parts/class-names.js'
import { composeEventHandlers } from '../parts/compose-event-handlers.js'
import { ArrowDownIcon } from '../parts/icons.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useIsomorphicLayoutEffect } from '../parts/use-isomorphic-layout-effect.js'
import { useThreadlineClient } from '../provider/client-context.js'
import { EmptyState } from './empty-state.js'
import { Message } from './message.js'
import { useTeam } from './team.js'

export interface MessageGrouping {
  /** First message of a run by one author: show name and avatar. */
  showAuthor: boolean
  /** Last message of the run: show the time. */
  showTime: boolean
}

export interface MessageListProps extends ComponentPropsWithRef<'div'> {
  /** Runs for scrolls of the inner scrolling element; `preventDefault()` skips the list's own handling. */
  onScroll?: (event: UIEvent<HTMLDivElement>) => void
  /** Shown while the conversation has no message. Default `<EmptyState />`. */
  emptyState?: ReactNode
  /** How many of the newest messages are rendered at first. Default 50. */
  initialWindow?: number
  /** How many more are rendered each time the reader reaches the top. Default 50. */
  windowStep?: number
  /** Renders one message. Default `<Message />`. */
  renderMessage?: (message: ChatMessage, grouping: MessageGrouping) => ReactNode
  /** Marks messages read while the newest one is in view and the page is visible. Default true. */
  markRead?: boolean
}

/** Messages by one author within this long of each other, on one day, form a group. */
const groupGapMs = 5 * 60 * 1000
/** Closer than this to an edge counts as being at it (px). */
const bottomSlack = 40
const topSlack = 150

function sameGroup(format: Formatters, a: ChatMessage, b: ChatMessage): boolean {
  return (
    a.author.kind === b.author.kind &&
    a.author.kind !== 'system' &&
    a.author.id === b.author.id &&
    b.createdAt - a.createdAt < groupGapMs &&
    format.dayKey(a.createdAt) === format.dayKey(b.createdAt)
  )
}

const MessageRow = memo(function MessageRow({
  message,
  showAuthor,
  showTime,
  render,
}: MessageGrouping & { message: ChatMessage; render: MessageListProps['renderMessage'] }) {
  return (
    <li className="tl-message-list__row" data-author={message.author.kind}>
      {render ? (
        render(message, { showAuthor, showTime })
      ) : (
        <Message message={message} showAuthor={showAuthor} showTime={showTime} />
      )}
    </li>
  )
})

/**
 * The conversation, grouped by author and day. Stays pinned to the newest message unless the reader
 * scrolled up (then a "new messages" pill appears), renders only a window of the newest messages
 * that grows as the reader scrolls up, then loads older history, keeping the view still.
 * New messages from the team are announced politely to screen readers.
 */
export const MessageList = partWithRef(
  'MessageList',
  function MessageList({
    ref,
    emptyState,
    initialWindow = 50,
    windowStep = 50,
    renderMessage,
    markRead = true,
    className,
    onScroll,
    ...rest
  }: MessageListProps) {
    const client = useThreadlineClient()
    const { t, format } = useI18n()
    const team = useTeam()
    const messages = useMessages()
    const { hasOlder, loadingOlder } = useHistory()
    const unreadCount = useUnreadCount()

    // undefined: the newest `initialWindow`; null: everything held; a key: from that message on.
    const [startKey, setStartKey] = useState<string | null | undefined>(undefined)
    const [atBottom, setAtBottom] = useState(true)
    const [lastSeenKey, setLastSeenKey] = useState<string | null>(null)
    const [announcement, setAnnouncement] = useState('')
    const scroller = useRef<HTMLDivElement | null>(null)
    const atBottomRef = useRef(true)
    const previous = useRef<{ firstKey: string | undefined; lastKey: string | undefined; scrollHeight: number }>({
      firstKey: undefined,
      lastKey: undefined,
      scrollHeight: 0,
    })

    const start = useMemo(() => {
      const newest = Math.max(0, messages.length - initialWindow)
      if (startKey === undefined) return newest
      if (startKey === null) return 0
      const index = messages.findIndex((message) => message.key === startKey)
      return index < 0 ? newest : index
    }, [messages, startKey, initialWindow])
    const visible = messages.slice(start)
    const firstKey = visible[0]?.key
    const lastMessage = visible.at(-1)
    const lastKey = lastMessage?.key

    const showEarlier = useCallback(() => {
      // Heights change between commits (images, content-visibility estimates): measure right before rows go in.
      if (scroller.current) previous.current.scrollHeight = scroller.current.scrollHeight
      if (start > 0) {
        const next = Math.max(0, start - windowStep)
        setStartKey(next === 0 ? null : messages[next]?.key)
        return
      }
      setStartKey(null)
      if (hasOlder && !loadingOlder) void client.loadOlder()
    }, [start, windowStep, messages, hasOlder, loadingOlder, client])

    const stickToBottom = useCallback(() => {
      const element = scroller.current
      if (!element) return
      element.scrollTop = element.scrollHeight
      atBottomRef.current = true
      setAtBottom(true)
    }, [])

    useIsomorphicLayoutEffect(() => {
      const element = scroller.current
      if (!element) return
      const before = previous.current
      const appended = lastKey !== before.lastKey
      const ownNewMessage = appended && lastMessage?.author.kind === 'customer' && lastMessage.seq === null
      if (atBottomRef.current || ownNewMessage) {
        // Reading the end, or just wrote: follow the conversation.
        element.scrollTop = element.scrollHeight
        if (!atBottomRef.current) {
          atBottomRef.current = true
          setAtBottom(true)
        }
        setLastSeenKey(lastKey ?? null)
      } else if (firstKey !== before.firstKey && before.firstKey !== undefined) {
        // Older messages went in above: move by exactly their height so the reader's line stays put.
        element.scrollTop += element.scrollHeight - before.scrollHeight
      }
      if (appended && before.lastKey !== undefined && lastMessage && lastMessage.author.kind !== 'customer') {
        const name = lastMessage.author.name ?? team.name ?? t('defaultTeamName')
        setAnnouncement(
          t('announceMessage', {
            name,
            text: lastMessage.text || lastMessage.attachments.map((attachment) => attachment.name).join(', '),
          }),
        )
      }
      previous.current = { firstKey, lastKey, scrollHeight: element.scrollHeight }
    }, [firstKey, lastKey, visible.length])

    // Images and late layout grow the list after the commit; stay pinned while reading the end.
    useEffect(() => {
      const element = scroller.current
      if (!element || typeof ResizeObserver === 'undefined') return
      const observer = new ResizeObserver(() => {
        if (atBottomRef.current) element.scrollTop = element.scrollHeight
        previous.current.scrollHeight = element.scrollHeight
      })
      for (const child of Array.from(element.children)) observer.observe(child)
      return () => observer.disconnect()
    }, [messages.length === 0])

    useEffect(() => {
      if (!markRead || !atBottom || unreadCount === 0) return
      const markIfVisible = () => {
        if (document.visibilityState === 'visible') void client.markRead()
      }
      markIfVisible()
      document.addEventListener('visibilitychange', markIfVisible)
      return () => document.removeEventListener('visibilitychange', markIfVisible)
    }, [markRead, atBottom, unreadCount, client])

    const handleScroll = (event: UIEvent<HTMLDivElement>) => {
      const element = event.currentTarget
      const isAtBottom = element.scrollHeight - element.scrollTop - element.clientHeight <= bottomSlack
      atBottomRef.current = isAtBottom
      setAtBottom(isAtBottom)
      if (isAtBottom) setLastSeenKey(lastKey ?? null)
      if (element.scrollTop <= topSlack && (start > 0 || hasOlder)) showEarlier()
    }

    let unseen = 0
    if (!atBottom && lastSeenKey !== null) {
      for (let index = messages.length - 1; index >= 0 && messages[index]?.key !== lastSeenKey; index--) {
        if (messages[index]?.author.kind !== 'customer') unseen++
      }
    }

    const rows: ReactNode[] = []
    visible.forEach((message, offset) => {
      const index = start + offset
      const before = messages[index - 1]
      const after = messages[index + 1]
      if (!before || format.dayKey(before.createdAt) !== format.dayKey(message.createdAt)) {
        rows.push(
          <li key={`day:${format.dayKey(message.createdAt)}`} className="tl-message-list__day">
            <time dateTime={format.dayKey(message.createdAt)}>{format.day(message.createdAt, Date.now())}</time>
          </li>,
        )
      }
      rows.push(
        <MessageRow
          key={message.key}
          message={message}
          showAuthor={!before || !sameGroup(format, before, message)}
          showTime={!after || !sameGroup(format, message, after)}
          render={renderMessage}
        />,
      )
    })

    return (
      <div
        {...rest}
        ref={ref}
        className={classNames('tl-message-list', className)}
        data-at-bottom={atBottom ? '' : undefined}
        data-empty={messages.length === 0 ? '' : undefined}
      >
        <div
          ref={scroller}
          className="tl-message-list__scroller"
          role="region"
          aria-label={t('messagesLabel')}
          // Scrollable regions must be reachable by keyboard to be scrolled without a mouse.
          tabIndex={0}
          aria-busy={loadingOlder || undefined}
          onScroll={composeEventHandlers(onScroll, handleScroll)}
        >
          {messages.length === 0 ? (
            (emptyState ?? <EmptyState />)
          ) : (
            <>
              {(start > 0 || hasOlder) && (
                <button
                  type="button"
                  className="tl-message-list__earlier tl-link-button"
                  disabled={loadingOlder}
                  onClick={showEarlier}
                >
                  {loadingOlder ? t('loadingEarlier') : t('showEarlier')}
                </button>
              )}
              <ol className="tl-message-list__items">{rows}</ol>
            </>
          )}
        </div>
        {unseen > 0 && (
          <button type="button" className="tl-message-list__pill" onClick={stickToBottom}>
            {t('newMessages', { count: unseen })}
            <ArrowDownIcon />
          </button>
        )}
        <div className="tl-visually-hidden" aria-live="polite" aria-atomic="true">
          {announcement}
        </div>
      </div>
    )
  },
)
