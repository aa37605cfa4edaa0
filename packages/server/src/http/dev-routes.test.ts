import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshEmail, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

describe('GET /dev/mailbox', () => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer()
  })
  afterAll(async () => {
    await test.close()
  })

  describe('when asked for JSON', () => {
    it('lists { id, to, subject, text, html, sentAt }, newest first', async () => {
      const [first, second] = [freshEmail(), freshEmail()]
      await test.startEmail(first)
      await test.startEmail(second)
      const answer = await fetch(`${test.url}/dev/mailbox`, { headers: { accept: 'application/json' } })
      const { messages } = (await answer.json()) as { messages: Record<string, string>[] }
      expect(messages.slice(0, 2).map((mail) => mail['to'])).toEqual([second, first])
      expect(Object.keys(messages[0] ?? {}).sort()).toEqual(['html', 'id', 'sentAt', 'subject', 'text', 'to'])
      expect(messages[0]?.['text']).toContain(test.readCode(second))
    })
  })

  describe('when a person opens it', () => {
    it('renders a page with every string escaped', async () => {
      const hostile = await test.server.createWorkspace({ name: '<img src=x onerror=alert(1)>', origins: [] })
      const started = await test.call('POST', '/v1/auth/email/start', {
        body: { email: freshEmail() },
        headers: { 'x-threadline-workspace': hostile.workspaceId },
      })
      expect(started.status).toBe(200)
      expect(test.outbox.messages()[0]?.subject).toContain('<img')
      const page = await fetch(`${test.url}/dev/mailbox`)
      expect(page.headers.get('content-type')).toContain('text/html')
      const html = await page.text()
      expect(html).toContain('Dev mailbox')
      expect(html).not.toContain('<img')
      expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;')
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    })
  })
})
