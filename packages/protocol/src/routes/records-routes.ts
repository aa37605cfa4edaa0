import type { ErasureResponse } from '../schemas/records.js'
import type { RouteTable } from './route.js'

const routes = {
  /** R1, from the console or an `admin`-scope key: owners and admins only. */
  eraseCustomer: { method: 'POST', path: '/v1/agent/customers/:id/erase', auth: 'agent' },
  /** R2: a zip of `customer.json` and the customer's attachments; owners and admins only. */
  exportCustomer: { method: 'GET', path: '/v1/agent/customers/:id/export', auth: 'agent' },
} as const

/**
 * A customer's data on the agent API (key or console cookie), for the console's buttons. The same
 * work as the admin API's `customer-data` routes, which a site's own back office calls with the secret.
 */
export const recordsRoutes: RouteTable<
  typeof routes,
  {
    eraseCustomer: { response: ErasureResponse }
    exportCustomer: { response: Blob }
  }
> = routes

export type RecordsRoutes = typeof recordsRoutes
export type RecordsRouteName = keyof RecordsRoutes
