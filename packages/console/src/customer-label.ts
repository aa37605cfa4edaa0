import type { Customer } from '@threadline/protocol'

/** What an advisor calls a customer: their name, else their email, else the site's id for them. */
export function customerLabel(customer: Customer): string {
  return (
    customer.name?.trim() ||
    customer.email ||
    (customer.externalId === null ? 'Visitor' : `Visitor ${customer.externalId}`)
  )
}
