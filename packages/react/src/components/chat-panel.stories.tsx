import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ChatScenario } from '@threadline/core/testing'
import { ChatPanel, type Theme } from './chat-panel.js'

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: true, ...chat } })
const themeFrom = (value: unknown): Theme | undefined => (value === 'light' || value === 'dark' ? value : undefined)

/** The whole chat inline in a page (a help centre, an account page), without the launcher. */
const meta = {
  title: 'Widget/ChatPanel',
  component: ChatPanel,
  args: { team: { name: 'Acme', replyTime: 'minutes' } },
  render: (args, { globals }) => (
    <div style={{ display: 'flex', flexDirection: 'column', height: 640, maxWidth: 420, marginInline: 'auto' }}>
      <ChatPanel {...args} theme={args.theme ?? themeFrom(globals.theme)} style={{ flex: 1, minHeight: 0 }} />
    </div>
  ),
} satisfies Meta<typeof ChatPanel>

export default meta
type Story = StoryObj<typeof meta>

export const AtTheEmailGate: Story = { parameters: scenario({ signedIn: false }) }

export const NewConversation: Story = { parameters: scenario({}) }

export const Conversation: Story = { parameters: scenario({ seed: 24 }) }

/** An advisor took the conversation: the header names them. */
export const Assigned: Story = {
  parameters: scenario({
    seed: [
      { from: 'customer', text: 'Hi, can I get a refund for order #4821?' },
      { from: 'agent', text: 'Hi Sam, I am Grace and I will look after this.' },
    ],
  }),
}

export const AdvisorTyping: Story = {
  parameters: scenario({
    seed: 8,
    // The client forgets a typing advisor after 8 s of silence; keep the event coming.
    setup: (chat) =>
      chat.repeat(5_000, () =>
        chat.backend.agent.startTyping(chat.conversationId(), { id: 'agt_grace', name: 'Grace', avatarUrl: null }),
      ),
  }),
}

export const Dark: Story = { parameters: scenario({ seed: 24 }), globals: { theme: 'dark' } }

export const ArabicRightToLeft: Story = {
  parameters: scenario({
    seed: [
      { from: 'customer', text: 'مرحبا، أين طلبي؟' },
      { from: 'agent', text: 'أهلاً! دعني أتحقق من ذلك.' },
      { from: 'agent', text: 'تم شحن طلبك هذا الصباح.' },
    ],
  }),
  globals: { locale: 'ar' },
}

export const GermanLongerWords: Story = { parameters: scenario({ seed: 10 }), globals: { locale: 'de' } }
