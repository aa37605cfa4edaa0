import { automationRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAutomationClient } from './automation.js'
import { createAdminClient } from './create-admin-client.js'
import { createAgentClient } from './create-agent-client.js'
import { rejection, useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()

async function ownerKey(scope: 'bot' | 'admin', name = `${scope} key`) {
  const admin = createAdminClient({
    baseUrl: server.current.url,
    workspaceId: server.current.workspaceId,
    secret: server.current.secret,
  })
  return admin.createKey({ name, scope })
}

const automationClient = (agentKey: string) => createAutomationClient({ baseUrl: server.current.url, agentKey })

describe('createAutomationClient', () => {
  it('sets the workspace bot, whose key then answers new conversations and hands them over with a summary', async () => {
    const admin = automationClient((await ownerKey('admin')).secret)
    const bot = await ownerKey('bot', 'Stylist bot')
    const settings = { botKeyId: bot.key.id, replyDeadlineSeconds: 20, idleDeadlineSeconds: 600 }
    const set = await admin.setAutomation(settings)
    expect(automationRouteSchemas.setAutomation.response.parse(set)).toEqual(set)
    expect(set).toEqual({ settings, bot: { id: bot.key.id, name: 'Stylist bot' } })
    expect(await admin.getAutomation()).toEqual(set)

    const customer = await server.current.customer()
    const { conversationId } = await customer.send('I need an outfit')
    const asBot = createAgentClient({ baseUrl: server.current.url, agentKey: bot.secret })
    const reply = await asBot.reply({ conversationId, text: 'Which colours do you like?' })
    expect(reply.message.author.kind).toBe('bot')

    // W7: the advisors cannot reply, or hand over for the bot, while it holds the conversation.
    const owner = createAgentClient({ baseUrl: server.current.url, agentKey: server.current.agentKey })
    expect(await rejection(owner.reply({ conversationId, text: 'Hi' }))).toMatchObject({ code: 'not_controller' })
    expect(await rejection(automationClient(server.current.agentKey).handoff({ conversationId }))).toMatchObject({
      code: 'not_controller',
    })

    const handedOver = await automationClient(bot.secret).handoff({
      conversationId,
      summary: 'Wedding in June',
      fields: { colour: 'blue' },
    })
    expect(handedOver.controller).toBe('advisors')
    const view = await owner.getConversation({ conversationId })
    expect(view.handoff).toMatchObject({ reason: 'bot', summary: 'Wedding in June', fields: { colour: 'blue' } })

    await admin.setAutomation({ ...settings, botKeyId: null })
  })

  it('refuses a bot that is not a live bot key with a typed error, and a bot key setting it with 403', async () => {
    const admin = automationClient((await ownerKey('admin')).secret)
    const bot = await ownerKey('bot')
    const settings = { botKeyId: 'key_unknown', replyDeadlineSeconds: 15, idleDeadlineSeconds: 1_800 }
    expect(await rejection(admin.setAutomation(settings))).toMatchObject({ code: 'validation_failed' })
    expect(await rejection(automationClient(bot.secret).setAutomation({ ...settings, botKeyId: null }))).toMatchObject({
      code: 'forbidden',
    })
  })

  it('sets and reads the intake steps, and refuses a malformed step with validation_failed', async () => {
    const admin = automationClient((await ownerKey('admin')).secret)
    const steps = [{ id: 'size', kind: 'text' as const, prompt: { en: 'Which size?', de: 'Welche Größe?' } }]
    expect(await admin.setIntake({ steps })).toEqual({ steps, quickStarts: [] })
    expect(await automationClient(server.current.agentKey).getIntake()).toEqual({ steps, quickStarts: [] })
    expect(
      await rejection(admin.setIntake({ steps: [{ kind: 'text', prompt: { en: 'Which size?' }, id: 'Not an id' }] })),
    ).toMatchObject({
      code: 'validation_failed',
    })
    await admin.setIntake({ steps: [] })
  })
})
