import type { Customer, Session, SessionGrant } from '@threadline/protocol'
import type { PendingVerification } from '../store/state.js'

/** What the client keeps in storage for the signed-in customer, so a reload stays signed in. */
export interface StoredSession {
  token: string
  expiresAt: number
  method: Session['method']
  customer: Customer
  /**
   * How long the session outlives this page, when the keeper knows (docs/sessions.md): `browser`,
   * the browser keeps it (the frame's cookie came back); `visit`, only this tab's visit (the cookie
   * did not stick), so the next visit asks for a code again.
   */
  kept?: 'browser' | 'visit'
}

export const isStoredSession = (value: unknown): value is StoredSession =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StoredSession).token === 'string' &&
  typeof (value as StoredSession).expiresAt === 'number'

export const isPendingVerification = (value: unknown): value is PendingVerification =>
  typeof value === 'object' && value !== null && typeof (value as PendingVerification).challengeId === 'string'

export const storedSessionOf = (grant: SessionGrant): StoredSession => ({
  token: grant.session.token,
  expiresAt: Date.parse(grant.session.expiresAt),
  method: grant.session.method,
  customer: grant.customer,
})
