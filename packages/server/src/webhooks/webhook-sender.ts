import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { webhookRules } from '@threadline/protocol'
import { errorMessage } from '../errors/error-message.js'
import { checkLiteralHost, guardedLookup } from './address-guard.js'
import type { AddressPolicy } from './address-guard.js'

/**
 * Kept-alive connections per receiver origin: a busy endpoint is sent hundreds of events a second,
 * and a TCP (and TLS) handshake for each would cost more than the events. A socket is only ever
 * opened through the guarded lookup, so a reused one goes to an address that was checked.
 */
const agents = new Map<string, HttpAgent>()
function agentFor(url: URL): HttpAgent {
  let agent = agents.get(url.origin)
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 16, timeout: webhookRules.timeoutMs }
    agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options)
    agents.set(url.origin, agent)
  }
  return agent
}

export interface SendResult {
  /** Null when no response came (refused address, connection error, timeout). */
  statusCode: number | null
  error: string | null
  durationMs: number
}

/**
 * One POST of a signed body (W3, W4): the resolved address checked as the socket connects, no
 * redirect followed (a 3xx is a failure), the whole exchange within 10 seconds, the response body
 * read and thrown away (the connection dropped past 64 KB), the connection kept alive for the next.
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
        agent: agentFor(url),
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
