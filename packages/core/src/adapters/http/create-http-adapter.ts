import { attachmentNameHeader, visitorRoutes } from '@threadline/protocol'
import type { ChatAdapter } from '../types.js'
import { openEventStream } from './event-stream.js'
import { createHttpTransport } from './http-transport.js'
import type { HttpRequest } from './http-transport.js'
import { readResponse } from './read-response.js'
import {
  conversationResponseCheck,
  emailChallengeCheck,
  meResponseCheck,
  messagesPageCheck,
  sendMessageResponseCheck,
  sessionGrantCheck,
  uploadResponseCheck,
  attachmentLinkCheck,
  transcriptRequestCheck,
} from './wire-checks.js'
import type { Check } from './wire-checks.js'

export interface HttpAdapterOptions {
  /** Where the Threadline server answers, e.g. `https://chat.example.com` (a path prefix is kept). */
  baseUrl: string
  /** The `ws_…` id from `threadline workspace create`. */
  workspaceId: string
  /** Default: `globalThis.fetch`, looked up at each call, never at import. */
  fetch?: typeof globalThis.fetch
  /** How long a request may wait for the response headers. Default 10 000 ms; uploads have none. */
  timeoutMs?: number
  /** The server's heartbeat interval on the event stream; 2.5 times it without a byte counts as a drop. Default 15 000 ms. */
  heartbeatIntervalMs?: number
  /**
   * The chat's language (`es-MX`), sent as `Accept-Language` on every request so the server's
   * automatic replies speak it. A function is read at each request, for a language that changes.
   * Unset (or a function returning undefined): the browser's own `Accept-Language` goes out.
   */
  locale?: string | (() => string | undefined)
}

/** A `ChatAdapter` over the Threadline HTTP API: JSON calls checked against the protocol, and SSE for realtime. */
export function createHttpAdapter(options: HttpAdapterOptions): ChatAdapter {
  const transport = createHttpTransport(options)

  async function call(request: HttpRequest): Promise<void>
  async function call<T>(request: HttpRequest, check: Check<T>): Promise<T>
  async function call<T>(request: HttpRequest, check?: Check<T>): Promise<T | void> {
    const { response, description } = await transport(request)
    if (check) return readResponse(response, check, description, request.signal)
    // 204 No Content, or a body nobody reads: release the connection.
    await response.body?.cancel().catch(() => {})
  }

  return {
    specificationVersion: 1,
    startEmailVerification: ({ signal, email }) =>
      call({ route: visitorRoutes.startEmailVerification, signal, json: { email } }, emailChallengeCheck),
    verifyEmail: ({ signal, challengeId, code }) =>
      call({ route: visitorRoutes.verifyEmail, signal, json: { challengeId, code } }, sessionGrantCheck),
    identify: ({ signal, identityToken }) =>
      call({ route: visitorRoutes.identify, signal, json: { identityToken } }, sessionGrantCheck),
    logout: ({ signal, token }) => call({ route: visitorRoutes.logout, signal, token }),
    getMe: async ({ signal, token }) =>
      (await call({ route: visitorRoutes.me, signal, token }, meResponseCheck)).customer,
    getConversation: async ({ signal, token }) =>
      (await call({ route: visitorRoutes.getConversation, signal, token }, conversationResponseCheck)).conversation,
    listMessages: ({ signal, token, beforeSeq, afterSeq, limit }) =>
      call(
        { route: visitorRoutes.listMessages, signal, token, searchParams: { beforeSeq, afterSeq, limit } },
        messagesPageCheck,
      ),
    sendMessage: ({ signal, token, clientId, text, attachmentIds, quickStart }) =>
      call(
        { route: visitorRoutes.sendMessage, signal, token, json: { clientId, text, attachmentIds, quickStart } },
        sendMessageResponseCheck,
      ),
    markRead: ({ signal, token, upToSeq }) => call({ route: visitorRoutes.markRead, signal, token, json: { upToSeq } }),
    setTyping: ({ signal, token, draft }) => call({ route: visitorRoutes.setTyping, signal, token, json: { draft } }),
    trackPageView: ({ signal, token, page }) => call({ route: visitorRoutes.trackPageView, signal, token, json: page }),
    declineIdentification: ({ signal, token, text }) =>
      call({ route: visitorRoutes.declineIdentification, signal, token, json: { text } }, conversationResponseCheck),
    requestPerson: ({ signal, token }) =>
      call({ route: visitorRoutes.requestPerson, signal, token }, conversationResponseCheck),
    uploadAttachment: async ({ signal, token, file, name }) => {
      const request: HttpRequest = {
        route: visitorRoutes.uploadAttachment,
        signal,
        token,
        body: file,
        headers: {
          'content-type': file.type || 'application/octet-stream',
          [attachmentNameHeader]: encodeURIComponent(name),
        },
        // A large file on a slow link may take minutes; the caller's signal cancels it.
        timeout: false,
      }
      return (await call(request, uploadResponseCheck)).attachment
    },
    emailTranscript: ({ signal, token, timeZone }) =>
      call({ route: visitorRoutes.emailTranscript, signal, token, json: { timeZone } }, transcriptRequestCheck),
    getAttachmentLink: ({ signal, token, attachmentId }) =>
      call(
        {
          route: {
            method: 'GET',
            path: visitorRoutes.attachmentLink.path.replace(':id', encodeURIComponent(attachmentId)),
          },
          signal,
          token,
        },
        attachmentLinkCheck,
      ),
    subscribe: ({ signal, token, handlers }) =>
      openEventStream({
        transport,
        token,
        handlers,
        signal,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
      }),
  }
}
