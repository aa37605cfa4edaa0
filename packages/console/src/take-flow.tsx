import type { Agent, Conversation } from '@threadline/protocol'
import { useCallback, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { isApiError } from '@threadline/api'
import type { AgentClient } from '@threadline/api'
import { Modal } from './modal.js'

export interface TakeFlow {
  /**
   * Takes the conversation. When another advisor holds it, asks "Grace has this conversation. Take
   * it over?" and overtakes only on yes. Resolves with the conversation (null when the advisor said
   * no); rejects with what the server refused.
   */
  take: (conversationId: string) => Promise<Conversation | null>
  /** The question, while it is asked; render it once, anywhere. */
  dialog: ReactNode
}

interface Question {
  holder: Agent
  answer: (yes: boolean) => void
}

/**
 * The one way the console takes a conversation (the header's button and the palette's command).
 * It never overtakes blindly: a plain take first, which the server refuses with 409
 * `conversation_taken` when someone holds it; then the question, naming the holder the server
 * has now. On yes it checks the holder again, so if a third advisor took it while the question was
 * open, it asks again with their name instead of taking it from someone the advisor never saw.
 */
export function useTakeFlow({ api, myId }: { api: AgentClient; myId: string }): TakeFlow {
  const [question, setQuestion] = useState<Question | null>(null)
  const questionRef = useRef(question)
  questionRef.current = question

  const ask = useCallback(
    (holder: Agent) =>
      new Promise<boolean>((resolve) => {
        // A second question replaces the first, which counts as "no".
        questionRef.current?.answer(false)
        setQuestion({
          holder,
          answer: (yes) => {
            setQuestion(null)
            resolve(yes)
          },
        })
      }),
    [],
  )

  const take = useCallback(
    async (conversationId: string): Promise<Conversation | null> => {
      try {
        return await api.take({ conversationId, overtake: false })
      } catch (error) {
        if (!isApiError(error) || error.code !== 'conversation_taken') throw error
      }
      let confirmed: Agent | null = null
      for (;;) {
        const { conversation } = await api.getConversation({ conversationId })
        const holder = conversation.assignee
        if (holder === null) return api.take({ conversationId, overtake: false }).catch(retryIfTaken)
        if (holder.id === myId) return conversation
        if (confirmed?.id === holder.id) return api.take({ conversationId, overtake: true })
        if (!(await ask(holder))) return null
        confirmed = holder
      }

      // Someone took it between our look and our take: around again, and the question names them.
      async function retryIfTaken(error: unknown): Promise<Conversation | null> {
        if (!isApiError(error) || error.code !== 'conversation_taken') throw error
        return take(conversationId)
      }
    },
    [api, ask, myId],
  )

  const dialog = question && <OvertakeDialog holder={question.holder} onAnswer={(yes) => question.answer(yes)} />
  return { take, dialog }
}

/** A real dialog: focus inside it (on "Cancel", the safe answer), Tab kept in, Escape says no. */
function OvertakeDialog({ holder, onAnswer }: { holder: Agent; onAnswer: (yes: boolean) => void }) {
  return (
    <Modal label="Take over this conversation?" onClose={() => onAnswer(false)} className="console-confirm">
      <h2>Take over this conversation?</h2>
      <p>{holder.name} has this conversation. Take it over?</p>
      <p className="console-muted">{holder.name} will see that you took it over.</p>
      <div className="console-confirm__actions">
        <button type="button" className="console-button" onClick={() => onAnswer(false)}>
          Cancel
        </button>
        <button type="button" className="console-button console-button--primary" onClick={() => onAnswer(true)}>
          Take it over
        </button>
      </div>
    </Modal>
  )
}
