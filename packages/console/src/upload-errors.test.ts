import { ApiError, ThreadlineError } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { describeUploadError } from './upload-errors.js'

const refusal = (code: ConstructorParameters<typeof ApiError>[0], status: number) =>
  new ApiError(code, 'refused', { status })

describe('describeUploadError', () => {
  it('says why each refusal of the server happened, naming the file', () => {
    expect(describeUploadError(refusal('attachment_quota_exceeded', 413), 'a.pdf')).toBe(
      'This conversation has reached its limit for files, so “a.pdf” was not added.',
    )
    expect(describeUploadError(refusal('image_too_large', 413), 'big.png')).toBe(
      '“big.png” has more than 40 megapixels. Send a smaller image.',
    )
    expect(describeUploadError(refusal('rate_limited', 429), 'a.pdf')).toBe(
      'Too many uploads. Try “a.pdf” again in a moment.',
    )
    expect(describeUploadError(new ThreadlineError('attachment_blocked', 'blocked'), 'eicar.pdf')).toBe(
      '“eicar.pdf” was blocked by the malware scan and will not be sent.',
    )
    expect(describeUploadError(new ThreadlineError('validation_failed', '"e.txt" is empty'), 'e.txt')).toBe(
      '“e.txt” is empty.',
    )
  })

  it('falls back to the console’s sentence for anything else', () => {
    expect(describeUploadError(new ThreadlineError('network_error', 'offline'), 'a.pdf')).toBe(
      'The server could not be reached. Check your connection and try again.',
    )
    expect(describeUploadError(new Error('boom'), 'a.pdf')).toBe('Something went wrong. Try again.')
  })
})
