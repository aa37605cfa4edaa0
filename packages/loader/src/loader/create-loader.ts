import { channelVersion, isAvailability, isFrameMessage, isObject } from '../common/channel.js'
import type { BootOptions, ConnectMessage, FrameMessage, HostMessage, PageInfo } from '../common/channel.js'
import type { IdentifyRequest, IdentifyScript } from '../common/identify.js'
import type { Availability } from '@threadline/protocol'
import type { ThreadlineEventName } from './api.js'
import { createLauncher } from './launcher.js'
import { readSessionFlag, writeSessionFlag } from './session-flag.js'

export interface LoaderOptions {
  window: Window
  /** From the script tag's `data-workspace`. */
  workspaceId: string
  /** The origin of the script tag's `src`: where the frame lives and the only origin we post to. */
  chatOrigin: string
  /** Runs work when the page is idle (default: requestIdleCallback). */
  idle: (work: () => void) => void
}

export interface Loader {
  /** Runs one `Threadline(command, …args)` call. Never throws: mistakes are console warnings. */
  run(call: ArrayLike<unknown>): void
}

type Listener = (value?: unknown) => void
const eventNames: readonly string[] = [
  'open',
  'close',
  'unread',
  'message',
  'availability',
] satisfies ThreadlineEventName[]

const warn = (message: string) => console.warn(`Threadline: ${message}`)

/**
 * Mounts the launcher and answers commands. The chat iframe is created on the first open, or on
 * idle when this browser is known to have a session (so the unread badge is live); a new visitor
 * costs the host page one button and nothing else.
 */
export function createLoader({ window, workspaceId, chatOrigin, idle }: LoaderOptions): Loader {
  const document = window.document
  const storage = () => window.localStorage
  const listeners = new Map<string, Set<Listener>>()
  let options: BootOptions = {}
  // The boot option, else the page's language, else the browser's.
  const pickLocale = () => options.locale || document.documentElement.lang || window.navigator.language
  // What the launcher speaks, decided at mount and at each boot; the frame is booted in it too.
  let locale = pickLocale()
  const launcher = createLauncher(document, () => (isOpen ? close() : open()))
  let isOpen = false
  let unread = 0
  // The frame's name for the closed launcher with that count, in the launcher's language ('' for none).
  let unreadLabel = ''
  // The chat mode (docs/availability.md): `hidden` keeps the launcher from visitors without a session.
  let availability: Availability | undefined
  const draw = () =>
    launcher.render(
      isOpen,
      unread,
      unreadLabel,
      locale,
      availability?.mode === 'hidden' && !readSessionFlag(storage, workspaceId),
    )
  draw()
  let iframe: HTMLIFrameElement | null = null
  let port: MessagePort | null = null
  // A logout asked for before the frame connected still has to reach the frame's stored session.
  let pendingLogout = false

  // The frame page (the server only serves it when `origin` is one of the workspace's allowed
  // origins) and the API's availability. chatOrigin is a serialised origin (no path, no trailing
  // slash): no URL resolution needed.
  const chatUrl = (path: string, query?: Record<string, string>) =>
    `${chatOrigin}${path}?${new URLSearchParams({ workspace: workspaceId, ...query })}`

  const page = (): PageInfo => ({ url: window.location.href, title: document.title })

  function emit(event: ThreadlineEventName, value?: unknown) {
    for (const listener of listeners.get(event) ?? []) {
      // One failing host listener must not stop the others or the widget.
      try {
        listener(value)
      } catch (error) {
        console.error(error)
      }
    }
  }

  /** Posts on the private port; before the frame is connected the boot message carries the state. */
  function send(message: HostMessage) {
    port?.postMessage(message)
  }

  function ensureFrame(): HTMLIFrameElement {
    if (iframe) return iframe
    const frame = document.createElement('iframe')
    frame.src = chatUrl('/widget/frame.html', { origin: window.location.origin })
    frame.addEventListener('load', () => connect(frame))
    launcher.mountFrame(frame)
    draw()
    return (iframe = frame)
  }

  /** Each load of the frame document (first load, or a reload) gets a fresh channel and a boot. */
  function connect(frame: HTMLIFrameElement) {
    port?.close()
    const channel = new MessageChannel()
    port = channel.port1
    port.onmessage = (event: MessageEvent) => {
      if (isFrameMessage(event.data)) receive(event.data)
    }
    const connectMessage: ConnectMessage = { threadline: 'connect', version: channelVersion }
    // targetOrigin = the chat origin: if the frame was navigated anywhere else, nothing is delivered (E5).
    frame.contentWindow?.postMessage(connectMessage, chatOrigin, [channel.port2])
    // The frame gets the launcher's locale: left to itself it would skip the page's <html lang>,
    // which it cannot read, and answer in another language than the launcher.
    send({ type: 'boot', options: { ...options, locale }, open: isOpen, page: page() })
    if (pendingLogout) send({ type: 'logout' })
    pendingLogout = false
  }

  function receive(message: FrameMessage) {
    switch (message.type) {
      // 'ready': nothing to do. `open` already focused the iframe element, which hands focus to the
      // frame's document once it loads. Focusing the iframe again here, with the frame already focused,
      // makes Chromium blur the frame's field back to its body (measured on a cross-site frame).
      case 'close':
        close()
        break
      case 'unread':
        setUnread(message.count, message.label)
        break
      case 'message': {
        // Field by field: whatever else the frame put in the notice stays out of host listeners.
        const { id, author, createdAt } = message.message
        emit('message', { id, author, createdAt })
        break
      }
      case 'session':
        writeSessionFlag(storage, workspaceId, message.active)
        draw()
        break
      case 'availability':
        learn(message.availability)
    }
  }

  let availabilityTimer: ReturnType<typeof setTimeout> | undefined
  function learn(value: Availability) {
    availability = value
    draw()
    emit('availability', value)
    // Asked again when the mode is due to change by itself (timed by the server's clock).
    clearTimeout(availabilityTimer)
    if (value.changesAt)
      availabilityTimer = setTimeout(
        ask,
        Math.min(Date.parse(value.changesAt) - Date.parse(value.at) + 1e3, 2 ** 31 - 1),
      )
  }
  /** A simple GET (no preflight); if it fails, the launcher shows, as it always did. */
  function ask() {
    fetch(chatUrl('/v1/availability'))
      .then((response) => response.json())
      .then((value: unknown) => isAvailability(value) && learn(value))
      .catch(() => undefined)
  }
  ask()

  function setUnread(count: number, label = '') {
    const changed = count !== unread
    unread = count
    unreadLabel = label
    draw()
    if (changed) emit('unread', count)
  }

  function open() {
    if (isOpen) return
    isOpen = true
    const frame = ensureFrame()
    draw()
    send({ type: 'open' })
    frame.focus()
    emit('open')
  }

  function close() {
    if (!isOpen) return
    isOpen = false
    draw()
    send({ type: 'close' })
    // Back to the launcher only when focus was in the chat: a host calling `close` while the
    // visitor types in its own form must not have focus pulled away.
    if (document.activeElement === launcher.host) launcher.button.focus()
    emit('close')
  }

  function boot(value: unknown) {
    if (value !== undefined && !isObject(value)) return warn('boot expects an object')
    const input = isObject(value) ? value : {}
    options = {}
    if (typeof input.identityToken === 'string') options.identityToken = input.identityToken
    if (typeof input.locale === 'string') options.locale = input.locale
    const previous = locale
    locale = pickLocale()
    draw()
    // The unread count's wording comes from the frame: ask for it in the new language.
    if (locale !== previous) send({ type: 'locale', locale })
    // The frame honours only its first boot (it is sent on connect); a host that boots late,
    // after the frame connected, can still pass the identity.
    if (options.identityToken !== undefined) send({ type: 'identify', identityToken: options.identityToken })
  }

  function identify(value: unknown) {
    if (!isObject(value) || typeof value.identityToken !== 'string') return warn('identify expects { identityToken }')
    options.identityToken = value.identityToken
    send({ type: 'identify', identityToken: value.identityToken })
  }

  function logout() {
    const hadSession = readSessionFlag(storage, workspaceId)
    writeSessionFlag(storage, workspaceId, false)
    delete options.identityToken
    setUnread(0)
    if (port) return send({ type: 'logout' })
    // A session may sit in the frame's storage: load the frame (hidden) to end it.
    if (hadSession || iframe) {
      pendingLogout = true
      ensureFrame()
    }
  }

  function listen(event: unknown, listener: unknown, add: boolean) {
    if (typeof event !== 'string' || !eventNames.includes(event) || typeof listener !== 'function') {
      return warn(`${add ? 'on' : 'off'} expects an event name and a function`)
    }
    const set = listeners.get(event) ?? new Set<Listener>()
    listeners.set(event, set)
    if (add) set.add(listener as Listener)
    else set.delete(listener as Listener)
    // The mode is a state, not an occurrence: a late listener hears the current one.
    if (add && event === 'availability' && availability) (listener as Listener)(availability)
  }

  // The identification-code widget: its script, appended on the first request, and the request its
  // `load` answers (the latest, if several came while it loaded).
  let identifyScript: IdentifyScript | undefined
  let identifyRequest: IdentifyRequest

  /** Opens the code dialog (identify.js) for the signed-in visitor; never touches the chat frame. */
  function showIdentificationCode(value: unknown, opener: unknown) {
    const token = isObject(value) && typeof value.identityToken === 'string' ? value.identityToken : undefined
    if (!token && !options.identityToken) return warn('showIdentificationCode needs an identityToken')
    // identify.js checks the opener (the clicked element; from a host's call, whatever has focus).
    identifyRequest = [chatOrigin, workspaceId, () => token ?? options.identityToken, locale, opener]
    if (identifyScript) return identifyScript.show?.(identifyRequest)
    const script: IdentifyScript = (identifyScript = document.createElement('script'))
    script.src = `${chatOrigin}/widget/identify.js`
    script.onload = () => script.show?.(identifyRequest)
    // The next request tries again.
    script.onerror = () => {
      script.remove()
      identifyScript = undefined
    }
    // In the document, not the shadow root: scripts in a shadow tree get no `document.currentScript`.
    document.head.append(script)
  }

  if (readSessionFlag(storage, workspaceId)) idle(ensureFrame)

  return {
    run(call) {
      const [command, first, second] = Array.from(call)
      switch (command) {
        case 'boot':
          return boot(first)
        case 'open':
          return open()
        case 'close':
          return close()
        case 'identify':
          return identify(first)
        case 'logout':
          return logout()
        case 'on':
        case 'off':
          return listen(first, second, command === 'on')
        case 'trackPage':
          return send({ type: 'page', page: page() })
        case 'showIdentificationCode':
          return showIdentificationCode(first, second)
        default:
          warn(`unknown command ${typeof command === 'string' ? command : typeof command}`)
      }
    },
  }
}
