import { ThreadlineError, agentRoutes, attachmentNameHeader, checkAttachmentFile } from '@threadline/protocol'
import type { Attachment, AttachmentLink, SendMessageResponse } from '@threadline/protocol'
import type { AgentClientOptions, ConversationCallOptions } from './create-agent-client.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, FetchFunction, HttpClientOptions } from './http-client.js'
import { createXhrFetch } from './xhr-fetch.js'
import type { UploadProgress } from './xhr-fetch.js'

export interface AttachmentLinkOptions extends CallOptions {
  attachmentId: string
}

export interface UploadAttachmentOptions extends ConversationCallOptions {
  file: Blob
  /** The name the customer sees; a `File`'s own name by default. Its extension decides what is accepted. */
  name?: string
  /**
   * How much has been sent. In a browser (XMLHttpRequest, with the default fetch) it is reported as
   * the file goes; elsewhere, or with an injected fetch, once, when the upload is done.
   */
  onProgress?: (progress: UploadProgress) => void
}

export interface SendAttachmentsOptions extends ConversationCallOptions {
  /** Files from `uploadAttachment` for this conversation, in the order the customer sees them. */
  attachmentIds: string[]
  /** Words to go with them; may be empty. */
  text?: string
  /** Makes a retry safe: the server answers the same message again. */
  clientId?: string
}

/** The agent API's file calls, with an agent key or as the console's signed-in advisor. */
export interface AgentAttachmentClient {
  /**
   * A short-lived link to a file of a conversation the key may see (docs/security.md D7): valid five
   * minutes, so ask when it is needed. Rejects with `attachment_pending` or `attachment_blocked`
   * for a file the malware scan has not cleared (D6).
   */
  attachmentLink(options: AttachmentLinkOptions): Promise<AttachmentLink>
  /**
   * Uploads a file for the next reply in one conversation; only this advisor can send it, there.
   * The same rules as the widget's (type by extension, at most 10 MB) are checked first, without a
   * request: a refusal is a ThreadlineError with the server's code (`unsupported_media_type`,
   * `payload_too_large`, `validation_failed` for an empty file). The server may still refuse with
   * `image_too_large` or `attachment_quota_exceeded`.
   */
  uploadAttachment(options: UploadAttachmentOptions): Promise<Attachment>
  /** A reply that carries uploaded files (and, optionally, text): `POST …/messages` with `attachmentIds`. */
  sendAttachments(options: SendAttachmentsOptions): Promise<SendMessageResponse>
}

/** A 10 MB file on a slow line takes longer than an API call may. */
const uploadTimeoutMs = 5 * 60 * 1000

const globalFetch: FetchFunction = (input, init) => globalThis.fetch(input, init)

/**
 * How the attachment calls authenticate: a key's header, or the console's cookie session
 * (`credentials: 'same-origin'`, no header at all). Everything else about them is the same.
 */
export interface AttachmentTransport {
  baseUrl: string
  headers: Record<string, string>
  credentials?: 'same-origin' | undefined
  fetch?: FetchFunction | undefined
  timeoutMs?: number | undefined
  onApiError?: HttpClientOptions['onApiError']
}

/** The client of the agent API's attachment routes, with the same options as `createAgentClient`. */
export function createAgentAttachmentClient({
  baseUrl = '',
  agentKey,
  fetch,
  timeoutMs,
}: AgentClientOptions): AgentAttachmentClient {
  return attachmentClientOver({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs })
}

/** The attachment routes over any credential: a key's header (above), or the console session's cookie. */
export function attachmentClientOver(transport: AttachmentTransport): AgentAttachmentClient {
  const { fetch, timeoutMs } = transport
  const http = createHttpClient(transport)
  const id = (conversationId: string) => ({ id: conversationId })

  return {
    attachmentLink: ({ attachmentId, signal }) =>
      http.request(agentRoutes.attachmentLink, { signal, params: { id: attachmentId } }),

    async uploadAttachment({ conversationId, file, name, onProgress, signal }) {
      const fileName = name ?? (file as Partial<File>).name ?? 'attachment'
      const refusal = checkAttachmentFile({ name: fileName, size: file.size, type: file.type })
      if (refusal) throw new ThreadlineError(refusal.code, refusal.message)
      // XMLHttpRequest sends this origin's cookies as a same-origin fetch does, so it serves both credentials.
      const progressing = onProgress !== undefined && fetch === undefined && typeof XMLHttpRequest !== 'undefined'
      const send = progressing ? createXhrFetch(onProgress) : (fetch ?? globalFetch)
      // The raw bytes are the body, with their name in a header (the protocol's upload shape). That
      // header is also what lets a cookie upload through H3: no form or beacon can set it.
      const upload = createHttpClient({
        ...transport,
        timeoutMs: Math.max(timeoutMs ?? 0, uploadTimeoutMs),
        fetch: (input, init) =>
          send(input, {
            ...init,
            headers: {
              ...(init.headers as Record<string, string>),
              'content-type': file.type || 'application/octet-stream',
              [attachmentNameHeader]: encodeURIComponent(fileName),
            },
            body: file,
          }),
      })
      const { attachment } = await upload.request(agentRoutes.uploadAttachment, {
        signal,
        params: id(conversationId),
      })
      if (!progressing) onProgress?.({ loaded: file.size, total: file.size })
      return attachment
    },

    sendAttachments: ({ conversationId, attachmentIds, text = '', clientId, signal }) =>
      http.request(agentRoutes.reply, { signal, params: id(conversationId), body: { text, clientId, attachmentIds } }),
  }
}
