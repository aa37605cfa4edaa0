import { describe, expect, it } from 'vitest'
import { identityConflict } from './identity-conflict.js'

const ana = { id: 'cus_ana', externalId: 'user_ana', accountExternalId: 'user_ana' }
const verifiedOnly = { id: 'cus_ben', externalId: null, accountExternalId: null }

describe('identityConflict', () => {
  describe('when both keys lead to the same customer, or only one key is known', () => {
    it('finds no conflict', () => {
      expect(identityConflict({ externalId: 'user_ana', byExternalId: ana, byVerifiedEmail: ana })).toBeNull()
      expect(
        identityConflict({ externalId: 'user_ben', byExternalId: undefined, byVerifiedEmail: verifiedOnly }),
      ).toBeNull()
      expect(
        identityConflict({ externalId: 'user_new', byExternalId: undefined, byVerifiedEmail: undefined }),
      ).toBeNull()
    })
  })

  describe('when the external id and the verified email belong to different customers', () => {
    it('refuses to guess', () => {
      expect(identityConflict({ externalId: 'user_ana', byExternalId: ana, byVerifiedEmail: verifiedOnly })).toBe(
        'The external id and the verified email belong to different customers',
      )
    })
  })

  describe("when the verified email's customer holds another external id", () => {
    it('refuses to rebind them', () => {
      expect(identityConflict({ externalId: 'user_other', byExternalId: undefined, byVerifiedEmail: ana })).toBe(
        'That verified email already belongs to a customer with another external id',
      )
    })
  })

  describe('when the customer is linked to another account', () => {
    it('refuses to relink them silently (C6)', () => {
      const linkedByCode = { id: 'cus_cy', externalId: 'user_cy', accountExternalId: 'acct_other' }
      expect(identityConflict({ externalId: 'user_cy', byExternalId: linkedByCode, byVerifiedEmail: undefined })).toBe(
        'This customer is already linked to another account',
      )
    })

    it('does not apply where the backend links no accounts', () => {
      const unlinked = { id: 'cus_cy', externalId: 'user_cy' }
      expect(identityConflict({ externalId: 'user_cy', byExternalId: unlinked, byVerifiedEmail: undefined })).toBeNull()
    })
  })
})
