import type { Meta, StoryObj } from '@storybook/react-vite'
import { ThreadlineError, type ChatMessage } from '@threadline/core'
import { Message } from './message.js'

/** One message in each state, built as the store holds it (no backend round trip needed). */
function chatMessage(overrides: Partial<ChatMessage>): ChatMessage {
  return {
    key: 'msg_1',
    id: 'msg_1',
    clientId: 'client-1',
    seq: 1,
    author: { kind: 'customer', id: 'cus_sam', name: 'Sam', avatarUrl: null },
    text: 'Hi! My order has not arrived yet.',
    attachments: [],
    createdAt: Date.now() - 5 * 60_000,
    delivery: 'sent',
    readAt: null,
    error: null,
    ...overrides,
  }
}

const advisor = { kind: 'agent' as const, id: 'agt_grace', name: 'Grace Hopper', avatarUrl: null }

const meta = {
  title: 'Parts/Message',
  component: Message,
  parameters: { chat: { signedIn: false } },
  render: (args) => (
    <div style={{ maxWidth: 400, marginInline: 'auto' }}>
      <Message {...args} />
    </div>
  ),
} satisfies Meta<typeof Message>

export default meta
type Story = StoryObj<typeof meta>

export const FromTheCustomer: Story = { args: { message: chatMessage({}) } }

export const Sending: Story = { args: { message: chatMessage({ seq: null, id: null, delivery: 'pending' }) } }

export const Read: Story = { args: { message: chatMessage({ readAt: Date.now() - 60_000 }) } }

export const Failed: Story = {
  args: {
    message: chatMessage({
      seq: null,
      id: null,
      delivery: 'failed',
      error: new ThreadlineError('network_error', 'The request failed'),
    }),
  },
}

export const FailedBecauseChatIsOff: Story = {
  args: {
    message: chatMessage({
      seq: null,
      id: null,
      delivery: 'failed',
      error: new ThreadlineError('chat_disabled', 'Chat is switched off'),
    }),
  },
}

export const FromAnAdvisor: Story = {
  args: { message: chatMessage({ clientId: null, author: advisor, text: 'Hello Sam! Let me check that for you.' }) },
}

/** The middle of a run by one author: no name, no avatar, no time. */
export const InsideAGroup: Story = {
  args: {
    message: chatMessage({ clientId: null, author: advisor, text: 'One more thing…' }),
    showAuthor: false,
    showTime: false,
  },
}

export const FromTheSystem: Story = {
  args: {
    message: chatMessage({
      clientId: null,
      author: { kind: 'system', id: 'system', name: null, avatarUrl: null },
      text: 'Grace joined the conversation.',
    }),
  },
}

export const LongTextAndLinks: Story = {
  args: {
    message: chatMessage({
      clientId: null,
      author: advisor,
      text: 'Here is everything in one place:\n\n1. Tracking: https://example.com/track/1Z999AA10123456784\n2. Returns policy: https://example.com/help/returns\n3. Write to billing@example.com for invoices.\n\nA very long word wraps instead of overflowing: Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung.',
    }),
  },
}

/** A file the server has not cleared for download yet (no URL): "preparing". */
export const AttachmentBeingPrepared: Story = {
  args: {
    message: chatMessage({
      text: '',
      attachments: [
        {
          id: 'att_1',
          name: 'scan.pdf',
          contentType: 'application/pdf',
          size: 482_133,
          url: null,
          scanState: 'pending',
        },
      ],
    }),
  },
}

export const DocumentAttachment: Story = {
  args: {
    message: chatMessage({
      clientId: null,
      author: advisor,
      text: 'Your invoice is attached.',
      attachments: [
        {
          id: 'att_2',
          name: 'invoice-4821.pdf',
          contentType: 'application/pdf',
          size: 128_400,
          url: 'https://files.example.com/att_2/invoice-4821.pdf',
          scanState: 'clean',
        },
      ],
    }),
  },
}
