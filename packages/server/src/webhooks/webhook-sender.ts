import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { webhookRules } from '@threadline/protocol'
import { errorMessage } from '../errors/error-message.js'
import { checkLiteralHost, guardedLookup } from './address-guard.js'
import type { AddressPolicy } from './address-guard.js'

export interface SendResult {
  /** Null when no response came (refused address, connection error, timeout). */
  statusCode: number | null
  error: string | null
  durationMs: number
}

/**
 * One POST of a signed body (W3, W4): the resolved address checked as the socket connects, no
 * redirect followed (a 3xx is a failure), the whole exchange within 10 seconds, the response body
 * read and thrown away (at most 64 KB kept from being read at all).
 */
export async function postWebhook(
  {
    url,
    body,
    headers,
    policy,
    timeoutMs = webhookRules.timeoutMs,
  }: { url: URL; body: string; headers: Record<string, string>; policy: AddressPolicy; timeoutMs?: number },
  now: () => number = Date.now,
): Promise<SendResult> {
  const started = now()
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    statusCode,
    error,
    durationMs: Math.max(0, Math.round(now() - started)),
  })
  try {
    checkLiteralHost(url, policy)
  } catch (error) {
    return done(null, errorMessage(error))
  }
  return new Promise<SendResult>((resolve) => {
    let settled = false
    const finish = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(url, policy),
        agent: false,
      },
      (response: IncomingMessage) => {
        let read = 0
        response.on('data', (chunk: Buffer) => {
          read += chunk.length
          if (read > 65_536) response.destroy()
        })
        response.on('close', () => finish(done(response.statusCode ?? null, null)))
        response.on('error', () => finish(done(response.statusCode ?? null, null)))
      },
    )
    const timer = setTimeout(() => {
      request.destroy(new Error(`No answer within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    request.on('error', (error) => finish(done(null, errorMessage(error))))
    request.end(body)
  })
}
