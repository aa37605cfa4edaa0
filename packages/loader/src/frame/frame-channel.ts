import type { ChatClient, ChatState, Message } from '@threadline/core'
import { createI18n } from '@threadline/react'
import type { Messages } from '@threadline/react'
import {
  isHostMessage,
  type BootOptions,
  type FrameMessage,
  type HostMessage,
  type PageInfo,
} from '../common/channel.js'

/** What the frame shows; the channel decides, the view renders. */
export interface FrameViewState {
  open: boolean
  /** BCP 47 tag the chat speaks. */
  locale: string
  /** The catalogue for `locale`, once loaded (English is bundled and needs none). */
  messages: Messages | undefined
  /** The customer closed the chat from inside (close button, Escape). */
  onClose: () => void
}

export interface FrameChannelOptions {
  port: MessagePort
  client: ChatClient
  /** Realtime arrivals (not history); see `observeNewMessages`. */
  newMessages: { subscribe(listener: (message: Message) => void): () => void }
  /** Renders (or re-renders) the chat. Not called before the boot message. */
  render: (state: FrameViewState) => void
  /** The catalogue for a locale; `@threadline/react`'s `loadCatalogue` loads it on demand. */
  loadCatalogue: (locale: string) => Promise<Messages>
  /** Used when boot names no locale. */
  defaultLocale: string
}

export interface FrameChannel {
  /**
   * The chat's language once the boot has set it (a later `locale` message changes the launcher,
   * not the chat); undefined before. The frame sends it as the adapter's Accept-Language.
   */
  chatLocale(): string | undefined
  /** Stops listening and posting; the client is the caller's to destroy. */
  close(): void
}

const isSignedIn = (state: ChatState) => state.identity.status === 'verified' || state.identity.status === 'identified'

/**
 * The frame's half of the loader ↔ frame protocol (`../common/channel.ts`), over the port the
 * loader handed over: commands in (boot, open, close, identify, logout, page), the chat's state out
 * (ready, close, unread, message, session). Messages that fail `isHostMessage` are ignored.
 */
export function startFrameChannel(options: FrameChannelOptions): FrameChannel {
  const { port, client } = options
  let view: Omit<FrameViewState, 'onClose'> = { open: false, locale: options.defaultLocale, messages: undefined }
  let bootStarted = false
  let booted = false
  let closed = false
  /** The newest identity token the host gave; the client asks for it again when its session expires. */
  let identityToken: string | null = null
  const cleanups: Array<() => void> = []
  // The launcher on the host page names the unread count with these words: the launcher's language,
  // which the boot sets and a later `locale` message changes (the chat itself keeps its language).
  let launcherI18n = createI18n({ locale: options.defaultLocale })
  let launcherLocaleRequest = 0
  let lastUnread: number | null = null

  const post = (message: FrameMessage) => {
    if (!closed) port.postMessage(message)
  }

  const render = () => {
    if (booted && !closed) options.render({ ...view, onClose: closeFromInside })
  }

  const setView = (patch: Partial<typeof view>) => {
    view = { ...view, ...patch }
    render()
  }

  function closeFromInside() {
    if (!view.open) return
    setView({ open: false })
    post({ type: 'close' })
  }

  const trackPage = (page: PageInfo) => {
    // The frame cannot see the host page's referrer, and the host does not send it. The zone is the
    // device's own (the frame runs on it), for the advisor's "local time".
    void client.trackPageView({
      url: page.url,
      title: page.title,
      referrer: '',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    })
  }

  const identify = (token: string) => {
    identityToken = token
    void client.identify({ getToken: () => identityToken ?? token })
  }

  async function boot(message: Extract<HostMessage, { type: 'boot' }>) {
    // Only the first boot counts; the loader sends one.
    if (bootStarted) return
    bootStarted = true
    const locale = pickLocale(message.options, options.defaultLocale)
    // English while the catalogue loads would flash one language then another: wait for it (a small
    // chunk from this origin); should it fail, English is better than no chat.
    const catalogue = options.loadCatalogue(locale).catch(() => undefined)
    void speakToLauncherIn(locale, catalogue)
    const messages = await catalogue
    if (closed) return
    booted = true
    document.documentElement.lang = locale
    setView({ locale, messages, open: message.open || view.open })
    post({ type: 'ready' })
    if (message.options.identityToken !== undefined) identify(message.options.identityToken)
    trackPage(message.page)
  }

  function handle(message: HostMessage) {
    switch (message.type) {
      case 'boot':
        void boot(message)
        return
      case 'open':
        setView({ open: true })
        return
      case 'close':
        setView({ open: false })
        return
      case 'identify':
        identify(message.identityToken)
        return
      case 'logout':
        identityToken = null
        void client.logout()
        return
      case 'page':
        trackPage(message.page)
        return
      case 'locale': {
        const locale = pickLocale({ locale: message.locale }, options.defaultLocale)
        void speakToLauncherIn(
          locale,
          options.loadCatalogue(locale).catch(() => undefined),
        )
        return
      }
    }
  }

  /** Words the launcher's unread name in `locale`, once its catalogue is in; the latest request wins. */
  async function speakToLauncherIn(locale: string, catalogue: Promise<Messages | undefined>) {
    const request = ++launcherLocaleRequest
    const messages = await catalogue
    if (request !== launcherLocaleRequest || closed) return
    launcherI18n = createI18n({ locale, messages })
    if (lastUnread) postUnread(lastUnread)
  }

  const postUnread = (count: number) =>
    post(
      count > 0
        ? { type: 'unread', count, label: launcherI18n.t('openChatUnread', { count }) }
        : { type: 'unread', count },
    )

  port.onmessage = (event: MessageEvent) => {
    if (isHostMessage(event.data)) handle(event.data)
  }
  cleanups.push(() => (port.onmessage = null))

  // What the host shows (badge, launcher state) follows the client's state.
  let lastSession: boolean | null = null
  let lastAvailability: unknown
  const reportState = (state: ChatState) => {
    // The chat mode as the chat's stream tells it (the loader asked on its own at page load).
    if (state.availability && state.availability !== lastAvailability)
      post({ type: 'availability', availability: (lastAvailability = state.availability) })
    // Before storage is read, "no session, nothing unread" would be a guess.
    if (!state.ready) return
    if (state.unreadCount !== lastUnread) {
      lastUnread = state.unreadCount
      postUnread(state.unreadCount)
    }
    const active = isSignedIn(state)
    if (active !== lastSession) {
      lastSession = active
      post({ type: 'session', active })
    }
  }
  cleanups.push(client.subscribe(reportState))
  reportState(client.getState())

  const notified = new Set<string>()
  cleanups.push(
    options.newMessages.subscribe((message) => {
      // The stream may deliver a message twice around a reconnect.
      if (notified.has(message.id)) return
      notified.add(message.id)
      post({
        type: 'message',
        message: { id: message.id, author: message.author.kind, createdAt: Date.parse(message.createdAt) },
      })
    }),
  )

  return {
    chatLocale: () => (booted ? view.locale : undefined),
    close() {
      closed = true
      for (const cleanup of cleanups.splice(0)) cleanup()
    },
  }
}

/** The boot option, else the browser's language, else the default. */
function pickLocale(options: BootOptions, fallback: string): string {
  const candidate = options.locale ?? (typeof navigator === 'undefined' ? undefined : navigator.language)
  return candidate && isLocaleTag(candidate) ? candidate : fallback
}

/** A tag `Intl` accepts; anything else would throw in the formatters. */
function isLocaleTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1
  } catch {
    return false
  }
}
