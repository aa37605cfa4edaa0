import { identityConflict, normalizeEmail } from '@threadline/protocol'
import type { Customer, CustomerDevice, IdentityCandidate } from '@threadline/protocol'
import type { Kysely, Transaction } from 'kysely'
import { randomId } from '../crypto/random.js'
import { isUniqueViolation } from '../database/database.js'
import type { CustomerTable, DatabaseSchema } from '../database/schema.js'
import { ApiError } from '../errors/api-error.js'
import { upsertAccount } from '../identification/accounts.js'
import type { ServerContext } from '../server-context.js'

/** What a verified identity token asserts about the customer. */
export interface IdentityClaims {
  externalId: string
  email: string | null
  /** The site vouches that the customer controls `email`; only then does it join that email's customer. */
  emailVerified: boolean
  name: string | null
}

export function toCustomer(row: CustomerTable): Customer {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    externalId: row.external_id,
    name: row.name,
  }
}

/** The device the customer's last page view came from, as the customer panel shows it; none before the first. */
export function toCustomerDevice(row: CustomerTable): { device?: CustomerDevice } {
  if (row.last_seen_at === null || row.last_seen_at === undefined) return {}
  return {
    device: {
      language: row.language ?? null,
      timeZone: row.time_zone ?? null,
      ipAddress: row.last_ip ?? null,
      seenAt: new Date(row.last_seen_at).toISOString(),
    },
  }
}

/** A15: the one customer a verified email is the key to, created on first verification. */
export async function customerForVerifiedEmail(
  context: ServerContext,
  workspaceId: string,
  email: string,
): Promise<CustomerTable> {
  return withRaceRetry(() =>
    context.database.db.transaction().execute(async (transaction) => {
      const existing = await customerByVerifiedEmail(transaction, workspaceId, email)
      if (existing) return existing
      const customer: CustomerTable = {
        id: randomId('cus'),
        workspace_id: workspaceId,
        email,
        email_verified: 1,
        external_id: null,
        name: null,
        created_at: context.now(),
        last_stream_seen_at: null,
        account_external_id: null,
        identified_at: null,
        identified_via: null,
      }
      await transaction.insertInto('customers').values(customer).execute()
      await transaction
        .insertInto('customer_emails')
        .values({ workspace_id: workspaceId, email, customer_id: customer.id })
        .execute()
      return customer
    }),
  )
}

/**
 * B7, B9: one customer per external id and per verified email; a token that vouches for an email
 * joins the customer who verified it, unless that customer is bound to another external id (then
 * `identity_conflict`: refuse to guess). Unverified emails are shown to advisors but never join anyone.
 * The token also links the customer to the site's account (first time only); a customer already
 * linked to another account by a code is never relinked silently (`identity_conflict`, C6).
 */
export async function customerForIdentity(
  context: ServerContext,
  workspaceId: string,
  claims: IdentityClaims,
): Promise<CustomerTable> {
  const email = claims.email === null ? null : normalizeEmail(claims.email)
  const verifiedEmail = email !== null && claims.emailVerified ? email : null
  return withRaceRetry(() =>
    context.database.db.transaction().execute(async (transaction) => {
      const byExternalId = await transaction
        .selectFrom('customers')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('external_id', '=', claims.externalId)
        .executeTakeFirst()
      const byEmail =
        verifiedEmail === null ? undefined : await customerByVerifiedEmail(transaction, workspaceId, verifiedEmail)

      const conflict = identityConflict({
        externalId: claims.externalId,
        byExternalId: byExternalId && candidate(byExternalId),
        byVerifiedEmail: byEmail && candidate(byEmail),
      })
      if (conflict !== null) throw new ApiError('identity_conflict', conflict)
      const existing = byExternalId ?? byEmail
      // The token is the site vouching for its account: keep the site's account data fresh for advisors.
      await upsertAccount(transaction, context, {
        workspaceId,
        externalId: claims.externalId,
        ...(email === null ? {} : { email }),
        ...(claims.name === null ? {} : { name: claims.name }),
      })
      const at = context.now()
      if (!existing) {
        const customer: CustomerTable = {
          id: randomId('cus'),
          workspace_id: workspaceId,
          email,
          email_verified: verifiedEmail === null ? 0 : 1,
          external_id: claims.externalId,
          name: claims.name,
          created_at: at,
          last_stream_seen_at: null,
          account_external_id: claims.externalId,
          identified_at: at,
          identified_via: 'identity_token',
        }
        await transaction.insertInto('customers').values(customer).execute()
        if (verifiedEmail !== null) {
          await transaction
            .insertInto('customer_emails')
            .values({ workspace_id: workspaceId, email: verifiedEmail, customer_id: customer.id })
            .execute()
        }
        return customer
      }

      const updated: CustomerTable = { ...existing }
      if (updated.external_id === null) updated.external_id = claims.externalId
      if (updated.account_external_id === null) {
        updated.account_external_id = claims.externalId
        updated.identified_via = 'identity_token'
        updated.identified_at = at
      }
      if (verifiedEmail !== null) {
        // The site vouches for this address now; an address verified earlier stays a key to them too.
        updated.email = verifiedEmail
        updated.email_verified = 1
        if (!byEmail) {
          await transaction
            .insertInto('customer_emails')
            .values({ workspace_id: workspaceId, email: verifiedEmail, customer_id: updated.id })
            .execute()
        }
      }
      // The name comes from a signed token, so it may change; an unverified email never overwrites anything.
      if (claims.name !== null) updated.name = claims.name
      await transaction
        .updateTable('customers')
        .set({
          external_id: updated.external_id,
          email: updated.email,
          email_verified: updated.email_verified,
          name: updated.name,
          account_external_id: updated.account_external_id,
          identified_via: updated.identified_via,
          identified_at: updated.identified_at,
        })
        .where('id', '=', updated.id)
        .execute()
      return updated
    }),
  )
}

async function customerByVerifiedEmail(
  db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  workspaceId: string,
  email: string,
): Promise<CustomerTable | undefined> {
  return db
    .selectFrom('customer_emails')
    .innerJoin('customers', 'customers.id', 'customer_emails.customer_id')
    .selectAll('customers')
    .where('customer_emails.workspace_id', '=', workspaceId)
    .where('customer_emails.email', '=', email)
    .executeTakeFirst()
}

/** Two first visits of one person can race to create their customer; the loser reads the winner's row. */
async function withRaceRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (!isUniqueViolation(error) || tries >= 3) throw error
    }
  }
}

function candidate(row: CustomerTable): IdentityCandidate {
  return { id: row.id, externalId: row.external_id, accountExternalId: row.account_external_id }
}
