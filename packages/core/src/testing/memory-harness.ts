import type { MemoryBackend } from '../adapters/memory/backend.js'
import type { ConformanceHarness } from './conformance-harness.js'

/** The conformance harness over a memory backend's test hooks. */
export function createMemoryHarness(backend: MemoryBackend): ConformanceHarness {
  return {
    async readCode(email) {
      const code = backend.mailbox.latestCode(email)
      if (code === null) throw new Error(`No code was mailed to ${email}`)
      return code
    },
    mintIdentityToken: async (claims) => backend.identityTokens.mint(claims),
    agentReply: async (conversationId, text) => {
      backend.agent.reply(conversationId, text)
    },
    agentRead: async (conversationId, upToSeq) => backend.agent.read(conversationId, upToSeq),
    agentTyping: async (conversationId, typing) => {
      if (typing) backend.agent.startTyping(conversationId)
      else backend.agent.stopTyping(conversationId)
    },
    agentFinish: async (conversationId) => {
      backend.agent.finish(conversationId)
    },
    agentMessages: async (conversationId) => backend.agent.messages(conversationId),
    setIdentificationMode: async (mode) => backend.setIdentificationMode(mode),
  }
}
