import { randomUUID } from 'node:crypto'
import { attachmentNameHeader, isApiError, limits } from '@threadline/protocol'
import type { AdvisorRole } from '@threadline/protocol'
import { consoleRouteSchemas, teamRouteSchemas } from '@threadline/protocol/schemas'
import { createConsoleBrowser } from '@threadline/server/testing'
import { describe, expect, it, vi } from 'vitest'
import { createAdminClient } from './create-admin-client.js'
import { createAgentClient } from './create-agent-client.js'
import { createConsoleClient } from './create-console-client.js'
import type { StreamStatusChange } from './event-stream.js'
import { rejection, useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()
const consoleCookie = '__Host-tl_console'

/** A browser tab on the server's origin with the console client in it; `unauthorized` records every 401 it heard. */
function consoleTab() {
  const browser = createConsoleBrowser(server.current.url)
  const unauthorized: string[] = []
  const client = createConsoleClient({
    baseUrl: server.current.url,
    fetch: browser.fetch,
    onUnauthorized: (error) => unauthorized.push(error.code),
  })
  return { browser, client, unauthorized }
}

async function signIn(email: string): Promise<ReturnType<typeof consoleTab>> {
  const tab = consoleTab()
  await tab.client.startSignIn({ email })
  await tab.client.verifySignIn({ email, code: await server.current.consoleCode(email) })
  return tab
}

/** A new teammate added with the admin API, signed in to the console. */
async function teammate(role: AdvisorRole) {
  const email = `${role}-${randomUUID().slice(0, 8)}@api.example.test`
  const admin = createAdminClient({
    baseUrl: server.current.url,
    workspaceId: server.current.workspaceId,
    secret: server.current.secret,
  })
  const advisor = await admin.inviteAdvisor({ email, name: `An ${role}`, role })
  return { advisor, email, ...(await signIn(email)) }
}

describe('createConsoleClient', () => {
  describe('when an advisor signs in with the emailed code', () => {
    it('H1, H2: the code signs this browser in with an HttpOnly cookie; the session names the advisor, role and workspace', async () => {
      const { browser, client, unauthorized } = consoleTab()
      expect(await rejection(client.getSession())).toMatchObject({ code: 'unauthorized', status: 401 })
      expect(unauthorized).toEqual(['unauthorized'])

      await client.startSignIn({ email: server.current.ownerEmail })
      const code = await server.current.consoleCode(server.current.ownerEmail)
      const session = await client.verifySignIn({ email: ' Owner@API.example.test ', code })
      expect(consoleRouteSchemas.signInVerify.response.parse(session)).toEqual(session)
      expect(session).toMatchObject({
        advisor: { name: 'Olga', email: server.current.ownerEmail, role: 'owner' },
        workspace: { id: server.current.workspaceId, name: 'Api' },
      })
      expect(browser.cookie(consoleCookie)).toEqual(expect.any(String))
      expect(await client.getSession()).toEqual(session)
    })

    it('calls the agent API and the team with the cookie alone', async () => {
      const { client } = await teammate('advisor')
      const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
      const { conversationId } = await customer.send('Hello from the shop')
      const listed = await client.agent.listConversations({ status: 'unanswered' })
      expect(listed.map((row) => row.conversation.id)).toContain(conversationId)
      const advisors = await client.team.listAdvisors()
      expect(teamRouteSchemas.listTeam.response.parse({ advisors }).advisors).toEqual(advisors)
      expect(advisors.map((advisor) => advisor.email)).toContain(server.current.ownerEmail)
    })

    it('writes first to a customer as the signed-in advisor, on the cookie alone', async () => {
      const { advisor, client } = await teammate('advisor')
      const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
      const { conversationId } = await customer.send('Thanks, that is all')
      const customerId = (await client.agent.getConversation({ conversationId })).customer.id
      await client.agent.finish({ conversationId })
      const sent = await client.agent.sendProactiveMessage({ customerId, text: 'How did it go?' })
      expect(sent).toMatchObject({ customerId, conversation: { id: conversationId, status: 'active' } })
      expect(sent.message.author).toMatchObject({ kind: 'agent', id: advisor.id, name: 'An advisor' })
    })

    it('H3: sends every call that changes something as JSON, so routes without a body work on the cookie too', async () => {
      const { client } = await teammate('advisor')
      const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
      const { conversationId } = await customer.send('Please close this')
      // `finish` and `reopen` carry no body: sent bare, the server would refuse them as not JSON (403).
      expect((await client.agent.finish({ conversationId })).status).toBe('finished')
      expect((await client.agent.reopen({ conversationId })).status).toBe('unanswered')
      await client.team.setPresence({ status: 'away' })
      await client.signOut()
    })

    it('H2: lists the devices, ends another one, signs out, and signs out everywhere', async () => {
      const first = await teammate('advisor')
      const second = await signIn(first.email)
      const third = await signIn(first.email)
      const devices = await first.client.listSessions()
      expect(consoleRouteSchemas.listSessions.response.parse({ sessions: devices }).sessions).toEqual(devices)
      expect(devices).toHaveLength(3)
      expect(devices.filter((device) => device.current)).toHaveLength(1)

      const secondId = (await second.client.listSessions()).find((device) => device.current)?.id ?? ''
      await first.client.endSession({ sessionId: secondId })
      expect(await rejection(second.client.getSession())).toMatchObject({ code: 'unauthorized' })
      expect(second.unauthorized).toEqual(['unauthorized'])
      expect(await rejection(first.client.endSession({ sessionId: 'cs_unknown' }))).toMatchObject({
        code: 'not_found',
      })

      await third.client.signOut()
      expect(third.browser.cookie(consoleCookie)).toBeNull()
      expect(await rejection(third.client.agent.listConversations())).toMatchObject({ code: 'unauthorized' })

      const fourth = await signIn(first.email)
      await first.client.signOutEverywhere()
      expect(await rejection(first.client.getSession())).toMatchObject({ code: 'unauthorized' })
      expect(await rejection(fourth.client.getSession())).toMatchObject({ code: 'unauthorized' })
    })
  })

  describe('files, on the cookie session', () => {
    const pdfBytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
    const uploadPath = (conversationId: string) =>
      `${server.current.url}/v1/agent/conversations/${conversationId}/uploads`

    it('uploads with the cookie alone, reports the progress, sends the file in a reply and opens it by a short-lived link', async () => {
      const { client, browser } = await teammate('advisor')
      const headersSent: Array<Record<string, string>> = []
      const watched = createConsoleClient({
        baseUrl: server.current.url,
        fetch: (input, init) => {
          headersSent.push(Object.fromEntries(new Headers(init.headers)))
          return browser.fetch(input, init)
        },
      })
      const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
      const { conversationId } = await customer.send('The invoice, please')
      const progress: Array<{ loaded: number; total: number }> = []
      const attachment = await watched.attachments.uploadAttachment({
        conversationId,
        file: new File([pdfBytes], 'invoice 7.pdf', { type: 'application/pdf' }),
        onProgress: (update) => progress.push(update),
      })
      expect(attachment).toMatchObject({ name: 'invoice 7.pdf', contentType: 'application/pdf', scanState: 'clean' })
      expect(progress).toEqual([{ loaded: pdfBytes.byteLength, total: pdfBytes.byteLength }])
      // The cookie is the credential: no call carried a key.
      expect(headersSent.some((headers) => 'authorization' in headers)).toBe(false)

      const sent = await client.attachments.sendAttachments({ conversationId, attachmentIds: [attachment.id] })
      expect(sent.message.attachments.map((file) => file.id)).toEqual([attachment.id])
      const link = await client.attachments.attachmentLink({ attachmentId: attachment.id })
      expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(limits.attachmentLinkTtlSeconds * 1000)
      const download = await fetch(link.url)
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdfBytes)
    })

    it('H3: a cookie upload goes only from this origin and with its file-name header: a form’s upload is refused', async () => {
      const { browser } = await teammate('advisor')
      const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
      const { conversationId } = await customer.send('Hello')
      const form = new FormData()
      form.append('file', new Blob([pdfBytes], { type: 'application/pdf' }), 'invoice.pdf')
      const formUpload = await browser.fetch(uploadPath(conversationId), { method: 'POST', body: form })
      expect(formUpload.status).toBe(403)
      // Another site's page, with the advisor's cookie riding along as a browser would send it.
      const crossSite = await fetch(uploadPath(conversationId), {
        method: 'POST',
        headers: {
          cookie: `${consoleCookie}=${browser.cookie(consoleCookie)}`,
          origin: 'https://elsewhere.example',
          'sec-fetch-site': 'cross-site',
          'content-type': 'application/pdf',
          [attachmentNameHeader]: 'a.pdf',
        },
        body: pdfBytes,
      })
      expect(crossSite.status).toBe(403)
      const own = await browser.fetch(uploadPath(conversationId), {
        method: 'POST',
        headers: { 'content-type': 'application/pdf', [attachmentNameHeader]: 'a.pdf' },
        body: pdfBytes,
      })
      expect(own.status).toBe(200)
    })

    it('passes refusals on typed: checked before a request, and the server’s (a .png that is no PNG)', async () => {
      const { client } = await teammate('advisor')
      const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
      const { conversationId } = await customer.send('Hello')
      const tooBig = new File([new Uint8Array(limits.attachmentMaxBytes + 1)], 'huge.pdf')
      expect(await rejection(client.attachments.uploadAttachment({ conversationId, file: tooBig }))).toMatchObject({
        code: 'payload_too_large',
      })
      const fake = new File(['not a png'], 'photo.png', { type: 'image/png' })
      expect(await rejection(client.attachments.uploadAttachment({ conversationId, file: fake }))).toMatchObject({
        code: 'unsupported_media_type',
        status: 415,
      })
    })
  })

  describe('when the code is wrong, late or asked for too often', () => {
    it('H1: an email that is no advisor’s is answered the same, gets no mail, and any code for it is otp_invalid', async () => {
      const { client } = consoleTab()
      const stranger = `stranger-${randomUUID().slice(0, 8)}@api.example.test`
      await expect(client.startSignIn({ email: stranger })).resolves.toBeUndefined()
      expect(server.current.mailsTo(stranger)).toEqual([])
      expect(await rejection(client.verifySignIn({ email: stranger, code: '123456' }))).toMatchObject({
        name: 'ApiError',
        code: 'otp_invalid',
        status: 422,
      })
    })

    it('H1: a wrong code is otp_invalid, the fifth wrong one uses the code up, and then the right one fails too', async () => {
      const { email } = await teammate('advisor')
      const { client } = consoleTab()
      // teammate() signed in once; that success ended the cooldown, so a new code may be asked at once.
      await client.startSignIn({ email })
      const code = await server.current.consoleCode(email)
      const wrong = code === '000000' ? '111111' : '000000'
      for (let attempt = 1; attempt <= 4; attempt++) {
        expect((await rejection(client.verifySignIn({ email, code: wrong }))).code).toBe('otp_invalid')
      }
      expect((await rejection(client.verifySignIn({ email, code: wrong }))).code).toBe('otp_attempts_exceeded')
      expect((await rejection(client.verifySignIn({ email, code }))).code).toBe('otp_attempts_exceeded')
    })

    it('H1: asking again within a minute is rate_limited, with the seconds to wait', async () => {
      const { email } = await teammate('advisor')
      const { client } = consoleTab()
      await client.startSignIn({ email })
      const refused = await rejection(client.startSignIn({ email }))
      expect(refused).toMatchObject({ code: 'rate_limited', status: 429 })
      expect(isApiError(refused) && refused.retryAfterSeconds).toBeGreaterThan(0)
    })

    it('H1: a code is otp_expired after ten minutes', async () => {
      const { email } = await teammate('advisor')
      const { client } = consoleTab()
      await client.startSignIn({ email })
      const code = await server.current.consoleCode(email)
      server.current.advanceClock(10 * 60_000 + 1_000)
      expect(await rejection(client.verifySignIn({ email, code }))).toMatchObject({ code: 'otp_expired' })
    })
  })

  describe('the team and its keys', () => {
    it('H4: an owner invites, changes a role and removes; an advisor is refused each with 403 forbidden', async () => {
      const owner = await signIn(server.current.ownerEmail)
      const { client: advisor } = await teammate('advisor')
      const email = `invited-${randomUUID().slice(0, 8)}@api.example.test`

      const refusals = await Promise.all([
        rejection(advisor.team.invite({ email, name: 'Ines', role: 'advisor' })),
        rejection(advisor.team.listKeys()),
        rejection(advisor.team.createKey({ name: 'CRM', scope: 'agent' })),
      ])
      expect(refusals.map((error) => [error.code, isApiError(error) && error.status])).toEqual([
        ['forbidden', 403],
        ['forbidden', 403],
        ['forbidden', 403],
      ])

      const invited = await owner.client.team.invite({ email, name: 'Ines', role: 'advisor' })
      expect(teamRouteSchemas.invite.response.parse({ advisor: invited }).advisor).toEqual(invited)
      expect(invited).toMatchObject({ email, name: 'Ines', role: 'advisor', presence: 'offline' })
      expect(await rejection(advisor.team.changeRole({ advisorId: invited.id, role: 'admin' }))).toMatchObject({
        code: 'forbidden',
      })
      expect((await owner.client.team.changeRole({ advisorId: invited.id, role: 'admin' })).role).toBe('admin')
      expect(await rejection(advisor.team.remove({ advisorId: invited.id }))).toMatchObject({ code: 'forbidden' })
      await owner.client.team.remove({ advisorId: invited.id })
      expect((await owner.client.team.listAdvisors()).map((member) => member.id)).not.toContain(invited.id)
    })

    it('H5: a key created in the console is shown once, works, shows its last use, and fails once revoked', async () => {
      const { client } = await teammate('admin')
      const created = await client.team.createKey({ name: 'Help desk sync', scope: 'agent' })
      expect(teamRouteSchemas.createKey.response.parse(created)).toEqual(created)
      expect(created.secret.startsWith(created.key.prefix)).toBe(true)

      const integration = createAgentClient({ baseUrl: server.current.url, agentKey: created.secret })
      await integration.listConversations()
      const listed = (await client.team.listKeys()).find((key) => key.id === created.key.id)
      expect(listed).toMatchObject({ name: 'Help desk sync', scope: 'agent', revokedAt: null })
      expect(listed?.lastUsedAt).toEqual(expect.any(String))
      expect(JSON.stringify(await client.team.listKeys())).not.toContain(created.secret)

      const revoked = await client.team.revokeKey({ keyId: created.key.id })
      expect(revoked.revokedAt).toEqual(expect.any(String))
      expect(await rejection(integration.listConversations())).toMatchObject({ code: 'unauthorized', status: 401 })
    })

    it('H6: once removed, the advisor’s calls fail with unauthorized, the client hears each 401, and the event stream is refused', async () => {
      const owner = await signIn(server.current.ownerEmail)
      const removed = await teammate('advisor')
      const statuses: StreamStatusChange[] = []
      const close = removed.client.agent.subscribe({
        onEvent: () => undefined,
        onStatus: (change) => statuses.push(change),
      })
      try {
        await vi.waitFor(() => expect(statuses.map((change) => change.status)).toContain('live'), { timeout: 10_000 })
        await owner.client.team.remove({ advisorId: removed.advisor.id })

        const failure = await rejection(removed.client.agent.listConversations())
        expect(failure).toMatchObject({ name: 'ApiError', code: 'unauthorized', status: 401 })
        expect(await rejection(removed.client.team.listAdvisors())).toMatchObject({ code: 'unauthorized' })
        await vi.waitFor(() => expect(statuses.at(-1)).toMatchObject({ status: 'refused', error: { status: 401 } }), {
          timeout: 15_000,
        })
        expect(removed.unauthorized.length).toBeGreaterThanOrEqual(3)
        expect(new Set(removed.unauthorized)).toEqual(new Set(['unauthorized']))
      } finally {
        close()
      }
    })
  })
})
