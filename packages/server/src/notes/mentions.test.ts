import { describe, expect, it } from 'vitest'
import { resolveMentions } from './mentions.js'

const advisors = [
  { id: 'agt_ana', name: 'Ana', email: 'ana@shop.example' },
  { id: 'agt_ana_maria', name: 'Ana María', email: null },
  { id: 'agt_sam', name: 'Sam', email: 'sam@shop.example' },
]

describe('resolveMentions', () => {
  describe('when a note names advisors', () => {
    it('resolves @Name and @email to advisor ids, in order, once each, ignoring case', () => {
      expect(resolveMentions('@sam please ask @ANA@shop.example, then @Sam again.', advisors)).toEqual([
        'agt_sam',
        'agt_ana',
      ])
    })

    it('prefers the longest name that matches', () => {
      expect(resolveMentions('ping @Ana María', advisors)).toEqual(['agt_ana_maria'])
      expect(resolveMentions('ping @Ana, thanks', advisors)).toEqual(['agt_ana'])
    })
  })

  describe('when a token names nobody', () => {
    it('keeps unknown mentions, partial names and email addresses in the text as plain text', () => {
      expect(resolveMentions('@Samantha @nobody ana@shop.example mail@Sam @', advisors)).toEqual([])
    })
  })
})
