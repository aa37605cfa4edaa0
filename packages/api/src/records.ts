import { NetworkError, adminRoutes, agentRoutes, recordsRoutes, workspaceHeader } from '@threadline/protocol'
import type { Erasure, FinishRequest, FinishResponse, RetentionSettings, Route } from '@threadline/protocol'
import { abortedError, createHttpClient } from './http-client.js'
import type { CustomerCallOptions } from './create-agent-client.js'
import type { CallOptions, FetchFunction, HttpClient } from './http-client.js'

/*
 * Transcripts, erasure, export and retention (N3, R1–R3). Apart from the agent and admin clients so
 * that each can be created where it is needed: the console's customer panel, a site's back office.
 */

export interface FinishWithTranscriptOptions extends CallOptions {
  conversationId: string
  /** `customer` (their verified email), `advisor` (yours), or `other` with `email` (owners and admins only). */
  transcript: NonNullable<FinishRequest['transcript']>
}

export interface AgentRecordsClient {
  /** Finishes the conversation and queues the session's transcript; `transcript.status` says what became of it. */
  finishWithTranscript(options: FinishWithTranscriptOptions): Promise<FinishResponse>
  /** R1: owners and admins (an `admin`-scope key). Everything about the customer goes; an audit line with counts stays. */
  eraseCustomer(options: CustomerCallOptions): Promise<Erasure>
  /** R2: owners and admins. A zip of `customer.json` and the customer's files. */
  exportCustomer(options: CustomerCallOptions): Promise<Blob>
}

export interface AgentRecordsClientOptions {
  /** '' (the default) is this page's own origin. */
  baseUrl?: string
  agentKey: string
  fetch?: FetchFunction
  timeoutMs?: number
}

export function createAgentRecordsClient({
  baseUrl = '',
  agentKey,
  fetch,
  timeoutMs,
}: AgentRecordsClientOptions): AgentRecordsClient {
  return agentRecordsClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** Transcripts, erasure and export as an advisor, over a key's header or the console session's cookie. */
export function agentRecordsClientOver(http: HttpClient): AgentRecordsClient {
  return {
    finishWithTranscript: ({ signal, conversationId, transcript }) =>
      http.request(agentRoutes.finish, { signal, params: { id: conversationId }, body: { transcript } }),
    async eraseCustomer({ signal, customerId }) {
      return (await http.request(recordsRoutes.eraseCustomer, { signal, params: { id: customerId } })).erasure
    },
    exportCustomer: ({ signal, customerId }) =>
      download(http, recordsRoutes.exportCustomer, { signal, params: { id: customerId } }),
  }
}

export interface AdminRecordsClient {
  /** R1, from a site's back office with the workspace secret. */
  eraseCustomer(options: CustomerCallOptions): Promise<Erasure>
  /** R2: a zip of `customer.json` and the customer's files. */
  exportCustomer(options: CustomerCallOptions): Promise<Blob>
  /** R3: `retentionDays: null` keeps finished conversations until they are deleted. */
  getRetention(options?: CallOptions): Promise<RetentionSettings>
  setRetention(options: RetentionSettings & CallOptions): Promise<RetentionSettings>
}

export interface AdminRecordsClientOptions {
  baseUrl: string
  workspaceId: string
  /** The workspace secret. Server to server only: never ship it to a browser. */
  secret: string
  fetch?: FetchFunction
  timeoutMs?: number
}

export function createAdminRecordsClient({
  baseUrl,
  workspaceId,
  secret,
  fetch,
  timeoutMs,
}: AdminRecordsClientOptions): AdminRecordsClient {
  const headers = { authorization: `Bearer ${secret}`, [workspaceHeader]: workspaceId }
  const http = createHttpClient({ baseUrl, headers, fetch, timeoutMs })
  return {
    async eraseCustomer({ signal, customerId }) {
      return (await http.request(adminRoutes.eraseCustomer, { signal, params: { customerId } })).erasure
    },
    exportCustomer: ({ signal, customerId }) =>
      download(http, adminRoutes.exportCustomer, { signal, params: { customerId } }),
    getRetention: ({ signal } = {}) => http.request(adminRoutes.getRetention, { signal }),
    setRetention: ({ signal, retentionDays }) =>
      http.request(adminRoutes.setRetention, { signal, body: { retentionDays } }),
  }
}

/** A download route's body as a Blob; no timeout, since an export with many files takes as long as it takes. */
async function download(
  http: HttpClient,
  route: Route,
  { signal, params }: CallOptions & { params: Record<string, string> },
): Promise<Blob> {
  const response = await http.open(route, { signal, headers: { accept: 'application/zip' }, params })
  try {
    return await response.blob()
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal)
    throw new NetworkError(`The download from ${response.url} was cut off`, { cause: error })
  }
}
