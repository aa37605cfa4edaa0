import { createServer } from 'node:net'
import type { AddressInfo, Server } from 'node:net'

/** A TCP server that speaks clamd's `zINSTREAM` and answers with `verdict(bytes)` (`OK`, `… FOUND`, `… ERROR`). */
export interface ClamdDouble {
  host: string
  port: number
  /** The bytes of every stream received, reassembled from its chunks. */
  readonly streams: Buffer[]
  close(): Promise<void>
}

export async function startClamdDouble(verdict: (bytes: Buffer) => string): Promise<ClamdDouble> {
  const streams: Buffer[] = []
  const server: Server = createServer((socket) => {
    let pending = Buffer.alloc(0)
    let commandRead = false
    const chunks: Buffer[] = []
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data])
      if (!commandRead) {
        const end = pending.indexOf(0)
        if (end === -1) return
        if (pending.subarray(0, end).toString() !== 'zINSTREAM') {
          socket.end('UNKNOWN COMMAND\0')
          return
        }
        commandRead = true
        pending = pending.subarray(end + 1)
      }
      while (pending.length >= 4) {
        const length = pending.readUInt32BE(0)
        if (length === 0) {
          const bytes = Buffer.concat(chunks)
          streams.push(bytes)
          socket.end(`stream: ${verdict(bytes)}\0`)
          return
        }
        if (pending.length < 4 + length) return
        chunks.push(pending.subarray(4, 4 + length))
        pending = pending.subarray(4 + length)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    port,
    streams,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
