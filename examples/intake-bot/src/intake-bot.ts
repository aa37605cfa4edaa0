import { createAgentClient, createAutomationClient, isThreadlineError } from '@threadline/api'
import type { AgentEventEnvelope } from '@threadline/protocol'

/** One question the bot asks, and the field its answer becomes for the advisors. */
export interface IntakeQuestion {
  field: string
  text: string
}

export interface IntakeBotOptions {
  /** The chat server, e.g. `http://localhost:4400`. */
  baseUrl: string
  /** A `bot`-scope key, named as the workspace's bot (`PUT /v1/agent/automation`). */
  botKey: string
  /** That key's id: the bot answers only the conversations it holds. */
  botKeyId: string
  questions?: IntakeQuestion[]
  /** Where the bot says what it did (never message text). Default: nowhere. */
  log?: (line: string) => void
}

export interface IntakeBot {
  close(): void
}

export const styleQuestions: IntakeQuestion[] = [
  { field: 'occasion', text: 'What is the occasion: everyday, work, or something special?' },
  { field: 'style', text: 'Which style do you like best: classic, casual, or bold?' },
]

const greeting = 'Hi! I am the style assistant. Two quick questions, then a stylist takes over.'

/**
 * The intake bot: the server gives it each new session (a `conversation.assigned` with the
 * controller `bot`); it asks its questions one by one, then hands over with a summary and the
 * answers as fields. It keeps its place per conversation in memory: after a restart a conversation
 * it still holds starts over at the first question. It lets go at once when the customer asks for a
 * person or an advisor takes over; the server's deadlines cover it when it is down.
 */
export function startIntakeBot({
  baseUrl,
  botKey,
  botKeyId,
  questions = styleQuestions,
  log = () => undefined,
}: IntakeBotOptions): IntakeBot {
  const agent = createAgentClient({ baseUrl, agentKey: botKey })
  const automation = createAutomationClient({ baseUrl, agentKey: botKey })
  /** The answers so far of each conversation in intake. */
  const intakes = new Map<string, string[]>()
  /** One event at a time per conversation, so answers and questions never cross. */
  const queues = new Map<string, Promise<void>>()

  const say = (conversationId: string, text: string) =>
    agent.reply({ conversationId, text, clientId: crypto.randomUUID() })

  async function handle({ conversationId, event }: AgentEventEnvelope): Promise<void> {
    if (event.type === 'conversation.assigned') {
      if (event.conversation.controller !== 'bot') {
        // Handed over (the customer, an advisor, a deadline): nothing more to ask.
        intakes.delete(conversationId)
        return
      }
      if (intakes.has(conversationId)) return
      const view = await agent.getConversation({ conversationId })
      if (view.bot?.id !== botKeyId) return
      intakes.set(conversationId, [])
      await say(conversationId, `${greeting}\n\n${questions[0]?.text ?? ''}`)
      log(`intake started in ${conversationId}`)
      return
    }
    if (event.type !== 'message.created' || event.message.author.kind !== 'customer') return
    const answers = intakes.get(conversationId)
    if (answers === undefined) return
    answers.push(event.message.text.trim())
    const next = questions[answers.length]
    if (next !== undefined) {
      await say(conversationId, next.text)
      return
    }
    intakes.delete(conversationId)
    const fields = Object.fromEntries(questions.map((question, index) => [question.field, answers[index] ?? '']))
    await say(conversationId, 'Thank you! A stylist will be with you in a moment.')
    await automation.handoff({
      conversationId,
      summary: questions.map((question, index) => `${question.field}: ${answers[index] ?? ''}`).join('; '),
      fields,
    })
    log(`handed ${conversationId} over`)
  }

  const close = agent.subscribe({
    onEvent: ({ data }) => {
      const { conversationId } = data
      const run = (queues.get(conversationId) ?? Promise.resolve())
        .then(() => handle(data))
        .catch((error: unknown) => {
          // The conversation left the bot meanwhile (409 not_controller): the advisors have it.
          intakes.delete(conversationId)
          if (!isThreadlineError(error) || error.code !== 'not_controller')
            log(`could not answer ${conversationId}: ${error instanceof Error ? error.message : String(error)}`)
        })
      queues.set(conversationId, run)
      void run.finally(() => {
        if (queues.get(conversationId) === run) queues.delete(conversationId)
      })
    },
    onStatus: ({ status }) => log(`event stream ${status}`),
  })
  return { close }
}
