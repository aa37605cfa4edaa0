import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, within } from 'storybook/test'
import type { ChatScenario, MemoryChat } from '@threadline/core/testing'
import { MessageList } from './message-list.js'

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: true, ...chat } })

/** Sends as the customer and waits for the server's acknowledgement. */
async function sendAndWait(chat: MemoryChat, text: string): Promise<void> {
  const sent = await chat.client.sendMessage({ text })
  if (!sent.ok) throw sent.error
  await chat.waitUntil((state) =>
    state.messages.some((message) => message.clientId === sent.value.clientId && message.delivery === 'sent'),
  )
}

/** A small PNG drawn on the spot, so the image preview has real bytes and no network. */
async function sampleImage(): Promise<File> {
  const canvas = document.createElement('canvas')
  canvas.width = 480
  canvas.height = 300
  const context = canvas.getContext('2d')
  if (context) {
    const gradient = context.createLinearGradient(0, 0, 480, 300)
    gradient.addColorStop(0, '#4f46e5')
    gradient.addColorStop(1, '#22c55e')
    context.fillStyle = gradient
    context.fillRect(0, 0, 480, 300)
    context.fillStyle = '#ffffff'
    context.font = 'bold 36px system-ui'
    context.fillText('receipt.png', 140, 160)
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  return new File([blob ?? new Blob()], 'receipt.png', { type: 'image/png' })
}

const meta = {
  title: 'Parts/MessageList',
  component: MessageList,
  render: (args) => (
    <div
      style={{
        display: 'flex',
        flexDirection: 'column',
        height: 560,
        maxWidth: 400,
        marginInline: 'auto',
        border: '1px solid var(--tl-border)',
        borderRadius: 14,
      }}
    >
      <MessageList {...args} />
    </div>
  ),
} satisfies Meta<typeof MessageList>

export default meta
type Story = StoryObj<typeof meta>

/** A conversation with nothing in it yet: a greeting, never a blank panel. */
export const Empty: Story = { parameters: scenario({}) }

/** Runs by one author within five minutes share one name and one time; days get a separator. */
export const Grouped: Story = { parameters: scenario({ seed: 60 }) }

/**
 * Ten thousand messages on the server: the list renders a window of the newest and grows it as
 * the reader scrolls up, then pages older history in without moving the view.
 */
export const LongThread10k: Story = {
  parameters: scenario({ seed: 10_000, pageSize: 100 }),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'Show earlier messages' })).toBeVisible()
  },
}

/** The customer's own messages: read (double tick), sent, still sending, and failed with retry. */
export const DeliveryStates: Story = {
  parameters: scenario({
    setup: async (chat) => {
      await sendAndWait(chat, 'This one was read by Grace.')
      chat.backend.agent.read(chat.conversationId())
      await sendAndWait(chat, 'This one reached the server.')
      chat.adapter.faults.set({ failNext: ['validation_failed'], methods: ['sendMessage'] })
      await chat.client.sendMessage({ text: 'This one was refused.' })
      await chat.waitUntil((state) => state.messages.some((message) => message.delivery === 'failed'))
      chat.adapter.faults.set({ latencyMs: 24 * 60 * 60 * 1000, methods: ['sendMessage'] })
      await chat.client.sendMessage({ text: 'This one is still on its way…' })
    },
  }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(await canvas.findByRole('button', { name: 'Retry' })).toBeVisible()
    await expect(await canvas.findByText('Sending…')).toBeVisible()
  },
}

export const ReadReceipts: Story = {
  parameters: scenario({
    seed: [
      { from: 'customer', text: 'Hello!' },
      { from: 'agent', text: 'Hi Sam, what can I do for you?' },
    ],
    setup: async (chat) => {
      await sendAndWait(chat, 'I would like to change my delivery address.')
      await sendAndWait(chat, 'It should go to my office instead.')
      chat.backend.agent.read(chat.conversationId())
    },
  }),
}

/** An image preview (real bytes, a blob: URL from the memory backend) and a document card. */
export const Attachments: Story = {
  parameters: scenario({
    setup: async (chat) => {
      const image = await chat.client.uploadAttachment(await sampleImage())
      const document = await chat.client.uploadAttachment(
        new File(['%PDF-1.4 sample'], 'invoice-4821.pdf', { type: 'application/pdf' }),
      )
      if (!image.ok) throw image.error
      if (!document.ok) throw document.error
      const sent = await chat.client.sendMessage({
        text: 'Here is the receipt and the invoice.',
        attachments: [image.value, document.value],
      })
      if (!sent.ok) throw sent.error
      await chat.waitUntil((state) => state.messages.at(-1)?.delivery === 'sent')
      chat.backend.agent.reply(chat.conversationId(), 'Thanks, got both files!')
    },
  }),
}

/** Links are https or mailto only, and text is text: no markup from a message ever becomes an element. */
export const LinksAndUnsafeText: Story = {
  parameters: scenario({
    seed: [
      { from: 'customer', text: 'Is <b>this</b> bold? <img src=x onerror=alert(1)>' },
      {
        from: 'agent',
        text: 'No, it shows as typed. Our guide is at https://example.com/help and you can write to help@example.com (mailto:help@example.com). javascript:alert(1) stays text.',
      },
    ],
  }),
}
