import { createHmac } from 'node:crypto'
import { createAdminClient, createAgentClient } from '@threadline/api'
import type { ConformanceHarness } from '../../testing/conformance-harness.js'

export interface HttpHarnessOptions {
  /** The running server, e.g. `http://127.0.0.1:54321`. */
  baseUrl: string
  workspaceId: string
  /** The workspace's signing secret and its key id, as `threadline workspace create` prints them. */
  secret: string
  kid: string
  agentKey: string
}

/**
 * The conformance harness over a real server's public surfaces only: the dev mailbox for codes, an
 * HS256 identity token signed like a site's backend would, and the agent API for the advisor.
 */
export function createHttpHarness({
  baseUrl,
  workspaceId,
  secret,
  kid,
  agentKey,
}: HttpHarnessOptions): ConformanceHarness {
  // The advisor and the site's backend speak the agent and admin APIs through their typed clients.
  const agent = createAgentClient({ baseUrl, agentKey })
  const admin = createAdminClient({ baseUrl, workspaceId, secret })

  return {
    async readCode(email) {
      const response = await fetch(`${baseUrl}/dev/mailbox`, { headers: { accept: 'application/json' } })
      if (!response.ok) throw new Error(`GET /dev/mailbox answered ${response.status}`)
      const { messages } = (await response.json()) as { messages: Array<{ to: string; text: string }> }
      // Newest first, so the first mail to this address carries the live code.
      const code = messages.find((mail) => mail.to === email)?.text.match(/\b\d{6}\b/)?.[0]
      if (code === undefined) throw new Error(`No code was mailed to ${email}`)
      return code
    },
    async mintIdentityToken({ externalId, email, emailVerified, expiresInSeconds = 10 * 60 }) {
      const now = Math.floor(Date.now() / 1000)
      const claims = {
        sub: externalId,
        iat: now,
        exp: now + expiresInSeconds,
        ...(email === undefined ? {} : { email }),
        ...(emailVerified === undefined ? {} : { email_verified: emailVerified }),
      }
      return signHs256({ alg: 'HS256', typ: 'JWT', kid }, claims, secret)
    },
    agentReply: async (conversationId, text) => {
      await agent.reply({ conversationId, text })
    },
    agentRead: (conversationId, upToSeq) => agent.markRead({ conversationId, upToSeq }),
    agentTyping: (conversationId, typing) => agent.setTyping({ conversationId, typing }),
    agentFinish: async (conversationId) => {
      await agent.finish({ conversationId })
    },
    agentMessages: async (conversationId) => (await agent.listMessages({ conversationId, limit: 100 })).messages,
    async setIdentificationMode(mode) {
      await admin.updateWorkspace({ identification: { mode } })
    },
  }
}

/** A compact JWS (RFC 7515) with HMAC-SHA256, as a site's backend signs identity tokens. */
function signHs256(header: object, payload: object, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signingInput = `${encode(header)}.${encode(payload)}`
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
}
