import type { ParsedMail } from 'mailparser'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { startRecordsServer } from '../testing/records-server.test-helpers.js'
import type { RecordsServer } from '../testing/records-server.test-helpers.js'
import { startSmtpListener } from '../testing/smtp-listener.test-helpers.js'
import type { SmtpListener } from '../testing/smtp-listener.test-helpers.js'
import { createManualClock } from '../testing/test-server.test-helpers.js'
import type { ManualClock } from '../testing/test-server.test-helpers.js'
import { deliverTranscripts } from './transcript-delivery.js'
import { composeTranscriptEmail } from './transcript-email.js'

const noteCanary = 'CANARY-note-7f3a'
const pinCanary = 'CANARY-pin-7f3a'

describeEachDatabase('transcripts', (freshDatabase) => {
  let smtp: SmtpListener
  let clock: ManualClock
  let records: RecordsServer

  beforeEach(async () => {
    smtp = await startSmtpListener()
    // 09:00 UTC is 04:00 in New York and 10:00 in Paris in December.
    clock = createManualClock(Date.UTC(2026, 11, 2, 9, 0))
    records = await startRecordsServer({ database: await freshDatabase(), smtpUrl: smtp.url, now: clock.now })
  }, 60_000)
  afterEach(async () => {
    await records.close()
    await smtp.close()
  })

  const finish = (conversationId: string, transcript?: unknown, key?: string) =>
    records.agent(
      'POST',
      `/v1/agent/conversations/${conversationId}/finish`,
      transcript === undefined ? undefined : { transcript },
      key,
    )
  const deliver = () => deliverTranscripts(records.server.context)
  const mailTo = (address: string) => (mail: ParsedMail) =>
    mail.to !== undefined && JSON.stringify(mail.to).includes(address)
  const partsOf = (mail: ParsedMail) => [mail.text ?? '', typeof mail.html === 'string' ? mail.html : '']
  async function transcriptEvents(conversationId: string) {
    const page = await records.agent('GET', `/v1/agent/conversations/${conversationId}/timeline`)
    return (
      page.body['events'] as { kind: string; payload: Record<string, unknown>; actor: { name: string } }[]
    ).filter((event) => event.kind === 'transcript')
  }

  it('N3: mails the finished session to the verified customer with display names, times in their zone and attachment names, and never a note or an advisor email', async () => {
    const { customerId, token } = await records.customer({ email: 'jane@acme.com', name: 'Jane' })
    await records.server.context.database.db
      .updateTable('customers')
      .set({ time_zone: 'America/New_York' })
      .where('id', '=', customerId)
      .execute()
    await records.visitor('POST', '/v1/page-views', token, {
      url: 'https://shop.example/orders',
      title: 'Orders',
      referrer: '',
    })
    const receipt = await records.upload(token, 'receipt.txt', new TextEncoder().encode('order 42'), 'text/plain')
    const conversationId = await records.say(token, 'Where is my order?', [receipt])
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: 'It ships today.' })
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: noteCanary })
    await records.agent('POST', `/v1/agent/customers/${customerId}/pinned-notes`, { text: pinCanary })

    const finished = await finish(conversationId, { to: 'customer' })
    expect(finished.status).toBe(200)
    expect(finished.body['transcript']).toEqual({ status: 'queued' })
    await deliver()
    const mail = await smtp.waitFor(mailTo('jane@acme.com'))

    expect(mail.subject).toBe('Your conversation with Shop')
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated')
    for (const part of partsOf(mail)) {
      expect(part).toContain('Jane')
      expect(part).toContain('Grace')
      expect(part).toContain('Where is my order?')
      expect(part).toContain('It ships today.')
      expect(part).toContain('receipt.txt')
      expect(part).toContain('https://shop.example/orders')
      expect(part).toContain('America/New York')
      expect(part).toContain('04:00')
      expect(part).not.toContain('CANARY')
      expect(part).not.toContain(records.ownerEmail)
      expect(part).not.toContain('@team.example')
    }
    expect(await transcriptEvents(conversationId)).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ name: 'Grace' }),
        payload: { status: 'sent', recipient: 'customer', trigger: 'finish', to: 'j***@acme.com' },
      }),
    ])
  })

  it('N3: markup in a message or a name arrives escaped in the HTML part', async () => {
    const { token } = await records.customer({ email: 'mallory@acme.com', name: '<b>Mallory</b>' })
    const conversationId = await records.say(token, '<img src=x onerror=alert(1)>')
    await finish(conversationId, { to: 'customer' })
    await deliver()
    const mail = await smtp.waitFor(mailTo('mallory@acme.com'))
    const html = typeof mail.html === 'string' ? mail.html : ''
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&lt;b&gt;Mallory&lt;/b&gt;')
    expect(html).not.toMatch(/<img|<b>/)
    expect(mail.text).toContain('<img src=x onerror=alert(1)>')
  })

  it('N3: one mail per session and recipient: finishing again sends nothing, and after a reopen only the new session goes', async () => {
    const { token } = await records.customer({ email: 'sam@acme.com' })
    const conversationId = await records.say(token, 'First question')
    await finish(conversationId, { to: 'customer' })
    await deliver()
    await smtp.waitFor((mail) => mailTo('sam@acme.com')(mail) && (mail.text ?? '').includes('First question'))

    expect((await finish(conversationId, { to: 'customer' })).body['transcript']).toEqual({ status: 'already_sent' })
    await records.say(token, 'Second question')
    expect((await finish(conversationId, { to: 'customer' })).body['transcript']).toEqual({ status: 'queued' })
    await deliver()
    const second = await smtp.waitFor((mail) => mailTo('sam@acme.com')(mail) && (mail.text ?? '').includes('Second'))
    expect(second.text).not.toContain('First question')
    expect(smtp.received.filter(mailTo('sam@acme.com'))).toHaveLength(2)
  })

  it('N3: another address needs an owner or admin (through an admin-scope key), is refused before anything changes, and is recorded', async () => {
    const { token } = await records.customer({ email: 'kim@acme.com' })
    const conversationId = await records.say(token, 'Please forward this')
    const sam = await records.advisor('Sam')
    const other = { to: 'other', email: 'Boss@Elsewhere.example' }

    expect((await finish(conversationId, other, sam.agentKey)).status).toBe(403)
    expect((await finish(conversationId, other, sam.adminScopeKey)).status).toBe(403)
    expect((await finish(conversationId, other, await records.ownerKey('agent'))).status).toBe(403)
    const untouched = await records.agent('GET', `/v1/agent/conversations/${conversationId}`)
    expect((untouched.body['conversation'] as { status: string }).status).not.toBe('finished')

    const byAdmin = await finish(conversationId, other, await records.ownerKey('admin'))
    expect(byAdmin.body['transcript']).toEqual({ status: 'queued' })
    await deliver()
    await smtp.waitFor(mailTo('boss@elsewhere.example'))
    expect(await transcriptEvents(conversationId)).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ recipient: 'other', to: 'b***@elsewhere.example' }),
      }),
    ])
    const recorded = await records.server.context.database.db
      .selectFrom('transcript_sends')
      .select(['email', 'actor_name'])
      .where('conversation_id', '=', conversationId)
      .execute()
    expect(recorded).toEqual([{ email: 'boss@elsewhere.example', actor_name: 'Grace' }])
  })

  it('N3: an advisor may mail the session to their own address; a customer without a verified email gets none', async () => {
    const { customerId, token } = await records.customer({ email: 'lee@acme.com' })
    const conversationId = await records.say(token, 'Hello')
    expect((await finish(conversationId, { to: 'advisor' })).body['transcript']).toEqual({ status: 'queued' })
    await deliver()
    const mail = await smtp.waitFor(mailTo(records.ownerEmail))
    expect(mail.subject).toBe('Transcript: lee@acme.com (Shop)')

    await records.say(token, 'Again')
    await records.server.context.database.db
      .updateTable('customers')
      .set({ email_verified: 0 })
      .where('id', '=', customerId)
      .execute()
    const refused = await finish(conversationId, { to: 'customer' })
    expect(refused.status).toBe(403)
    expect(refused.body.error?.code).toBe('forbidden')
  })

  it('N3: an SMTP failure is recorded as failed, never as sent, and asking again sends it', async () => {
    const { token } = await records.customer({ email: 'ola@acme.com' })
    const conversationId = await records.say(token, 'Hi')
    smtp.failing = true
    await finish(conversationId, { to: 'customer' })
    // The finish starts a delivery run itself; this one starts after it, so both are done when it resolves.
    await deliver()
    expect((await transcriptEvents(conversationId)).map((event) => event.payload)).toEqual([
      { status: 'failed', recipient: 'customer', trigger: 'finish' },
    ])
    expect(smtp.received).toEqual([])

    smtp.failing = false
    expect((await finish(conversationId, { to: 'customer' })).body['transcript']).toEqual({ status: 'queued' })
    await deliver()
    await smtp.waitFor(mailTo('ola@acme.com'))
    expect((await transcriptEvents(conversationId)).map((event) => event.payload['status'])).toEqual(['failed', 'sent'])
  })

  it('N3: "Email me this conversation" mails the whole conversation in the zone the widget sent, at most once a minute and three times an hour', async () => {
    const { token } = await records.customer({ email: 'ines@acme.com', name: 'Inès' })
    const conversationId = await records.say(token, 'Bonjour')
    await finish(conversationId)
    await records.say(token, 'Encore moi')

    const asked = await records.visitor('POST', '/v1/conversation/transcript', token, { timeZone: 'Europe/Paris' })
    expect(asked.body).toEqual({ status: 'queued' })
    await deliver()
    const mail = await smtp.waitFor(mailTo('ines@acme.com'))
    expect(mail.text).toContain('Bonjour')
    expect(mail.text).toContain('Encore moi')
    expect(mail.text).toContain('Europe/Paris')
    expect(mail.text).toContain('10:00')

    const tooSoon = await records.visitor('POST', '/v1/conversation/transcript', token, {})
    expect(tooSoon.status).toBe(429)
    expect(tooSoon.headers.get('retry-after')).toBe('60')
    clock.advance(61_000)
    expect((await records.visitor('POST', '/v1/conversation/transcript', token, {})).body).toEqual({ status: 'queued' })
    clock.advance(61_000)
    expect((await records.visitor('POST', '/v1/conversation/transcript', token, {})).body).toEqual({ status: 'queued' })
    clock.advance(61_000)
    expect((await records.visitor('POST', '/v1/conversation/transcript', token, {})).status).toBe(429)
  })

  it('N1: mails the intake answers in the customer’s language and other handoff fields by name, escaped, and never a note', async () => {
    const adminKey = await records.ownerKey('admin')
    const intake = (steps: unknown[]) => records.agent('PUT', '/v1/agent/intake', { steps }, adminKey)
    const looking = {
      id: 'looking_for',
      kind: 'choice',
      prompt: { en: 'What are you looking for?', es: '¿Qué buscas?' },
      options: [{ en: 'Ring', es: 'Anillo' }, { en: 'Necklace', es: 'Collar' }, { en: 'Repair' }],
    }
    const detail = { id: 'detail', kind: 'text', prompt: { en: 'Anything <b>else</b>?', es: '¿Algo <b>más</b>?' } }
    const news = { id: 'news', kind: 'consent', prompt: { en: 'May we write?', es: '¿Podemos escribirte?' } }
    expect((await intake([looking, detail, news])).status).toBe(200)
    const { customerId, token } = await records.customer({ email: 'rosa@acme.com', name: 'Rosa' })
    await records.server.context.database.db
      .updateTable('customers')
      .set({ language: 'es-ES' })
      .where('id', '=', customerId)
      .execute()
    const conversationId = await records.say(token, 'Hola')
    await records.say(token, 'Necklace')
    await records.say(token, '<img src=x onerror=alert(1)>')
    await records.say(token, 'Yes')
    // The last step is gone by the time the mail is made: its answer stays, by the field's name.
    expect((await intake([looking, detail])).status).toBe(200)
    await records.agent('POST', `/v1/agent/conversations/${conversationId}/notes`, { text: noteCanary })
    expect(
      (await records.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: 'Congratulations!' }))
        .status,
    ).toBe(200)

    expect((await finish(conversationId, { to: 'customer' })).status).toBe(200)
    await deliver()
    const mail = await smtp.waitFor(mailTo('rosa@acme.com'))
    const [text, html] = partsOf(mail)
    expect(text).toContain(
      'Tus respuestas\n¿Qué buscas?: Collar\n¿Algo <b>más</b>?: <img src=x onerror=alert(1)>\nnews: yes',
    )
    expect(html).toContain('Tus respuestas')
    expect(html).toContain('<dd dir="auto" style="margin:0 0 8px">Collar</dd>')
    expect(html).toContain('¿Algo &lt;b&gt;más&lt;/b&gt;?')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>')
    for (const part of [text, html]) expect(part).not.toContain(noteCanary)
  })
})

describe('composeTranscriptEmail', () => {
  it('heads the answers in each of the chat’s languages in the customer’s copy, and in English in the team’s', () => {
    const headings = {
      en: 'Your answers',
      es: 'Tus respuestas',
      fr: 'Vos réponses',
      de: 'Ihre Antworten',
      ar: 'إجاباتك',
    }
    const mail = (language: keyof typeof headings, audience: 'customer' | 'team') =>
      composeTranscriptEmail({
        to: 'ann@acme.com',
        from: 'chat@shop.example',
        replyTo: null,
        workspaceName: 'Shop',
        audience,
        customerLabel: 'Ann',
        lines: [],
        intakeAnswers: [{ question: 'Q', answer: 'A' }],
        language,
        timeZone: null,
        chatLink: null,
      })
    for (const [language, heading] of Object.entries(headings) as [keyof typeof headings, string][]) {
      expect(mail(language, 'customer').text).toContain(`${heading}\nQ: A`)
      expect(mail(language, 'team').text).toContain('The customer’s answers\nQ: A')
    }
  })
})
