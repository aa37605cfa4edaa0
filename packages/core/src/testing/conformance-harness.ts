import type { IdentificationMode, Message } from '@threadline/protocol'

/**
 * What a backend must offer the conformance suite besides the visitor API: a window into the
 * mailbox, a way to sign identity tokens, and an advisor to script. No clock control, so the real
 * server over HTTP can implement it with its dev mailbox, workspace secret and agent API.
 */
export interface ConformanceHarness {
  /** The code in the latest mail sent to `email`. */
  readCode(email: string): Promise<string>
  /** An identity token the backend accepts, as the site's backend would sign it. */
  mintIdentityToken(claims: {
    externalId: string
    email?: string
    emailVerified?: boolean
    expiresInSeconds?: number
  }): Promise<string>
  agentReply(conversationId: string, text: string): Promise<void>
  agentRead(conversationId: string, upToSeq: number): Promise<void>
  agentTyping(conversationId: string, typing: boolean): Promise<void>
  agentFinish(conversationId: string): Promise<void>
  /** The thread as advisors see it (`GET /v1/agent/conversations/{id}/messages`), ascending by seq. */
  agentMessages(conversationId: string): Promise<Message[]>
  /**
   * Sets the workspace's identification mode (the admin API's `PATCH /v1/admin/workspace`). Optional:
   * without it the tests of the `required` rule are skipped. The suite puts `offered` back after them.
   */
  setIdentificationMode?(mode: IdentificationMode): Promise<void>
}
