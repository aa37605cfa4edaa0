import { describe, expect, it } from 'vitest'
import { limits } from '../limits.js'
import { messageTextRefusal } from './message-text.js'

describe('messageTextRefusal', () => {
  describe('when the text holds something', () => {
    it('lets it through, up to the longest message', () => {
      expect(messageTextRefusal('Hello')).toBeNull()
      expect(messageTextRefusal('x'.repeat(limits.messageMaxLength))).toBeNull()
    })
  })

  describe('when the text is blank', () => {
    it('refuses it, naming the text field', () => {
      expect(messageTextRefusal(' \n\t')).toBe('text: a message needs some text')
    })
  })

  describe('when the text is too long', () => {
    it('refuses it with the limit', () => {
      expect(messageTextRefusal('x'.repeat(limits.messageMaxLength + 1))).toBe(
        `text: at most ${limits.messageMaxLength} characters`,
      )
    })
  })
})
