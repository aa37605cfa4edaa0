import type {
  AddressUsageResponse,
  BlockResponse,
  CreateBlockRequest,
  CustomerBlockResponse,
} from '../schemas/blocks.js'
import type { RouteTable } from './route.js'

const routes = {
  /** Blocks a customer of the caller's workspace (F1); `permanent` needs an owner or admin. */
  createBlock: { method: 'POST', path: '/v1/agent/blocks', auth: 'agent' },
  /** Ends a block before its time; recorded in the conversation's timeline. */
  liftBlock: { method: 'POST', path: '/v1/agent/blocks/:id/lift', auth: 'agent' },
  /** The customer's block in force, or null. */
  customerBlock: { method: 'GET', path: '/v1/agent/customers/:id/block', auth: 'agent' },
  /** F5: how many other customers used the customer's network lately, shown before a network block. */
  addressUsage: { method: 'GET', path: '/v1/agent/customers/:id/address-usage', auth: 'agent' },
} as const

/** Blocks, part of the agent API (key or console cookie). Ids of another workspace are `not_found` (F6). */
export const blockRoutes: RouteTable<
  typeof routes,
  {
    createBlock: { body: CreateBlockRequest; response: BlockResponse }
    liftBlock: { response: BlockResponse }
    customerBlock: { response: CustomerBlockResponse }
    addressUsage: { response: AddressUsageResponse }
  }
> = routes

export type BlockRoutes = typeof blockRoutes
export type BlockRouteName = keyof BlockRoutes
