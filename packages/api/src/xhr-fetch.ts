import type { FetchFunction } from './http-client.js'

/** How much of a request body has been sent. */
export interface UploadProgress {
  loaded: number
  total: number
}

function responseHeaders(raw: string): Headers {
  const headers = new Headers()
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return headers
}

/**
 * A `fetch` over XMLHttpRequest, for the one thing `fetch` cannot tell: how much of a request body
 * has gone out. It answers like `fetch` (a Response, a TypeError when no answer came, the signal's
 * reason when aborted), so the HTTP client's error handling applies unchanged.
 */
export function createXhrFetch(onUploadProgress: (progress: UploadProgress) => void): FetchFunction {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const { signal } = init
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const request = new XMLHttpRequest()
      request.open(init.method ?? 'GET', input)
      for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) {
        request.setRequestHeader(name, value)
      }
      request.responseType = 'arraybuffer'
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onUploadProgress({ loaded: event.loaded, total: event.total })
      }
      request.onload = () => {
        const body = request.status === 204 || request.status === 304 ? null : (request.response as ArrayBuffer)
        resolve(
          new Response(body, {
            status: request.status,
            statusText: request.statusText,
            headers: responseHeaders(request.getAllResponseHeaders()),
          }),
        )
      }
      request.onerror = () => reject(new TypeError('The request failed: no answer came'))
      const abort = () => {
        request.abort()
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', abort, { once: true })
      request.onloadend = () => signal?.removeEventListener('abort', abort)
      request.send((init.body ?? null) as XMLHttpRequestBodyInit | null)
    })
}
