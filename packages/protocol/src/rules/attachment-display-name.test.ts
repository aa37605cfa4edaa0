import { describe, expect, it } from 'vitest'
import { limits } from '../limits.js'
import { attachmentDisplayName } from './attachment-display-name.js'

describe('attachmentDisplayName', () => {
  describe('when the name holds control characters or path separators', () => {
    it('replaces each with an underscore and trims the rest', () => {
      expect(attachmentDisplayName(' ../etc\\pass\u0000wd.txt ')).toBe('.._etc_pass_wd.txt')
    })
  })

  describe('when the name is longer than the limit', () => {
    it('shortens it to the limit and keeps the extension', () => {
      const name = attachmentDisplayName(`${'a'.repeat(300)}.pdf`)
      expect(name).toHaveLength(limits.attachmentNameMaxLength)
      expect(name.endsWith('a.pdf')).toBe(true)
    })
  })

  describe('when the name is short and clean', () => {
    it('keeps it as it is', () => {
      expect(attachmentDisplayName('Invoice 2026.pdf')).toBe('Invoice 2026.pdf')
    })
  })
})
