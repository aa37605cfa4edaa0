import { TimeoutError } from '../../errors/errors.js'
import { abortedError, apiErrorFromResponse, requestFailure } from './http-errors.js'
import type { RequestDescription } from './http-errors.js'
import { sessionCookieHeader, workspaceHeader } from '@threadline/protocol'

/**
 * The token of a session the frame's partitioned HttpOnly cookie carries (docs/sessions.md): the
 * request goes without `Authorization`, with `x-threadline-session: 1` (X3), and the browser adds the cookie.
 */
export const cookieSession = 'cookie'

export interface HttpTransportOptions {
  baseUrl: string
  workspaceId: string
  fetch?: typeof globalThis.fetch
  timeoutMs?: number
  locale?: string | (() => string | undefined)
}

export interface HttpRequest {
  route: { readonly method: string; readonly path: string }
  /** Sent as `Authorization: Bearer …`, never in the URL (X2); `cookieSession`: the cookie instead. */
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

export function createHttpTransport({
  baseUrl,
  workspaceId,
  fetch: fetchOption,
  timeoutMs = defaultTimeoutMs,
  locale,
}: HttpTransportOptions): HttpTransport {
  const prefixUrl = baseUrl.replace(/\/+$/, '')

  // Plain fetch, no ky: ky 1.9 never settles a POST whose fetch rejects before reading the request
  // body (its cleanup cancels one branch of a tee'd body stream, which waits for the other branch
  // forever), so a send during an outage would hang the outbox. What ky gave us here (a URL prefix,
  // JSON, query parameters, a timeout) is these few lines.
  return async ({ route, token, signal, json, body, searchParams, headers, timeout }) => {
    const description = { method: route.method, url: prefixUrl + route.path }
    if (signal?.aborted) throw abortedError(signal)
    const byCookie = token === cookieSession
    // X3: a change the cookie authenticates must be JSON, also when it carries nothing.
    if (byCookie && route.method !== 'GET' && body === undefined) json ??= {}
    const query = searchParams ? new URLSearchParams(definedEntries(searchParams)).toString() : ''
    // The caller's signal must reach the body too (an event stream is read long after the headers),
    // so it is combined with the timeout rather than forwarded until the headers arrive.
    const timeoutController = new AbortController()
    let timedOut = false
    const timer =
      timeout === false
        ? undefined
        : setTimeout(() => {
            timedOut = true
            timeoutController.abort()
          }, timeoutMs)
    let response: Response
    try {
      // Looked up per call, so importing or creating the adapter reads no global (SSR) and tests may stub it late.
      response = await (fetchOption ?? globalThis.fetch)(description.url + (query === '' ? '' : `?${query}`), {
        method: route.method,
        headers: {
          [workspaceHeader]: workspaceId,
          ...languageHeader(typeof locale === 'function' ? locale() : locale),
          ...(byCookie
            ? { [sessionCookieHeader]: '1' }
            : token === undefined
              ? {}
              : { authorization: `Bearer ${token}` }),
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: json === undefined ? body : JSON.stringify(json),
        signal: signal ? anySignal(signal, timeoutController.signal) : timeoutController.signal,
      })
    } catch (error) {
      throw requestFailure(
        timedOut
          ? new TimeoutError(`The request timed out (${description.method} ${description.url})`, { cause: error })
          : error,
        signal,
        description,
      )
    } finally {
      clearTimeout(timer)
    }
    if (!response.ok) throw await apiErrorFromResponse(response, description)
    return { response, description }
  }
}

/**
 * `Accept-Language` for the locale, read at each request (it may change after the adapter exists).
 * Sent only while its value is CORS-safelisted (letters, digits, space and `*,-.;=`, 128 at most): `es_MX` goes
 * out as `es-MX`, and anything else is left out, so the header never causes a preflight it would fail.
 */
function languageHeader(locale: string | undefined): Record<string, string> {
  const value = locale?.replace(/_/g, '-')
  return value && /^[\w *,.;=-]{1,128}$/.test(value) ? { 'accept-language': value } : {}
}

function definedEntries(values: Record<string, number | undefined>): Record<string, string> {
  const defined: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) if (value !== undefined) defined[key] = String(value)
  return defined
}

/** `AbortSignal.any` where the platform has it (it holds its sources weakly); a forwarding listener elsewhere. */
function anySignal(first: AbortSignal, second: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([first, second])
  const controller = new AbortController()
  for (const source of [first, second]) {
    if (source.aborted) controller.abort(source.reason)
    else source.addEventListener('abort', () => controller.abort(source.reason), { once: true })
  }
  return controller.signal
}
