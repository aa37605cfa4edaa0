import { connect } from 'node:net'
import type { FileScanner } from './file-scanner.js'

/** clamd reads INSTREAM chunks of at most this size; it refuses streams past its own StreamMaxLength. */
const chunkBytes = 64 * 1024

export interface ClamdScannerOptions {
  host: string
  port: number
  /** How long one scan may take, connection included. Default 30 s. */
  timeoutMs?: number
}

/**
 * D6: scans with ClamAV's daemon over TCP (`zINSTREAM`: length-prefixed chunks, a zero-length chunk
 * to end, one NUL-terminated reply). `… FOUND` blocks the file; `OK` clears it; anything else
 * (an `ERROR` reply, a closed socket, a timeout) rejects, so the file stays pending.
 */
export function createClamdScanner({ host, port, timeoutMs = 30_000 }: ClamdScannerOptions): FileScanner {
  return {
    scan: (bytes) =>
      new Promise((resolve, reject) => {
        const socket = connect({ host, port })
        const replies: Buffer[] = []
        const fail = (error: Error) => {
          socket.destroy()
          reject(error)
        }
        socket.setTimeout(timeoutMs, () => fail(new Error(`clamd at ${host}:${port} did not answer in time`)))
        socket.once('error', (error) => fail(new Error(`clamd at ${host}:${port}: ${error.message}`)))
        socket.on('data', (data: Buffer) => {
          replies.push(data)
          const reply = Buffer.concat(replies)
          const end = reply.indexOf(0)
          if (end === -1) return
          socket.end()
          const text = reply.subarray(0, end).toString('utf8').trim()
          if (text.endsWith('FOUND')) resolve('blocked')
          else if (text.endsWith(': OK')) resolve('clean')
          else reject(new Error(`clamd answered "${text}"`))
        })
        socket.once('end', () => {
          if (!Buffer.concat(replies).includes(0)) fail(new Error(`clamd at ${host}:${port} closed without a verdict`))
        })
        socket.once('connect', () => {
          socket.write('zINSTREAM\0')
          for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
            const chunk = bytes.subarray(offset, offset + chunkBytes)
            const length = Buffer.alloc(4)
            length.writeUInt32BE(chunk.byteLength)
            socket.write(length)
            socket.write(chunk)
          }
          socket.write(Buffer.alloc(4))
        })
      }),
  }
}

/** `host:port` from the `--clamd` setting, or null when it is not one. */
export function parseClamdAddress(value: string): { host: string; port: number } | null {
  const match = /^(.+):(\d{1,5})$/.exec(value.trim())
  if (!match?.[1] || !match[2]) return null
  const port = Number(match[2])
  return port > 0 && port <= 65_535 ? { host: match[1].replace(/^\[|\]$/g, ''), port } : null
}
