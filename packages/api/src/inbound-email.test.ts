import { isApiError } from '@threadline/protocol'
import type { InboundEmailResult } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { createAdminClient } from './create-admin-client.js'
import { createInboundEmailClient } from './inbound-email.js'
import { useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()

const mail = (from: string, token: string) =>
  [
    `From: ${from}`,
    `To: reply+${token}@reply.shop.test`,
    'Subject: Re: New reply from Shop',
    `Message-ID: <${crypto.randomUUID()}@customer.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Is it still in stock?',
    '',
    'On Mon, Shop wrote:',
    '> Yes.',
    '',
  ].join('\r\n')

describe('createInboundEmailClient', () => {
  describe('when a mail names no conversation of the workspace', () => {
    it('M1: it is held; an advisor reads it with its original and discards it, and an agent key may not make the secret', async () => {
      const { url, workspaceId, secret, agentKey } = server.current
      const advisor = createInboundEmailClient({ baseUrl: url, agentKey })
      const refused = await advisor.rotateInboundSecret().catch((error: unknown) => error)
      expect(isApiError(refused) && refused.code).toBe('forbidden')

      const adminKey = (
        await createAdminClient({ baseUrl: url, workspaceId, secret }).createKey({ name: 'Setup', scope: 'admin' })
      ).secret
      const admin = createInboundEmailClient({ baseUrl: url, agentKey: adminKey })
      const { secret: inboundSecret, settings } = await admin.rotateInboundSecret()
      expect(inboundSecret).toMatch(/^tl_inbound_/)
      expect(await advisor.inboundEmailSettings()).toEqual(settings)

      const posted = await fetch(`${url}/v1/inbound/email`, {
        method: 'POST',
        headers: { authorization: `Bearer ${inboundSecret}`, 'content-type': 'message/rfc822' },
        body: mail('ana@customer.test', 'a'.repeat(32)),
      })
      const result = (await posted.json()) as InboundEmailResult
      expect(result).toMatchObject({ outcome: 'held', reason: 'token_unknown' })

      const held = await advisor.listInboundEmails()
      expect(held.map((email) => email.id)).toContain(result.inboundEmailId)
      const { email, original } = await advisor.inboundEmail({ inboundEmailId: result.inboundEmailId ?? '' })
      expect(email).toMatchObject({ status: 'held', from: 'ana@customer.test', text: 'Is it still in stock?' })
      expect(original).toContain('> Yes.')

      const accepting = await admin.acceptInboundEmail({ inboundEmailId: email.id }).catch((error: unknown) => error)
      expect(isApiError(accepting) && accepting.code).toBe('validation_failed')
      expect(await advisor.discardInboundEmail({ inboundEmailId: email.id })).toMatchObject({ status: 'discarded' })
      expect((await advisor.listInboundEmails()).map((one) => one.id)).not.toContain(email.id)
      expect((await advisor.listInboundEmails({ status: 'discarded' })).map((one) => one.id)).toContain(email.id)
    })
  })
})
