import { createAgentAttachmentClient, createAgentClient } from '@threadline/api'
import type { AgentAttachmentClient, AgentClient, FetchFunction } from '@threadline/api'

/** Every agent API call the console makes: the agent client's and the attachment client's. */
export type ConsoleClient = AgentClient & AgentAttachmentClient

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
export function createConsoleClient({ baseUrl, fetch, agentKey }: ConsoleClientOptions): ConsoleClient {
  const options = { baseUrl, agentKey, ...(fetch ? { fetch } : {}) }
  return { ...createAgentClient(options), ...createAgentAttachmentClient(options) }
}
