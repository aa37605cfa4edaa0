import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ChatScenario } from '@threadline/core/testing'
import { ChatWidget } from './chat-widget.js'
import { Launcher } from './launcher.js'

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: true, ...chat } })

const unreadReplies = (count: number): ChatScenario => ({
  seed: [
    { from: 'customer', text: 'Hello?' },
    ...Array.from({ length: count }, (_, index) => ({ from: 'agent' as const, text: `Reply ${index + 1}` })),
  ],
})

/** The bubble on its own; in a `ChatWidget` it also opens and closes the panel. */
const meta = {
  title: 'Parts/Launcher',
  component: Launcher,
  render: (args) => (
    <ChatWidget launcherProps={args}>
      <span />
    </ChatWidget>
  ),
} satisfies Meta<typeof Launcher>

export default meta
type Story = StoryObj<typeof meta>

export const NothingUnread: Story = { parameters: scenario({ signedIn: false }) }

export const ThreeUnread: Story = { parameters: scenario(unreadReplies(3)) }

/** More than 99 shows "99+"; the accessible name keeps the real count. */
export const ManyUnread: Story = { parameters: scenario(unreadReplies(120)) }

export const CustomLabelAndIcon: Story = {
  args: { 'aria-label': 'Talk to us', children: <span aria-hidden>?</span> },
  parameters: scenario({ signedIn: false }),
}
