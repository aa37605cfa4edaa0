import { apiError } from './api-error.js'
import type { MemoryBackendState } from './backend-state.js'
import type { MemoryBackend } from './backend.js'
import { normalizeEmail } from '@threadline/protocol'
import { randomHex } from './random.js'

const defaultIdentityTokenSeconds = 60 * 60
const defaultBlockSeconds = 24 * 60 * 60

/** What a test (or a story) steers the backend with: tokens, session ends, workspace settings, blocks. */
export type MemoryTestControls = Pick<
  MemoryBackend,
  | 'identityTokens'
  | 'sessions'
  | 'setChatEnabled'
  | 'setAvailability'
  | 'setQuickStarts'
  | 'setIdentificationMode'
  | 'block'
  | 'unblock'
>

export function createMemoryTestControls(state: MemoryBackendState): MemoryTestControls {
  const {
    availabilityNow,
    blockedCustomerIds,
    blockedEmails,
    hub,
    identityTokens,
    now,
    random,
    revokeSession,
    sessions,
    settings,
  } = state
  return {
    identityTokens: {
      mint(claims) {
        const token = `idt_${randomHex(random, 24)}`
        const lifetimeMs = (claims.expiresInSeconds ?? defaultIdentityTokenSeconds) * 1000
        identityTokens.set(token, { claims: { ...claims }, expiresAt: now() + lifetimeMs })
        return token
      },
    },
    sessions: {
      expire(token) {
        const at = now()
        for (const session of sessions.values()) {
          if (token === undefined || session.token === token) session.expiresAt = Math.min(session.expiresAt, at)
        }
        hub.closeSessions(
          (candidate) => token === undefined || candidate === token,
          apiError('session_expired', 'The session has expired; verify again'),
        )
      },
      revoke(token) {
        revokeSession(token, apiError('unauthorized', 'The session was revoked'))
      },
    },
    setChatEnabled(enabled) {
      settings.chatEnabled = enabled
    },
    setAvailability(next) {
      settings.availability = { mode: 'live', changesAt: null, nextLiveAt: null, replyTimeMs: null, ...next }
      hub.announce(availabilityNow())
    },
    setQuickStarts(quickStarts) {
      settings.quickStarts = structuredClone(quickStarts)
      hub.announce(availabilityNow())
    },
    setIdentificationMode(mode) {
      settings.identificationMode = mode
    },
    block(target, blockOptions = {}) {
      const until = now() + (blockOptions.durationSeconds ?? defaultBlockSeconds) * 1000
      if ('customerId' in target) blockedCustomerIds.set(target.customerId, until)
      else blockedEmails.set(normalizeEmail(target.email), until)
    },
    unblock(target) {
      if ('customerId' in target) blockedCustomerIds.delete(target.customerId)
      else blockedEmails.delete(normalizeEmail(target.email))
    },
  }
}
