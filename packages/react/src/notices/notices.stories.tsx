import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, within } from 'storybook/test'
import { ChatPanel } from '../components/chat-panel.js'
import type { ChatScenario, MemoryChat } from '@threadline/core/testing'

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: true, seed: 6, ...chat } })

/** The customer writes; `waitFor` says which outcome to wait for. */
async function customerWrites(chat: MemoryChat, text: string, outcome: 'sent' | 'failed'): Promise<void> {
  const sent = await chat.client.sendMessage({ text })
  if (!sent.ok) throw sent.error
  await chat.waitUntil((state) =>
    state.messages.some((message) => message.clientId === sent.value.clientId && message.delivery === outcome),
  )
}

const expectNotice = async (canvasElement: HTMLElement, text: string | RegExp) => {
  const notices = await within(canvasElement).findAllByRole('status')
  await expect(
    notices.some((notice) =>
      typeof text === 'string' ? notice.textContent === text : text.test(notice.textContent ?? ''),
    ),
  ).toBe(true)
}

/** The notices shown in their place: a whole inline panel, between the messages and the composer. */
const meta = {
  title: 'Notices',
  component: ChatPanel,
  args: { team: { name: 'Acme', replyTime: 'hours' } },
  render: (args) => (
    <div style={{ display: 'flex', flexDirection: 'column', height: 600, maxWidth: 400, marginInline: 'auto' }}>
      <ChatPanel {...args} style={{ flex: 1, minHeight: 0 }} />
    </div>
  ),
} satisfies Meta<typeof ChatPanel>

export default meta
type Story = StoryObj<typeof meta>

/** The customer's message waits for an answer: they may close the tab, the reply comes by email. */
export const EmailWhenWeReply: Story = {
  parameters: scenario({ setup: (chat) => customerWrites(chat, 'Can someone call me back?', 'sent') }),
  play: async ({ canvasElement }) => expectNotice(canvasElement, /when we reply/),
}

export const Finished: Story = {
  parameters: scenario({ setup: (chat) => void chat.backend.agent.finish(chat.conversationId()) }),
  play: async ({ canvasElement }) =>
    expectNotice(canvasElement, 'This conversation was marked as finished. Send a message to reopen it.'),
}

export const Blocked: Story = {
  parameters: scenario({
    setup: async (chat) => {
      chat.backend.block({ email: chat.email })
      await customerWrites(chat, 'Hello?', 'failed')
    },
  }),
  play: async ({ canvasElement }) => expectNotice(canvasElement, 'Chat is unavailable right now.'),
}

export const ChatSwitchedOff: Story = {
  parameters: scenario({
    setup: async (chat) => {
      chat.backend.setChatEnabled(false)
      await customerWrites(chat, 'Is anyone there?', 'failed')
    },
  }),
  play: async ({ canvasElement }) => expectNotice(canvasElement, /^Chat is turned off right now/),
}

/** The browser says it is offline: messages queue and go out when it is back. */
export const Offline: Story = {
  parameters: scenario({ setup: (chat) => chat.adapter.setOnline(false) }),
  beforeEach: () => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false })
    window.dispatchEvent(new Event('offline'))
    return () => {
      // The instance property shadowed the prototype's getter; removing it restores the real value.
      Reflect.deleteProperty(navigator, 'onLine')
      window.dispatchEvent(new Event('online'))
    }
  },
  play: async ({ canvasElement }) =>
    expectNotice(canvasElement, 'You’re offline. Your messages will be sent when you’re back online.'),
}

/** The live connection dropped (the browser is online): shown after 1.5 s, so a blip does not flash. */
export const Reconnecting: Story = {
  parameters: scenario({
    setup: async (chat) => {
      await chat.waitUntil((state) => state.connectionStatus === 'online')
      chat.adapter.setOnline(false)
    },
  }),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Reconnecting…', undefined, { timeout: 5_000 })).toBeVisible()
  },
}
