import { workspaceHeader } from '@threadline/protocol'
import ky from 'ky'
import { abortedError, apiErrorFromResponse, requestFailure } from './http-errors.js'
import type { RequestDescription } from './http-errors.js'

export interface HttpTransportOptions {
  baseUrl: string
  workspaceId: string
  fetch?: typeof globalThis.fetch
  timeoutMs?: number
}

export interface HttpRequest {
  route: { readonly method: string; readonly path: string }
  /** Sent as `Authorization: Bearer …`, never in the URL (X2). */
  token?: string
  signal?: AbortSignal
  json?: unknown
  body?: BodyInit
  searchParams?: Record<string, number | undefined>
  headers?: Record<string, string>
  /** `false` for requests whose duration is the caller's business (uploads). */
  timeout?: false
}

/** A request with its URL resolved, answered by a 2xx Response, or rejected with a ThreadlineError. */
export type HttpTransport = (request: HttpRequest) => Promise<{ response: Response; description: RequestDescription }>

export const defaultTimeoutMs = 10_000

export function createHttpTransport({ baseUrl, workspaceId, fetch: fetchOption, timeoutMs = defaultTimeoutMs }: HttpTransportOptions): HttpTransport {
  const prefixUrl = baseUrl.replace(/\/+$/, '')
  // Looked up per call, so importing or creating the adapter reads no global (SSR) and tests may stub it late.
  const fetch: typeof globalThis.fetch = (input, init) => (fetchOption ?? globalThis.fetch)(input, init)

  return async ({ route, token, signal, json, body, searchParams, headers, timeout }) => {
    const description = { method: route.method, url: prefixUrl + route.path }
    if (signal?.aborted) throw abortedError(signal)
    let response: Response
    try {
      response = await ky(route.path.slice(1), {
        prefixUrl,
        method: route.method,
        headers: { [workspaceHeader]: workspaceId, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
        json,
        body,
        searchParams: searchParams && definedEntries(searchParams),
        signal,
        timeout: timeout ?? timeoutMs,
        // The outbox and the catch-up own every retry: a hidden one here would break their accounting.
        retry: 0,
        throwHttpErrors: false,
        fetch,
      })
    } catch (error) {
      throw requestFailure(error, signal, description)
    }
    if (!response.ok) throw await apiErrorFromResponse(response, description)
    return { response, description }
  }
}

function definedEntries(values: Record<string, number | undefined>): Record<string, number> {
  const defined: Record<string, number> = {}
  for (const [key, value] of Object.entries(values)) if (value !== undefined) defined[key] = value
  return defined
}
