import { customerExportFiles, isThreadlineError } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { createAgentClient } from './create-agent-client.js'
import { useRealServer } from './real-server.test-helpers.js'
import { createAdminRecordsClient, createAgentRecordsClient } from './records.js'

const server = useRealServer()
const admin = () =>
  createAdminRecordsClient({
    baseUrl: server.current.url,
    workspaceId: server.current.workspaceId,
    secret: server.current.secret,
  })
const agentRecords = () => createAgentRecordsClient({ baseUrl: server.current.url, agentKey: server.current.agentKey })

async function customerWithMessage(text: string) {
  const customer = await server.current.customer()
  const message = await customer.send(text)
  const agent = createAgentClient({ baseUrl: server.current.url, agentKey: server.current.agentKey })
  const { customer: found } = await agent.getConversation({ conversationId: message.conversationId })
  return { customerId: found.id, conversationId: message.conversationId }
}

describe('the records clients', () => {
  it('R2, R1: the admin client exports a customer as a zip, then erases them', async () => {
    const { customerId } = await customerWithMessage('export and erase me')
    const archive = await admin().exportCustomer({ customerId })
    // A zip (its local file header), whose first entry is customer.json; the server's tests read it whole.
    const bytes = new Uint8Array(await archive.arrayBuffer())
    expect(strFromBytes(bytes.slice(0, 2))).toBe('PK')
    expect(strFromBytes(bytes.slice(30, 30 + customerExportFiles.data.length))).toBe(customerExportFiles.data)

    const erasure = await admin().eraseCustomer({ customerId })
    expect(erasure).toMatchObject({ customerId, removed: { messages: 1, customers: 1 } })
    const again = await admin()
      .eraseCustomer({ customerId })
      .catch((error: unknown) => error)
    expect(isThreadlineError(again) && again.code).toBe('not_found')
  })

  it('R3: the admin client reads and sets the retention', async () => {
    expect(await admin().setRetention({ retentionDays: 90 })).toEqual({ retentionDays: 90 })
    expect(await admin().getRetention()).toEqual({ retentionDays: 90 })
    const refused = await admin()
      .setRetention({ retentionDays: 0 })
      .catch((error: unknown) => error)
    expect(isThreadlineError(refused) && refused.code).toBe('validation_failed')
    expect(await admin().setRetention({ retentionDays: null })).toEqual({ retentionDays: null })
  })

  it('N3: finishing with a transcript for a customer without a verified email is refused as a typed error, and finishes nothing', async () => {
    const { conversationId } = await customerWithMessage('no verified email here')
    const refused = await agentRecords()
      .finishWithTranscript({ conversationId, transcript: { to: 'customer' } })
      .catch((error: unknown) => error)
    expect(isThreadlineError(refused) && refused.code).toBe('forbidden')
    const agent = createAgentClient({ baseUrl: server.current.url, agentKey: server.current.agentKey })
    expect((await agent.getConversation({ conversationId })).conversation.status).not.toBe('finished')
  })

  it('R1: the agent client is refused erasure with a key that is not admin-scope', async () => {
    const { customerId } = await customerWithMessage('keep me')
    const refused = await agentRecords()
      .eraseCustomer({ customerId })
      .catch((error: unknown) => error)
    expect(isThreadlineError(refused) && refused.code).toBe('forbidden')
  })
})

function strFromBytes(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes)
}
