import type { Customer, SessionGrant } from '@threadline/protocol'
import type { ChatAdapter } from '../adapters/types.js'
import { isSessionError, toThreadlineError, type ThreadlineError } from '../errors/errors.js'
import { readIdentityTokenSubject } from '../identity/identity-token.js'
import { ok, type Result } from './result.js'
import type { StateWriter } from './state-writer.js'

export interface IdentifyOptions {
  /** Returns a fresh identity JWT from the site's backend; called again whenever the session expires. */
  getToken: () => string | Promise<string>
}

/**
 * Logged-in customers: the site's backend signs a JWT, the server trades it for a session, and
 * when that session expires the site is simply asked again, so the customer never sees a sign-out
 * (Plain's `getCustomerJwt` model).
 */
export interface IdentityTokenFlow {
  identify: (options: IdentifyOptions) => Promise<Result<Customer>>
  /**
   * The session expired: asks `getToken` again. Returns false when there is nothing to ask (no
   * `identify` yet, or a logout since). Several expiries at once share one renewal.
   */
  renew(): boolean
  /** Logout: the next expiry must not sign the customer back in. */
  forget(): void
}

export interface IdentityTokenFlowOptions {
  /** Resolves once storage has been read; identifying waits for it. */
  ready: Promise<void>
  adapter: ChatAdapter
  writer: StateWriter
  /** The customer on screen, if someone is signed in. */
  currentCustomer: () => Customer | null
  /** Hides the customer on screen, their conversation and unsent words, before anyone else is let in (B8). */
  hideCustomer: () => Promise<void>
  /** Makes the grant the current session; resolves once its history is in. */
  establish: (grant: SessionGrant) => Promise<void>
  /** Ends the current session locally, keeping the outbox. */
  endSession: (error: ThreadlineError) => Promise<void>
}

export function createIdentityTokenFlow(options: IdentityTokenFlowOptions): IdentityTokenFlow {
  const { adapter, writer } = options
  let tokenProvider: IdentifyOptions['getToken'] | null = null
  let renewal: Promise<unknown> | null = null

  /** `renewing`: the same site session asks again after expiry, so it is the same person. */
  const run = async (getToken: IdentifyOptions['getToken'], renewing: boolean): Promise<Result<Customer>> => {
    try {
      const identityToken = await getToken()
      const current = options.currentCustomer()
      const subject = readIdentityTokenSubject(identityToken)
      // Possibly another person: hide the conversation before the server even answers (B8). If it
      // is someone else, establishing their session then drops the old outbox entries.
      if (current && !renewing && (subject === null || subject !== current.externalId)) {
        await options.hideCustomer()
      } else {
        writer.setBusy(true)
      }
      const grant = await adapter.identify({ identityToken })
      await options.establish(grant)
      return ok(grant.customer)
    } catch (error) {
      const threadlineError = toThreadlineError(error)
      if (isSessionError(threadlineError) || threadlineError.code.startsWith('identity_')) {
        // Ending locally can fail on storage; the identify failure is still the one to report.
        await options.endSession(threadlineError).catch(() => undefined)
      }
      writer.setBusy(false)
      return writer.report(threadlineError)
    }
  }

  return {
    async identify({ getToken }) {
      await options.ready
      tokenProvider = getToken
      return run(getToken, false)
    },
    renew() {
      if (!tokenProvider) return false
      renewal ??= run(tokenProvider, true).finally(() => (renewal = null))
      return true
    },
    forget() {
      tokenProvider = null
    },
  }
}
