import { errorCodeForStatus, retryAfterSeconds } from '@threadline/protocol'
import { ApiError, NetworkError, ThreadlineError, isThreadlineError } from '../../errors/errors.js'
import { errorBodyCheck, parseWire } from './wire-checks.js'

/** What a request was, for error messages: `POST https://chat.example.com/v1/…` (never carries a token). */
export interface RequestDescription {
  method: string
  url: string
}

/** The ApiError for a non-2xx answer: the body's protocol code and message, else one derived from the status. */
export async function apiErrorFromResponse(response: Response, request: RequestDescription): Promise<ApiError> {
  let body: unknown
  try {
    body = JSON.parse(await response.text())
  } catch {
    // Not JSON, or the body was cut off: the status alone still says what happened.
  }
  const parsed = parseWire(errorBodyCheck, body)
  const retryAfterHeader = retryAfterSeconds(response.headers.get('retry-after'))
  const options = { status: response.status, method: request.method, url: request.url }
  if (parsed.success) {
    const { code, message, retryAfterSeconds: retryAfter } = parsed.data.error
    return new ApiError(code, message, { ...options, retryAfterSeconds: retryAfter ?? retryAfterHeader })
  }
  return new ApiError(
    errorCodeForStatus(response.status),
    `The server answered ${response.status} without a Threadline error body`,
    {
      ...options,
      retryAfterSeconds: retryAfterHeader,
    },
  )
}

export function abortedError(signal: AbortSignal | undefined): ThreadlineError {
  return new ThreadlineError('aborted', 'The operation was aborted', { cause: signal?.reason })
}

/**
 * What a request that got no usable answer rejects with. The caller's abort wins over whatever
 * the fetch implementation threw for it (a DOMException, the signal's reason, a TypeError).
 */
export function requestFailure(
  error: unknown,
  signal: AbortSignal | undefined,
  request: RequestDescription,
): ThreadlineError {
  if (signal?.aborted) return abortedError(signal)
  if (isThreadlineError(error)) return error
  const where = `(${request.method} ${request.url})`
  return new NetworkError(`The network request failed ${where}`, { cause: error })
}
