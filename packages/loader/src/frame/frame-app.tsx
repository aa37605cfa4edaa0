import type { ChatClient } from '@threadline/core'
import {
  ChatBody,
  ChatPanel,
  Composer,
  ConnectionNotice,
  Header,
  IdentificationQuickReply,
  MessageList,
  Notice,
  Notices,
  ThreadlineProvider,
  TypingIndicator,
  useChatState,
  useI18n,
  useIdentity,
  type Messages,
} from '@threadline/react'
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react'

export interface FrameAppProps {
  client: ChatClient
  open: boolean
  locale: string
  messages: Messages | undefined
  /** The close button or Escape. */
  onClose: () => void
  /** Messages wait to be sent and only memory holds them (storage refused); read with the chat's state. */
  unsentInMemory?: () => boolean
}

/** "Messages not sent yet are kept only while this page is open" (docs/sessions.md). */
function UnsentInMemoryNotice({ unsentInMemory }: { unsentInMemory: () => boolean }) {
  const { t } = useI18n()
  // The flag flips on a storage failure, which comes with the outbox write that updates the state.
  return useChatState(unsentInMemory) ? <Notice tone="warning">{t('noticeUnsentOnPage')}</Notice> : null
}

/** Where the customer types: the email, the code or the message box. */
const firstFields = 'input:not([type="hidden"]):not([hidden]), textarea'

/** Focus is on the panel itself (where an open with no field yet puts it) or nowhere: no choice of the customer's to respect. */
function focusIsFree(panel: HTMLElement | null): boolean {
  const active = document.activeElement
  return active === null || active === document.body || active === panel
}

/**
 * Focus goes to where the customer types when the chat opens. When that field appears only later
 * (storage still loading at open; the email gate giving way to the conversation), focus follows it
 * as long as it has not gone anywhere of the customer's choosing. An open with no field yet focuses
 * the panel, so screen readers announce the chat.
 *
 * The late field is caught with a MutationObserver, not a state dependency: preact re-renders each
 * subscribed component in its own pass, so this component can run before the field exists.
 */
function FocusOnOpen({ open, container }: { open: boolean; container: RefObject<HTMLDivElement | null> }) {
  const { status } = useIdentity()
  const wasOpen = useRef(false)
  /** Opened (or the identity changed) before a field existed: focus the field when it appears. */
  const pending = useRef(false)

  // A layout effect: focus moves in the same frame the chat appears.
  useLayoutEffect(() => {
    const justOpened = open && !wasOpen.current
    wasOpen.current = open
    const element = container.current
    pending.current = false
    if (!open || !element) return
    const panel = element.querySelector<HTMLElement>('section')
    if (!justOpened && !focusIsFree(panel)) return
    const field = element.querySelector<HTMLElement>(firstFields)
    if (field) field.focus()
    else if (justOpened) panel?.focus()
    pending.current = field === null
  }, [open, status, container])

  useEffect(() => {
    const element = container.current
    if (!open || !element) return
    const observer = new MutationObserver(() => {
      if (!pending.current) return
      const field = element.querySelector<HTMLElement>(firstFields)
      if (!field) return
      pending.current = false
      if (focusIsFree(element.querySelector<HTMLElement>('section'))) field.focus()
    })
    observer.observe(element, { childList: true, subtree: true })
    return () => observer.disconnect()
  }, [open, container])
  return null
}

/**
 * The chat filling the frame. The loader hides the frame when it is closed; here, closed also means
 * `inert` (nothing inside can take focus, so an email field mounting in a hidden frame cannot pull
 * focus away from the host page) and no read receipts: messages are marked read only while the
 * customer can see them. Inside a frame `document.visibilityState` follows the host tab, not
 * whether the frame is shown, so the message list's own visibility check is not enough.
 */
export function FrameApp({ client, open, locale, messages, onClose, unsentInMemory }: FrameAppProps) {
  const root = useRef<HTMLDivElement | null>(null)

  // On the document, not the panel: Escape also closes when focus sits on the frame's body.
  useEffect(() => {
    if (!open) return
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      event.preventDefault()
      onClose()
    }
    document.addEventListener('keydown', closeOnEscape)
    return () => document.removeEventListener('keydown', closeOnEscape)
  }, [open, onClose])

  return (
    <ThreadlineProvider client={client} locale={locale} messages={messages}>
      <div ref={root} className="tl-frame" inert={!open}>
        <ChatPanel className="tl-frame__panel" tabIndex={-1}>
          <Header onClose={onClose} />
          <ConnectionNotice />
          <ChatBody>
            <MessageList markRead={open} />
            <TypingIndicator />
            <Notices />
            {unsentInMemory && <UnsentInMemoryNotice unsentInMemory={unsentInMemory} />}
            <IdentificationQuickReply />
            <Composer />
          </ChatBody>
        </ChatPanel>
        <FocusOnOpen open={open} container={root} />
      </div>
    </ThreadlineProvider>
  )
}
