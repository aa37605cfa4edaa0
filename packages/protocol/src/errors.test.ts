import { describe, expect, it } from 'vitest'
import { errorCodes, errorStatus, isErrorCode } from './index.js'
import { errorBodySchema } from './schemas/index.js'

describe('error codes', () => {
  it('includes every code the visitor API can answer with', () => {
    for (const code of [
      'otp_invalid',
      'otp_expired',
      'otp_attempts_exceeded',
      'rate_limited',
      'session_expired',
      'identity_token_invalid',
      'blocked',
      'chat_disabled',
      'not_found',
      'validation_failed',
    ]) {
      expect(isErrorCode(code)).toBe(true)
    }
  })

  it('maps each code to an HTTP error status', () => {
    for (const code of errorCodes) expect(errorStatus[code]).toBeGreaterThanOrEqual(400)
  })

  it('rejects an error body whose code is not in the closed list', () => {
    expect(errorBodySchema.safeParse({ error: { code: 'otp_invalid', message: 'Wrong code' } }).success).toBe(true)
    expect(errorBodySchema.safeParse({ error: { code: 'teapot', message: 'no' } }).success).toBe(false)
    expect(isErrorCode('toString')).toBe(false)
  })
})

describe('sendMessageRequestSchema', () => {
  it('refuses a blank message without attachments, accepts one with an attachment', async () => {
    const { sendMessageRequestSchema } = await import('./schemas/index.js')
    expect(sendMessageRequestSchema.safeParse({ clientId: 'c1', text: '  \n ' }).success).toBe(false)
    expect(sendMessageRequestSchema.safeParse({ clientId: 'c1', text: '', attachmentIds: ['att_1'] }).success).toBe(
      true,
    )
    expect(sendMessageRequestSchema.safeParse({ clientId: 'c1', text: 'hi' }).success).toBe(true)
  })
})
