import { request } from 'node:http'
import type { ClientRequest, IncomingMessage } from 'node:http'

/**
 * `POST /v1/auth/email/start` with half its body sent: a request in flight, held open until
 * `finish()` sends the rest. `sent` resolves once the server has had time to read the first half.
 */
export function slowEmailStart(url: string, workspaceId: string) {
  const body = JSON.stringify({ email: 'slow@example.test' })
  let client!: ClientRequest
  const response = new Promise<IncomingMessage & { body: string }>((resolvePromise, reject) => {
    client = request(`${url}/v1/auth/email/start`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-threadline-workspace': workspaceId,
      },
      agent: false,
    })
    client.on('response', (message) => {
      let text = ''
      message.on('data', (chunk: Buffer) => (text += chunk.toString()))
      message.on('end', () => resolvePromise(Object.assign(message, { body: text })))
    })
    client.on('error', reject)
  })
  const sent = new Promise<void>((resolvePromise) => {
    client.on('socket', (socket) => socket.on('connect', () => setTimeout(resolvePromise, 100)))
    client.write(body.slice(0, 10))
  })
  return { sent, finish: () => client.end(body.slice(10)), response }
}
