// @vitest-environment node
import { createChatClient, createMemoryStorage, createSingleTabCoordinator } from '@threadline/core'
import { createMemoryAdapter, createMemoryBackend } from '@threadline/core/memory'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ChatPanel, ChatWidget, ThreadlineProvider } from './index.js'

const browserGlobals = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'location',
  'visualViewport',
]

describe('server rendering', () => {
  it('runs where no browser global exists', () => {
    // Any read of one of these during render would throw a ReferenceError and fail the tests below.
    for (const name of browserGlobals) expect(name in globalThis, name).toBe(false)
  })

  describe('when the customer is anonymous', () => {
    it('renders the launcher and the email gate with react-dom/server', async () => {
      const client = createChatClient({
        adapter: createMemoryAdapter(),
        storage: createMemoryStorage(),
        tabs: createSingleTabCoordinator(),
      })
      await client.ready
      const html = renderToString(
        <ThreadlineProvider client={client} locale="ar" timeZone="UTC">
          <ChatWidget defaultOpen />
        </ThreadlineProvider>,
      )
      expect(html).toContain('dir="rtl"')
      expect(html).toContain('type="email"')
      expect(html).toContain('aria-expanded="true"')
      client.destroy()
    })
  })

  describe('when the customer has a conversation', () => {
    it('renders the messages, notices and composer', async () => {
      const backend = createMemoryBackend()
      const client = createChatClient({
        adapter: createMemoryAdapter({ backend }),
        storage: createMemoryStorage(),
        tabs: createSingleTabCoordinator(),
      })
      await client.startEmailVerification('ssr@example.com')
      await client.verifyEmail(backend.mailbox.latestCode('ssr@example.com') ?? '')
      await client.sendMessage({ text: 'Rendered <b>on</b> the server https://example.com' })
      const html = renderToString(
        <ThreadlineProvider client={client} timeZone="UTC">
          <ChatPanel team={{ name: 'Acme' }} />
        </ThreadlineProvider>,
      )
      expect(html).toContain('Rendered &lt;b&gt;on&lt;/b&gt; the server')
      expect(html).toContain('href="https://example.com/"')
      expect(html).toContain('tl-composer')
      expect(html).toContain('aria-label="Chat with Acme"')
      client.destroy()
    })
  })
})
