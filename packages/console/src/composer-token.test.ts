import { describe, expect, it } from 'vitest'
import { matchesQuery, replaceRange, tokenAt } from './composer-token.js'

describe('tokenAt', () => {
  describe('when the cursor follows a trigger at the start of a word', () => {
    it('finds a shortcut and a mention, with their range', () => {
      expect(tokenAt('Hi /ref', 7)).toEqual({ trigger: '/', query: 'ref', start: 3, end: 7 })
      expect(tokenAt('@', 1)).toEqual({ trigger: '@', query: '', start: 0, end: 1 })
      expect(tokenAt('ask\n@An later', 7)).toEqual({ trigger: '@', query: 'An', start: 4, end: 7 })
    })
  })

  describe('when the trigger is inside a word or the cursor is past a space', () => {
    it('finds nothing', () => {
      expect(tokenAt('ana@shop', 8)).toBeNull()
      expect(tokenAt('a/b', 3)).toBeNull()
      expect(tokenAt('/ref now', 8)).toBeNull()
      expect(tokenAt('', 0)).toBeNull()
    })
  })
})

describe('replaceRange', () => {
  it('replaces only the token and puts the cursor after the insertion', () => {
    expect(replaceRange('Hi /ref, bye', { start: 3, end: 7 }, 'Refunds take 3 days.')).toEqual({
      text: 'Hi Refunds take 3 days., bye',
      cursor: 23,
    })
  })
})

describe('matchesQuery', () => {
  it('matches every word in any field, in any order and case', () => {
    expect(matchesQuery('REF days', ['/refund', 'Refunds take 3 days'])).toBe(true)
    expect(matchesQuery('ref weeks', ['/refund', 'Refunds take 3 days'])).toBe(false)
    expect(matchesQuery('', ['anything'])).toBe(true)
  })
})
