import type { Author, ChatEvent, Conversation, Message } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { mergeMessages } from './messages.js'
import { createInitialState, type ChatState } from './state.js'
import { missedEvents, withConversation, withEvent } from './transitions.js'

const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, second)).toISOString()
const customer = { kind: 'customer' as const, id: null, name: null, avatarUrl: null }
const agent = { kind: 'agent' as const, id: 'agt_1', name: 'Grace', avatarUrl: null }

const conversation = (overrides: Partial<Conversation> = {}): Conversation => ({
  id: 'cnv_1',
  status: 'active',
  assignee: null,
  createdAt: at(0),
  updatedAt: at(10),
  lastSeq: 2,
  customerLastReadSeq: 0,
  agentLastReadSeq: 0,
  agentLastReadAt: null,
  identification: 'not_identified',
  lastCodeOutcome: 'not_sent',
  awaitingIdentification: false,
  controller: 'advisors',
  ...overrides,
})
const message = (seq: number, author: Author = agent): Message => ({
  id: `msg_${seq}`,
  conversationId: 'cnv_1',
  clientId: null,
  seq,
  author,
  text: `m${seq}`,
  attachments: [],
  createdAt: at(seq),
  readAt: null,
})
const holding = (seqs: number[], overrides: Partial<Conversation> = {}): ChatState => ({
  ...createInitialState(),
  conversation: conversation(overrides),
  messages: mergeMessages(
    [],
    seqs.map((seq) => message(seq, seq % 2 ? customer : agent)),
  ),
})
const created = (seq: number): ChatEvent => ({
  type: 'message.created',
  conversationId: 'cnv_1',
  seq,
  at: at(seq),
  message: message(seq),
})
const typing = (seq: number): ChatEvent => ({
  type: 'typing.started',
  conversationId: 'cnv_1',
  seq,
  at: at(seq),
  author: 'agent',
  agent: null,
  preview: null,
})

describe('missedEvents', () => {
  it('accepts the next message and anything at or below the highest seq held', () => {
    const state = holding([1, 2])
    expect(missedEvents(state, created(3))).toBe(false)
    expect(missedEvents(state, created(2))).toBe(false)
    expect(missedEvents(state, typing(2))).toBe(false)
  })

  it('reports a message beyond the next seq, or another event beyond the highest, as missed', () => {
    const state = holding([1, 2])
    expect(missedEvents(state, created(4))).toBe(true)
    expect(missedEvents(state, typing(3))).toBe(true)
  })

  it('treats any event as missed while the conversation itself is unknown', () => {
    expect(missedEvents(createInitialState(), created(1))).toBe(true)
  })
})

describe('withConversation', () => {
  it('never steps back to an older copy of the conversation', () => {
    const state = holding([1, 2], { updatedAt: at(30), status: 'finished' })
    expect(withConversation(state, conversation({ updatedAt: at(20), status: 'active' }))).toEqual({})
  })

  it('keeps a read marker the server has not caught up with', () => {
    const state = holding([1, 2], { customerLastReadSeq: 2 })
    expect(
      withConversation(state, conversation({ updatedAt: at(40), customerLastReadSeq: 1 })).conversation
        ?.customerLastReadSeq,
    ).toBe(2)
  })

  it('never brings back the wait for identification once it ended (it only starts with the conversation)', () => {
    const state = holding([1, 2], { awaitingIdentification: false, updatedAt: at(30) })
    expect(
      withConversation(state, conversation({ awaitingIdentification: true, updatedAt: at(30) })).conversation
        ?.awaitingIdentification,
    ).toBe(false)
    const waiting = holding([1, 2], { awaitingIdentification: true })
    expect(
      withConversation(waiting, conversation({ awaitingIdentification: false, updatedAt: at(40) })).conversation
        ?.awaitingIdentification,
    ).toBe(false)
  })

  it('applies the advisor read marker to the customer messages it covers', () => {
    const state = holding([1, 2, 3])
    const next = withConversation(
      state,
      conversation({ updatedAt: at(40), agentLastReadSeq: 2, agentLastReadAt: at(41) }),
    )
    expect(next.messages?.map((each) => each.readAt)).toEqual([Date.parse(at(41)), null, null])
  })
})

describe('withEvent', () => {
  it('appends a message, moves lastSeq and clears advisor typing when the advisor writes', () => {
    const state = { ...holding([1, 2]), agentTyping: { agent: null, since: 0 } }
    const next = withEvent(state, created(3), 99)
    expect(next.messages?.map((each) => each.seq)).toEqual([1, 2, 3])
    expect(next.conversation?.lastSeq).toBe(3)
    expect(next.agentTyping).toBeNull()
  })

  it('replaces the conversation on identification_changed, even right after a message event published later than its commit', () => {
    const state = holding([1, 2], { awaitingIdentification: true, updatedAt: at(2) })
    // The message committed at 3 s; its event went out at 4 s; the conversation's updatedAt is the commit time.
    const afterMessage = { ...state, ...withEvent(state, { ...created(3), at: at(4) }, 0) }
    const changed = conversation({
      lastSeq: 3,
      updatedAt: at(3),
      awaitingIdentification: false,
      identification: 'identified',
      lastCodeOutcome: 'valid',
    })
    const next = withEvent(
      afterMessage,
      {
        type: 'conversation.identification_changed',
        conversationId: 'cnv_1',
        seq: 3,
        at: at(5),
        conversation: changed,
      },
      0,
    )
    expect(next.conversation).toMatchObject({
      awaitingIdentification: false,
      identification: 'identified',
      lastCodeOutcome: 'valid',
      lastSeq: 3,
    })
  })

  it('records when advisor typing was seen, and ignores the customer’s own typing events', () => {
    expect(withEvent(holding([1]), typing(1), 1234)).toEqual({ agentTyping: { agent: null, since: 1234 } })
    expect(
      withEvent(
        holding([1]),
        { type: 'typing.stopped', conversationId: 'cnv_1', seq: 1, at: at(1), author: 'customer' },
        1,
      ),
    ).toEqual({})
  })

  it('moves the customer read marker forward only', () => {
    const state = holding([1, 2], { customerLastReadSeq: 2 })
    const next = withEvent(
      state,
      {
        type: 'message.read',
        conversationId: 'cnv_1',
        seq: 2,
        at: at(5),
        reader: 'customer',
        upToSeq: 1,
        readAt: at(5),
      },
      0,
    )
    expect(next.conversation?.customerLastReadSeq).toBe(2)
  })
})
