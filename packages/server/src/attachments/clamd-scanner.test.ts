import { afterEach, describe, expect, it } from 'vitest'
import { createClamdScanner, parseClamdAddress } from './clamd-scanner.js'
import { startClamdDouble } from './clamd-double.test-helpers.js'
import type { ClamdDouble } from './clamd-double.test-helpers.js'

const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
const file = { name: 'report.pdf', contentType: 'application/pdf' }

describe('createClamdScanner', () => {
  let double: ClamdDouble | null = null
  afterEach(async () => {
    await double?.close()
    double = null
  })

  describe('when clamd answers', () => {
    it('D6: streams the whole file in chunks and reads FOUND as blocked, OK as clean', async () => {
      double = await startClamdDouble((bytes) =>
        bytes.includes(Buffer.from('EICAR')) ? 'Eicar-Test-Signature FOUND' : 'OK',
      )
      const scanner = createClamdScanner(double)
      const large = Buffer.alloc(200_000, 7)
      expect(await scanner.scan(large, file)).toBe('clean')
      expect(double.streams[0]?.equals(large)).toBe(true)
      expect(await scanner.scan(Buffer.from(`%PDF-1.4 ${eicar}`), file)).toBe('blocked')
    })
  })

  describe('when clamd cannot give a verdict', () => {
    it('D6: rejects on an ERROR reply and on a refused connection, so the file stays pending', async () => {
      double = await startClamdDouble(() => 'INSTREAM size limit exceeded. ERROR')
      await expect(createClamdScanner(double).scan(Buffer.from('x'), file)).rejects.toThrow(/ERROR/)
      const port = double.port
      await double.close()
      double = null
      await expect(createClamdScanner({ host: '127.0.0.1', port }).scan(Buffer.from('x'), file)).rejects.toThrow(
        /clamd/,
      )
    })
  })

  it('reads host:port from the setting', () => {
    expect(parseClamdAddress('clamav:3310')).toEqual({ host: 'clamav', port: 3310 })
    expect(parseClamdAddress('[::1]:3310')).toEqual({ host: '::1', port: 3310 })
    expect(parseClamdAddress('clamav')).toBeNull()
    expect(parseClamdAddress('clamav:99999')).toBeNull()
  })
})
