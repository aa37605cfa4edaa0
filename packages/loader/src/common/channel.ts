import type { Availability } from '@threadline/protocol'

/**
 * The loader ↔ chat frame protocol (docs/security.md E5, A14).
 *
 * 1. The loader creates `<iframe src="{chatOrigin}/widget/frame.html?workspace=ws_…&origin={hostOrigin}">`.
 *    The server serves that page only when `origin` is one of the workspace's allowed origins, with
 *    `Content-Security-Policy: frame-ancestors {origin}`, so no other site can embed it.
 * 2. On the iframe's `load` event the loader posts one `ConnectMessage` to `iframe.contentWindow` with
 *    `targetOrigin` = the chat origin (never `*`) and transfers `port2` of a fresh `MessageChannel`.
 * 3. The frame accepts it only when `event.source === window.parent` and `event.origin` is exactly the
 *    `origin` of its own URL, and only once. Everything after that travels over the port, which no
 *    other script on the host page can observe.
 *
 * Messages are plain data (structured clone), checked with the guards below on receipt and never
 * evaluated or inserted as HTML. The session token never crosses: it stays in the frame's storage.
 */

export const channelVersion = 1

/** The only message sent with `window.postMessage`; carries the port in `event.ports[0]`. */
export interface ConnectMessage {
  threadline: 'connect'
  version: typeof channelVersion
}

export interface BootOptions {
  /** A short-lived JWT the site's backend signed with the workspace secret (logged-in customers). */
  identityToken?: string
  /** BCP 47. The loader always sends the one its launcher speaks (boot `locale`, else `<html lang>`, else the browser's), so the two agree. */
  locale?: string
}

/** Loader → frame, over the port. */
export type HostMessage =
  | { type: 'boot'; options: BootOptions; open: boolean; page: PageInfo }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'identify'; identityToken: string }
  | { type: 'logout' }
  | { type: 'page'; page: PageInfo }
  /** A later boot changed the launcher's language: the frame names the unread count in it (the chat keeps its own). */
  | { type: 'locale'; locale: string }

export interface PageInfo {
  url: string
  title: string
}

/** What a host's `on('message', …)` listener receives: never the text, which stays in the frame. */
export interface MessageNotice {
  id: string
  author: 'agent' | 'bot' | 'customer' | 'system'
  createdAt: number
}

/** Frame → loader, over the port. */
export type FrameMessage =
  /** The frame has read the boot message and rendered. */
  | { type: 'ready' }
  /** The customer closed the chat from inside the frame (close button, Escape). */
  | { type: 'close' }
  /**
   * `label`: the launcher's name with the count, in the launcher's language, from the chat's own
   * catalogue ("Abrir el chat, 2 mensajes sin leer"); absent when the count is 0. The frame holds the
   * plural forms, so loader.js does not (its 3 KB budget).
   */
  | { type: 'unread'; count: number; label?: string }
  | { type: 'message'; message: MessageNotice }
  /** Whether this browser holds a session for the workspace; the loader keeps a flag (not the token) so it can create the frame on idle next time and show the unread badge. */
  | { type: 'session'; active: boolean }
  /** The workspace's chat mode, as the chat's stream told it (docs/availability.md). */
  | { type: 'availability'; availability: Availability }

/** Just what the loader reads of an availability (the frame checked the rest against the protocol). */
export const isAvailability = (value: unknown): value is Availability =>
  isObject(value) && typeof value.mode === 'string'

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

export function isConnectMessage(value: unknown): value is ConnectMessage {
  return isObject(value) && value.threadline === 'connect' && value.version === channelVersion
}

const optionalString = (value: unknown) => value === undefined || typeof value === 'string'
const isPage = (value: unknown): value is PageInfo =>
  isObject(value) && typeof value.url === 'string' && typeof value.title === 'string'

export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false
  switch (value.type) {
    case 'boot':
      return (
        isObject(value.options) &&
        optionalString(value.options.identityToken) &&
        optionalString(value.options.locale) &&
        typeof value.open === 'boolean' &&
        isPage(value.page)
      )
    case 'open':
    case 'close':
    case 'logout':
      return true
    case 'identify':
      return typeof value.identityToken === 'string'
    case 'page':
      return isPage(value.page)
    case 'locale':
      return typeof value.locale === 'string'
    default:
      return false
  }
}

export function isFrameMessage(value: unknown): value is FrameMessage {
  if (!isObject(value)) return false
  switch (value.type) {
    case 'ready':
    case 'close':
      return true
    case 'unread':
      // Number.isInteger is false for anything not a number.
      return Number.isInteger(value.count) && (value.count as number) >= 0 && optionalString(value.label)
    case 'message': {
      const message = value.message
      return (
        isObject(message) &&
        typeof message.id === 'string' &&
        ['agent', 'bot', 'customer', 'system'].includes(message.author as string) &&
        typeof message.createdAt === 'number'
      )
    }
    case 'session':
      return typeof value.active === 'boolean'
    case 'availability':
      return isAvailability(value.availability)
    default:
      return false
  }
}
