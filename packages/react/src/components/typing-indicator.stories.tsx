import type { Meta, StoryObj } from '@storybook/react-vite'
import type { Agent } from '@threadline/core'
import type { ChatScenario } from '@threadline/core/testing'
import { TypingIndicator } from './typing-indicator.js'

const typing = (agent?: Agent): ChatScenario => ({
  signedIn: true,
  seed: [{ from: 'customer', text: 'Hello?' }],
  // The client forgets a typing advisor after 8 s of silence; keep the event coming.
  setup: (chat) => chat.repeat(5_000, () => chat.backend.agent.startTyping(chat.conversationId(), agent)),
})

const meta = {
  title: 'Parts/TypingIndicator',
  component: TypingIndicator,
  render: (args) => (
    <div style={{ maxWidth: 400, marginInline: 'auto' }}>
      <TypingIndicator {...args} />
    </div>
  ),
} satisfies Meta<typeof TypingIndicator>

export default meta
type Story = StoryObj<typeof meta>

export const NamedAdvisor: Story = { parameters: { chat: typing({ id: 'agt_grace', name: 'Grace', avatarUrl: null }) } }

/** Nobody typing: it renders nothing at all. */
export const NobodyTyping: Story = { parameters: { chat: { signedIn: true } } }
