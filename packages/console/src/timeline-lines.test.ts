import type { TimelineEvent } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { describeTimelineEvent } from './timeline-lines.js'

let position = 0
function event(kind: string, actor: TimelineEvent['actor'], payload: Record<string, unknown> = {}): TimelineEvent {
  position += 1
  return {
    id: `evt_${position}`,
    conversationId: 'cnv_1',
    position,
    cursor: position,
    kind,
    actor,
    payload,
    at: '2026-01-01T10:00:00.000Z',
  }
}
const grace = { kind: 'advisor', id: 'agt_grace', name: 'Grace' } as const
const ana = { kind: 'advisor', id: 'agt_ana', name: 'Ana' } as const
const customer = { kind: 'customer', id: 'cus_1', name: 'Sam' } as const
const text = (timelineEvent: TimelineEvent) => describeTimelineEvent(timelineEvent, { myId: 'agt_ana' })?.text

describe('describeTimelineEvent', () => {
  it('words takes, overtakes, finishes, reopens, labels, stars and identification', () => {
    expect(text(event('take', grace))).toBe('Grace took this conversation')
    expect(text(event('overtake', ana, { fromAgentId: 'agt_grace', fromName: 'Grace' }))).toBe(
      'Ana took it over from Grace',
    )
    expect(text(event('finish', grace))).toBe('Finished by Grace')
    expect(text(event('reopen', customer, { status: 'unanswered' }))).toBe('Reopened by the customer')
    expect(text(event('reopen', grace, { status: 'active' }))).toBe('Reopened by Grace')
    expect(text(event('label_added', grace, { label: 'billing' }))).toBe('Grace added the label “billing”')
    expect(text(event('label_removed', grace, { label: 'billing' }))).toBe('Grace removed the label “billing”')
    expect(text(event('starred', grace))).toBe('Grace starred this conversation')
    expect(text(event('unstarred', grace))).toBe('Grace removed the star')
    expect(text(event('identification', customer, { outcome: 'valid', identified: true }))).toBe(
      'The customer was identified: linked to their account',
    )
    expect(text(event('identification', customer, { outcome: 'invalid', identified: false }))).toBe(
      'The customer pasted a wrong or expired identification code',
    )
  })

  it('N3: words a transcript by the masked address the server recorded, or its failure', () => {
    const system = { kind: 'system', id: null, name: null } as const
    expect(text(event('transcript', system, { status: 'sent', recipient: 'customer', to: 's***@shop.example' }))).toBe(
      'Transcript sent to s***@shop.example',
    )
    expect(text(event('transcript', system, { status: 'failed', recipient: 'customer' }))).toBe(
      'The transcript could not be sent',
    )
  })

  it('shows nothing for messages and for kinds a newer server may add', () => {
    expect(describeTimelineEvent(event('message', customer, { seq: 1 }), { myId: 'agt_ana' })).toBeNull()
    expect(describeTimelineEvent(event('a_newer_kind', grace), { myId: 'agt_ana' })).toBeNull()
  })

  it('says why a bot let go, and when the intake questions start and end', () => {
    const line = (kind: string, payload: Record<string, unknown>) =>
      describeTimelineEvent(event(kind, grace, payload), { myId: 'agt_ana' })?.text
    expect(line('handoff', { reason: 'bot', fromName: 'Stylist bot', summary: 'Likes blue' })).toBe(
      'Stylist bot handed over to the advisors: “Likes blue”',
    )
    expect(line('handoff', { reason: 'reply_deadline', fromName: 'Stylist bot' })).toBe(
      'Stylist bot did not answer in time: handed over to the advisors',
    )
    expect(line('handoff', { reason: 'customer', fromName: 'Stylist bot' })).toBe(
      'The customer asked for a person: Stylist bot handed over',
    )
    expect(line('handoff', { reason: 'intake' })).toBe('The intake questions are answered: handed over')
    expect(line('bot_control', { intake: true })).toBe('The intake questions started')
  })

  it("marks others' takes, overtakes, finishes and reopens as worth announcing, never one's own or a label", () => {
    const important = (timelineEvent: TimelineEvent) =>
      describeTimelineEvent(timelineEvent, { myId: 'agt_ana' })?.important
    expect(important(event('overtake', grace, { fromName: 'Ana' }))).toBe(true)
    expect(important(event('reopen', customer))).toBe(true)
    expect(important(event('take', ana))).toBe(false)
    expect(important(event('label_added', grace, { label: 'vip' }))).toBe(false)
  })
})
