import type { Meta, StoryObj } from '@storybook/react-vite'
import { TeamContext } from './team.js'
import { EmptyState } from './empty-state.js'

const meta = {
  title: 'Parts/EmptyState',
  component: EmptyState,
  parameters: { chat: { signedIn: false } },
  render: (args) => (
    <div style={{ maxWidth: 400, marginInline: 'auto' }}>
      <TeamContext.Provider value={{ name: 'Acme', replyTime: 'minutes' }}>
        <EmptyState {...args} />
      </TeamContext.Provider>
    </div>
  ),
} satisfies Meta<typeof EmptyState>

export default meta
type Story = StoryObj<typeof meta>

export const Default: Story = {}

export const CustomWords: Story = {
  args: {
    title: 'Questions about your plan?',
    description: 'Our billing team answers every message, usually within the hour.',
  },
}
