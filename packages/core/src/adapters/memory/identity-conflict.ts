import type { Customer } from '@threadline/protocol'

/**
 * B7, B9: why an identity token cannot be given a customer, or null. `byExternalId` and `byEmail`
 * are the customers its external id and its verified email already name; when they disagree the
 * backend refuses to guess.
 */
export function identityConflict(
  byExternalId: Pick<Customer, 'id'> | undefined,
  byEmail: Pick<Customer, 'id' | 'externalId'> | undefined,
): string | null {
  if (byExternalId && byEmail && byExternalId.id !== byEmail.id) {
    return 'The external id and the verified email belong to different customers'
  }
  if (!byExternalId && byEmail && byEmail.externalId !== null) {
    return 'That verified email already belongs to a customer with another external id'
  }
  return null
}
