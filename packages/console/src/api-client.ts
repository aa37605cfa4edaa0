import { createAgentClient, createBlocksClient } from '@threadline/api'
import type { AgentClient, BlocksClient, FetchFunction } from '@threadline/api'

/** How the console reaches the agent API; the one place that knows how an advisor is authenticated. */
export interface ConsoleClientOptions {
  /** The API's origin; '' is this page's origin, where the server serves the console. */
  baseUrl: string
  fetch?: FetchFunction
  /** Today's sign-in: the agent key, sent as `Authorization: Bearer`. */
  agentKey: string
}

/**
 * The agent client every screen of the console uses. Kept in one small module so that a
 * different sign-in (a session cookie instead of the agent key) changes this file and the sign-in
 * screen only.
 */
export function createConsoleClient({ baseUrl, fetch, agentKey }: ConsoleClientOptions): AgentClient {
  return createAgentClient({ baseUrl, agentKey, ...(fetch ? { fetch } : {}) })
}

/** The same advisor's client for blocks (placed from the block dialog). */
export function createConsoleBlocksClient({ baseUrl, fetch, agentKey }: ConsoleClientOptions): BlocksClient {
  return createBlocksClient({ baseUrl, agentKey, ...(fetch ? { fetch } : {}) })
}
