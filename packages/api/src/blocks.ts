import { blockRoutes } from '@threadline/protocol'
import type { AddressUsageResponse, Block, CreateBlockRequest } from '@threadline/protocol'
import type { AgentClientOptions, CustomerCallOptions } from './create-agent-client.js'
import { createHttpClient } from './http-client.js'
import type { CallOptions, HttpClient } from './http-client.js'

export type BlockCustomerOptions = CreateBlockRequest & CallOptions
export interface LiftBlockOptions extends CallOptions {
  blockId: string
}

/**
 * Blocks on the agent API: stop a customer (and for a while their network) from chatting. The
 * reason stays inside the team; the customer only ever reads that chat is unavailable.
 */
export interface BlocksClient {
  /** 24 hours unless `durationSeconds` or `permanent` (owners and admins) says otherwise. */
  blockCustomer(options: BlockCustomerOptions): Promise<Block>
  /** Ends the block now; recorded in the conversation's timeline. Lifting an ended block changes nothing. */
  liftBlock(options: LiftBlockOptions): Promise<Block>
  /** The customer's block in force, or null. */
  customerBlock(options: CustomerCallOptions): Promise<Block | null>
  /** How many other customers used the customer's latest network in the last seven days. */
  addressUsage(options: CustomerCallOptions): Promise<AddressUsageResponse>
}

/** The typed client of `blockRoutes`, with the same options (and key) as `createAgentClient`. */
export function createBlocksClient({ baseUrl = '', agentKey, fetch, timeoutMs }: AgentClientOptions): BlocksClient {
  return blocksClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** The block routes over any credential: a key's header, or the console session's cookie (`createConsoleClient`). */
export function blocksClientOver(http: HttpClient): BlocksClient {
  return {
    async blockCustomer({ signal, ...body }) {
      return (await http.request(blockRoutes.createBlock, { signal, body })).block
    },
    async liftBlock({ blockId, signal }) {
      return (await http.request(blockRoutes.liftBlock, { signal, params: { id: blockId } })).block
    },
    async customerBlock({ customerId, signal }) {
      return (await http.request(blockRoutes.customerBlock, { signal, params: { id: customerId } })).block
    },
    addressUsage: ({ customerId, signal }) =>
      http.request(blockRoutes.addressUsage, { signal, params: { id: customerId } }),
  }
}
