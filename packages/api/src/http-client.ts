import {
  ApiError,
  NetworkError,
  ResponseValidationError,
  ThreadlineError,
  TimeoutError,
  errorCodeForStatus,
  isErrorCode,
  retryAfterSeconds,
  routePath,
} from '@threadline/protocol'
import type { ErrorBody, Route, RouteBody, RouteQuery, RouteResponse } from '@threadline/protocol'

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

export interface HttpClientOptions {
  /** Where the server lives, e.g. `https://chat.example.com`; '' means this page's own origin. */
  baseUrl: string
  /** The credential headers every call of this client sends (`authorization`, the workspace header). */
  headers: Record<string, string>
  fetch?: FetchFunction | undefined
  /** How long a call may take before it fails with a TimeoutError (event streams excepted). */
  timeoutMs?: number | undefined
  /**
   * Set for a cookie session (the console: `same-origin`). Every call that changes something then
   * goes as JSON, `{}` when the route takes no body: the server accepts a cookie call that changes
   * something only as `application/json`, which no form or beacon of another site can send (H3).
   */
  credentials?: 'same-origin' | 'include' | undefined
  /** Sees every error answer before the call rejects with it (the console signs out on a 401). */
  onApiError?: ((error: ApiError) => void) | undefined
}

/** What every call takes besides its own fields: a signal that aborts it. */
export interface CallOptions {
  signal?: AbortSignal | undefined
}

export interface RequestOptions<R> extends CallOptions {
  params?: Record<string, string>
  query?: RouteQuery<R>
  body?: RouteBody<R>
}

/** What a request was, for error messages: `POST https://chat.example.com/v1/…` (never carries a key). */
export interface RequestDescription {
  method: string
  url: string
}

export interface HttpClient {
  /** The route's JSON answer (undefined for 204), or a rejection with a ThreadlineError. */
  request<R extends Route>(route: R, options?: RequestOptions<R>): Promise<RouteResponse<R>>
  /** Opens a route whose answer is read as it comes (an event stream): a 2xx Response, or a ThreadlineError. */
  open(
    route: Route,
    options: CallOptions & { headers?: Record<string, string>; params?: Record<string, string> },
  ): Promise<Response>
}

export const defaultTimeoutMs = 10_000

// Looked up per call, so creating a client reads no global (SSR) and a test may replace fetch later.
const globalFetch: FetchFunction = (input, init) => globalThis.fetch(input, init)

export function createHttpClient({
  baseUrl,
  headers,
  fetch = globalFetch,
  timeoutMs = defaultTimeoutMs,
  credentials,
  onApiError,
}: HttpClientOptions): HttpClient {
  const prefix = baseUrl.replace(/\/+$/, '')
  const alwaysJson = credentials !== undefined

  async function send(
    route: Route,
    {
      params,
      query,
      body: givenBody,
      signal,
      extraHeaders,
      timeout,
    }: RequestOptions<unknown> & {
      extraHeaders?: Record<string, string> | undefined
      timeout: boolean
    },
  ): Promise<{ response: Response; description: RequestDescription }> {
    const description = { method: route.method, url: prefix + routePath(route.path, params) }
    const body = givenBody === undefined && alwaysJson && route.method !== 'GET' ? {} : givenBody
    if (signal?.aborted) throw abortedError(signal)
    const search = queryString(query)
    const timeoutSignal = timeout ? AbortSignal.timeout(timeoutMs) : undefined
    const signals = [signal, timeoutSignal].filter((value) => value !== undefined)
    let response: Response
    try {
      response = await fetch(description.url + search, {
        method: route.method,
        headers: {
          accept: 'application/json',
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...extraHeaders,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(credentials === undefined ? {} : { credentials }),
        ...(signals.length === 0 ? {} : { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }),
      })
    } catch (error) {
      // The caller's abort wins over whatever the fetch implementation threw for it.
      if (signal?.aborted) throw abortedError(signal)
      const where = `(${description.method} ${description.url})`
      if (timeoutSignal?.aborted) throw new TimeoutError(`The request timed out ${where}`, { cause: error })
      throw new NetworkError(`The network request failed ${where}`, { cause: error })
    }
    if (!response.ok) {
      const error = await apiErrorFromResponse(response, description)
      onApiError?.(error)
      throw error
    }
    return { response, description }
  }

  return {
    async request<R extends Route>(route: R, options: RequestOptions<R> = {}): Promise<RouteResponse<R>> {
      const { response, description } = await send(route, { ...options, timeout: true })
      if (response.status === 204) return undefined as RouteResponse<R>
      return (await readJson(response, description, options.signal)) as RouteResponse<R>
    },
    async open(route, { signal, headers: extraHeaders, params }) {
      return (await send(route, { signal, extraHeaders, params, timeout: false })).response
    },
  }
}

export function abortedError(signal: AbortSignal): ThreadlineError {
  return new ThreadlineError('aborted', 'The operation was aborted', { cause: signal.reason })
}

/** Query parameters that are set, in the URL's form; booleans and numbers as their text. */
function queryString(query: unknown): string {
  if (query === undefined || query === null) return ''
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query as Record<string, string | number | boolean | undefined>)) {
    if (value !== undefined) search.set(name, String(value))
  }
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

// The client ships no schemas (no zod in a browser bundle): an answer must be a JSON object, and
// its shape is the protocol's as long as the server speaks it. Tests check the shapes with the schemas.
async function readJson(
  response: Response,
  { method, url }: RequestDescription,
  signal: AbortSignal | undefined,
): Promise<object> {
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal)
    throw new NetworkError(`The answer to ${method} ${url} was cut off`, { cause: error })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ResponseValidationError(`The answer to ${method} ${url} is not JSON`, { cause: error })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseValidationError(`The answer to ${method} ${url} is not a JSON object`)
  }
  return value
}

/** The ApiError for a non-2xx answer: the body's protocol code and message, else one derived from the status. */
async function apiErrorFromResponse(response: Response, { method, url }: RequestDescription): Promise<ApiError> {
  let body: unknown
  try {
    body = JSON.parse(await response.text())
  } catch {
    // Not JSON, or cut off: the status alone still says what happened.
  }
  const fromHeader = retryAfterSeconds(response.headers.get('retry-after'))
  const options = { status: response.status, method, url }
  if (isErrorBody(body)) {
    const { code, message, retryAfterSeconds: retryAfter } = body.error
    return new ApiError(code, message, { ...options, retryAfterSeconds: retryAfter ?? fromHeader })
  }
  return new ApiError(
    errorCodeForStatus(response.status),
    `The server answered ${response.status} without a Threadline error body`,
    { ...options, retryAfterSeconds: fromHeader },
  )
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown; retryAfterSeconds?: unknown } } | null)?.error
  return (
    typeof error === 'object' &&
    error !== null &&
    isErrorCode(error.code) &&
    typeof error.message === 'string' &&
    (error.retryAfterSeconds === undefined || typeof error.retryAfterSeconds === 'number')
  )
}
